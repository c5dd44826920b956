import { Migration } from '@mikro-orm/migrations';

/** Posts changed since a time, per organization: the realtime clients' REST resync (`GET /posts/changes`). */
export class Migration20261206100000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create index "posts_organization_id_updated_at_index" on "posts" ("organization_id", "updated_at");',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index "posts_organization_id_updated_at_index";');
  }
}
