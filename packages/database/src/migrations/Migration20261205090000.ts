import { Migration } from '@mikro-orm/migrations';

/**
 * The transactional outbox: every event is written here in the transaction of the change it reports,
 * and the relay publishes it to JetStream. An insert statement notifies `vt_event_outbox` (delivered
 * at commit), so a listening relay wakes at once.
 */
export class Migration20261205090000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "event_outbox" (
      "id" bigserial primary key,
      "msg_id" uuid not null default gen_random_uuid(),
      "subject" varchar(255) not null,
      "type" varchar(128) not null,
      "payload" jsonb not null,
      "created_at" timestamptz not null default now());`);
    this.addSql(`create function "event_outbox_notify"() returns trigger language plpgsql as $$
      begin perform pg_notify('vt_event_outbox', ''); return null; end $$;`);
    this.addSql(`create trigger "event_outbox_notify" after insert on "event_outbox"
      for each statement execute function "event_outbox_notify"();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table "event_outbox";');
    this.addSql('drop function "event_outbox_notify"();');
  }
}
