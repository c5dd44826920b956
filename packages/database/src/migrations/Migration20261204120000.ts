import { Migration } from '@mikro-orm/migrations';

/**
 * Sandbox accounts (connected through the platform emulators that `npm start` runs when a platform has
 * no client credentials) and the targets made for them: marked so they are never taken for real ones.
 * A target keeps the mark of the account it was made for.
 */
export class Migration20261204120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "social_accounts" add column "sandbox" boolean not null default false;');
    this.addSql('alter table "post_targets" add column "sandbox" boolean not null default false;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table "post_targets" drop column "sandbox";');
    this.addSql('alter table "social_accounts" drop column "sandbox";');
  }
}
