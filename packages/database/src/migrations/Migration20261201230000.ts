import { Migration } from '@mikro-orm/migrations';

/**
 * A lease on a ledger row's platform call (`lease_until`), in place of an advisory lock held in a
 * transaction across the call: no connection is held while a platform answers. A live attempt
 * renews its lease; one whose worker died lets it lapse, and the next attempt takes it then.
 * Expand-only: older workers never read the column.
 */
export class Migration20261201230000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "publish_ledger" add column "lease_until" timestamptz null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table "publish_ledger" drop column "lease_until";');
  }
}
