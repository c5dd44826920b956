import { Migration } from '@mikro-orm/migrations';

export class Migration20261128220347 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "idempotency_keys" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "user_id" uuid not null, "key" varchar(255) not null, "route" varchar(255) not null, "request_hash" varchar(64) not null, "response_status" int null, "response_body" jsonb null, "expires_at" timestamptz not null, constraint "idempotency_keys_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "idempotency_keys" add constraint "idempotency_keys_user_id_key_unique" unique ("user_id", "key");`,
    );

    this.addSql(
      `create table "organizations" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" varchar(120) not null, "slug" varchar(80) not null, constraint "organizations_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "organizations" add constraint "organizations_slug_unique" unique ("slug");`);

    this.addSql(
      `create table "audit_events" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "subject_type" varchar(32) not null, "subject_id" uuid not null, "action" varchar(64) not null, "actor_type" varchar(16) not null, "actor_id" varchar(64) null, "data" jsonb not null, constraint "audit_events_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "audit_events_subject_type_subject_id_created_at_index" on "audit_events" ("subject_type", "subject_id", "created_at");`,
    );

    this.addSql(
      `create table "social_accounts" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "platform" varchar(32) not null, "external_id" varchar(128) not null, "display_name" varchar(200) not null, "access_token_enc" text not null, "refresh_token_enc" text null, "token_expires_at" timestamptz null, "status" text check ("status" in ('connected', 'needs_reconnect')) not null default 'connected', constraint "social_accounts_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "social_accounts" add constraint "social_accounts_organization_id_platform_external_id_unique" unique ("organization_id", "platform", "external_id");`,
    );

    this.addSql(
      `create table "users" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "email" varchar(254) not null, "name" varchar(120) not null, "password_hash" varchar(255) not null, constraint "users_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    this.addSql(
      `create table "refresh_tokens" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "user_id" uuid not null, "family_id" uuid not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "revoked_at" timestamptz null, constraint "refresh_tokens_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "refresh_tokens_family_id_index" on "refresh_tokens" ("family_id");`);
    this.addSql(
      `alter table "refresh_tokens" add constraint "refresh_tokens_token_hash_unique" unique ("token_hash");`,
    );

    this.addSql(
      `create table "posts" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "author_id" uuid null, "content" text not null, "platform_content" jsonb not null, "media_ids" jsonb not null, "scheduled_at" timestamptz null, "timezone" varchar(64) not null default 'UTC', "status" text check ("status" in ('draft', 'scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled')) not null default 'draft', "version" int not null default 1, "published_at" timestamptz null, "deleted_at" timestamptz null, constraint "posts_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "posts_organization_id_created_at_id_index" on "posts" ("organization_id", "created_at", "id");`,
    );
    this.addSql(
      `create index "posts_organization_id_status_index" on "posts" ("organization_id", "status");`,
    );
    this.addSql(
      `create index "posts_organization_id_scheduled_at_index" on "posts" ("organization_id", "scheduled_at");`,
    );

    this.addSql(
      `create table "post_targets" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "post_id" uuid not null, "account_id" uuid not null, "platform" varchar(32) not null, "status" text check ("status" in ('pending', 'publishing', 'published', 'failed', 'cancelled')) not null, "platform_post_id" varchar(128) null, "platform_url" text null, "last_error" jsonb null, "attempts" int not null, "published_at" timestamptz null, constraint "post_targets_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "post_targets" add constraint "post_targets_post_id_account_id_unique" unique ("post_id", "account_id");`,
    );

    this.addSql(
      `create table "publish_ledger" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "target_id" uuid not null, "content_version" int not null, "client_ref" varchar(64) not null, "state" text check ("state" in ('intent', 'confirmed')) not null default 'intent', "intent_at" timestamptz not null, "confirmed_at" timestamptz null, "platform_post_id" varchar(128) null, "platform_url" text null, "calls" int not null default 0, constraint "publish_ledger_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "publish_ledger" add constraint "publish_ledger_client_ref_unique" unique ("client_ref");`,
    );
    this.addSql(
      `alter table "publish_ledger" add constraint "publish_ledger_target_id_content_version_unique" unique ("target_id", "content_version");`,
    );

    this.addSql(
      `create table "memberships" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "user_id" uuid not null, "organization_id" uuid not null, "role" text check ("role" in ('owner', 'admin', 'editor', 'viewer')) not null, constraint "memberships_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "memberships" add constraint "memberships_user_id_organization_id_unique" unique ("user_id", "organization_id");`,
    );

    this.addSql(
      `create table "media" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "uploader_id" uuid null, "kind" text check ("kind" in ('image', 'gif', 'video')) not null, "mime" varchar(100) not null, "bytes" bigint not null, "width" int null, "height" int null, "duration_s" double precision null, "alt" text null, "storage" varchar(16) not null, "public_id" varchar(255) not null, "url" text not null, "original_name" varchar(255) null, "sha256" varchar(64) not null, "status" text check ("status" in ('processing', 'ready', 'failed')) not null, "variants" jsonb not null, constraint "media_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "media_organization_id_created_at_index" on "media" ("organization_id", "created_at");`,
    );

    this.addSql(
      `alter table "audit_events" add constraint "audit_events_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "social_accounts" add constraint "social_accounts_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "refresh_tokens" add constraint "refresh_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "posts" add constraint "posts_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "posts" add constraint "posts_author_id_foreign" foreign key ("author_id") references "users" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "post_targets" add constraint "post_targets_post_id_foreign" foreign key ("post_id") references "posts" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "post_targets" add constraint "post_targets_account_id_foreign" foreign key ("account_id") references "social_accounts" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "publish_ledger" add constraint "publish_ledger_target_id_foreign" foreign key ("target_id") references "post_targets" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "memberships" add constraint "memberships_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "memberships" add constraint "memberships_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "media" add constraint "media_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "media" add constraint "media_uploader_id_foreign" foreign key ("uploader_id") references "users" ("id") on update cascade on delete set null;`,
    );
  }
}
