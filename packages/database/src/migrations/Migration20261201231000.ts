import { Migration } from '@mikro-orm/migrations';

/**
 * Disconnecting an account keeps it, and its history: a `disconnected` status and the time it was
 * disconnected, where the row used to be deleted (and its targets and ledger rows with it).
 */
export class Migration20261201231000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "social_accounts" drop constraint if exists "social_accounts_status_check";');
    this.addSql(
      `alter table "social_accounts" add constraint "social_accounts_status_check" check ("status" in ('connected', 'needs_reconnect', 'disconnected'));`,
    );
    this.addSql('alter table "social_accounts" add column "disconnected_at" timestamptz null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table "social_accounts" drop column "disconnected_at";');
    this.addSql('alter table "social_accounts" drop constraint if exists "social_accounts_status_check";');
    this.addSql(
      `alter table "social_accounts" add constraint "social_accounts_status_check" check ("status" in ('connected', 'needs_reconnect'));`,
    );
  }
}
