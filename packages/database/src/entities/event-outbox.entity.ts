import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * An event waiting to go out on NATS: written in the transaction of the change it reports, published
 * by the outbox relay in `id` order (with `msgId` as JetStream's message id) and then deleted.
 * Writers insert with `enqueueEvents` or the `OUTBOX_INSERT` fragment, never through this entity:
 * it is here so the schema (and its migrations) knows the table.
 */
@Entity({ tableName: 'event_outbox' })
export class EventOutbox {
  /** The publish order: drawn at insert, after the writer took its row locks. */
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** JetStream's `Nats-Msg-Id`: unique across databases that share one NATS, unlike `id`. */
  @Property({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  msgId!: string;

  @Property({ type: 'string', length: 255 })
  subject!: string;

  /** The protobuf message's type name (the `Vt-Event-Type` header). */
  @Property({ type: 'string', length: 128 })
  type!: string;

  /** The message in its protobuf JSON mapping, the bus's wire format. */
  @Property({ type: 'json' })
  payload!: unknown;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt!: Date;
}
