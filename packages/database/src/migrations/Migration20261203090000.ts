import { Migration } from '@mikro-orm/migrations';

/**
 * Analytics snapshots: one row per target per sync, rolled up by cleanup (hourly, then daily). Read by
 * target over time (a post's analytics) and by organization over a range (the overview).
 */
export class Migration20261203090000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "analytics_snapshots" (
      "id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null,
      "organization_id" uuid not null, "post_id" uuid not null, "target_id" uuid not null,
      "account_id" uuid not null, "platform" varchar(32) not null,
      "granularity" varchar(8) not null default 'raw', "collected_at" timestamptz not null,
      "metrics" jsonb not null,
      constraint "analytics_snapshots_pkey" primary key ("id"),
      constraint "analytics_snapshots_granularity_check" check ("granularity" in ('raw', 'hour', 'day')));`);
    this.addSql(
      'alter table "analytics_snapshots" add constraint "analytics_snapshots_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;',
    );
    this.addSql(
      'create index "analytics_snapshots_target_id_collected_at_index" on "analytics_snapshots" ("target_id", "collected_at");',
    );
    this.addSql(
      'create index "analytics_snapshots_organization_id_collected_at_index" on "analytics_snapshots" ("organization_id", "collected_at");',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "analytics_snapshots" cascade;');
  }
}
