import { Migration } from '@mikro-orm/migrations';

/**
 * A version of every organization's posts, for caches of the post list (the gateway's): the sum of
 * `n` over an organization's rows grows by one with every committed transaction that changes one of
 * its posts or post targets, whoever writes (gateway, worker, a migration, psql). Triggers keep it, so
 * no writer can forget to.
 *
 * - The bump runs at commit (a deferred constraint trigger), once per organization per transaction,
 *   so it holds the row lock only while committing.
 * - It goes to one of 16 stripes (by backend) so concurrent writers of one organization rarely wait
 *   for each other. A statement sees a prefix of all commits, so the sum (one more per committed
 *   change) names exactly one state of the organization's posts.
 * - The counters never go back: TRUNCATE bumps every organization, and a deleted organization's
 *   rows go with it (its members are gone, so nothing lists it any more).
 */
export class Migration20261129003500 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "post_list_versions" (
  "organization_id" uuid not null,
  "stripe" smallint not null,
  "n" bigint not null,
  constraint "post_list_versions_pkey" primary key ("organization_id", "stripe")
);`);
    this.addSql(`create function "post_list_versions_bump"() returns trigger language plpgsql as $$
declare
  org uuid;
begin
  if TG_TABLE_NAME = 'posts' then
    if TG_OP = 'DELETE' then org := OLD.organization_id; else org := NEW.organization_id; end if;
    -- A post moved between organizations (nothing does that) changes the old one too.
    if TG_OP = 'UPDATE' and OLD.organization_id is distinct from NEW.organization_id then
      perform "post_list_versions_bump_org"(OLD.organization_id);
    end if;
  else
    select p.organization_id into org from posts p
      where p.id = (case when TG_OP = 'DELETE' then OLD.post_id else NEW.post_id end);
    if TG_OP = 'UPDATE' and OLD.post_id is distinct from NEW.post_id then
      perform "post_list_versions_bump_org"(p.organization_id) from posts p where p.id = OLD.post_id;
    end if;
  end if;
  -- A target whose post went in the same transaction: the post's own trigger counts it.
  if org is not null then perform "post_list_versions_bump_org"(org); end if;
  return null;
end $$;`);
    this.addSql(`create function "post_list_versions_bump_org"(org uuid) returns void language plpgsql as $$
declare
  done text := coalesce(current_setting('vibetribe.post_list_bumped', true), '');
begin
  -- Once per organization per transaction (the setting is transaction-local).
  if position(org::text in done) > 0 then return; end if;
  perform set_config('vibetribe.post_list_bumped', done || org::text || ',', true);
  -- The organization itself went in this transaction: nothing to version any more.
  if not exists (select 1 from organizations o where o.id = org) then return; end if;
  insert into post_list_versions as v (organization_id, stripe, n)
    values (org, pg_backend_pid() % 16, 1)
    on conflict (organization_id, stripe) do update set n = v.n + 1;
end $$;`);
    this.addSql(`create function "post_list_versions_truncated"() returns trigger language plpgsql as $$
begin
  insert into post_list_versions as v (organization_id, stripe, n)
    select o.id, pg_backend_pid() % 16, 1 from organizations o
    on conflict (organization_id, stripe) do update set n = v.n + 1;
  return null;
end $$;`);
    for (const table of ['posts', 'post_targets']) {
      this.addSql(`create constraint trigger "${table}_post_list_version"
  after insert or update or delete on "${table}"
  deferrable initially deferred
  for each row execute function "post_list_versions_bump"();`);
      this.addSql(`create trigger "${table}_post_list_version_truncate"
  after truncate on "${table}"
  for each statement execute function "post_list_versions_truncated"();`);
    }
    this.addSql(`create function "post_list_versions_org_deleted"() returns trigger language plpgsql as $$
begin
  delete from post_list_versions where organization_id = OLD.id;
  return null;
end $$;`);
    this.addSql(`create trigger "organizations_post_list_versions"
  after delete on "organizations"
  for each row execute function "post_list_versions_org_deleted"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "organizations_post_list_versions" on "organizations";`);
    for (const table of ['posts', 'post_targets']) {
      this.addSql(`drop trigger if exists "${table}_post_list_version" on "${table}";`);
      this.addSql(`drop trigger if exists "${table}_post_list_version_truncate" on "${table}";`);
    }
    this.addSql(`drop function if exists "post_list_versions_org_deleted"();`);
    this.addSql(`drop function if exists "post_list_versions_truncated"();`);
    this.addSql(`drop function if exists "post_list_versions_bump"();`);
    this.addSql(`drop function if exists "post_list_versions_bump_org"(uuid);`);
    this.addSql(`drop table if exists "post_list_versions";`);
  }
}
