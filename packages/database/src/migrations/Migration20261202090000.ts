import { Migration } from '@mikro-orm/migrations';

/**
 * Idempotency keys are scoped by user, organization and route: the same key sent to another
 * organization (X-Organization-Id) or another endpoint is a new request, not a replay of the first.
 * `route` becomes the operation (`POST /api/v1/posts`, path template); `organization_id` is null for
 * requests that act in no organization (creating one). NULLS NOT DISTINCT (PostgreSQL 15) so those
 * still collide with each other.
 */
export class Migration20261202090000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "idempotency_keys" add column "organization_id" uuid null;');
    this.addSql('alter table "idempotency_keys" drop constraint "idempotency_keys_user_id_key_unique";');
    this.addSql(
      'alter table "idempotency_keys" add constraint "idempotency_keys_scope_unique" unique nulls not distinct ("user_id", "organization_id", "route", "key");',
    );
  }

  override async down(): Promise<void> {
    // Keys made under the scoped rule may repeat per user; keep the oldest of each (they expire in 24 h).
    this.addSql(
      'delete from "idempotency_keys" a using "idempotency_keys" b where a."user_id" = b."user_id" and a."key" = b."key" and (a."created_at", a."id") > (b."created_at", b."id");',
    );
    this.addSql('alter table "idempotency_keys" drop constraint "idempotency_keys_scope_unique";');
    this.addSql('alter table "idempotency_keys" drop column "organization_id";');
    this.addSql(
      'alter table "idempotency_keys" add constraint "idempotency_keys_user_id_key_unique" unique ("user_id", "key");',
    );
  }
}
