import { Entity, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base.entity';

/** A creating request's first result, replayed for repeats of the same Idempotency-Key (kept 24 h). */
@Entity({ tableName: 'idempotency_keys' })
@Unique({ properties: ['userId', 'key'] })
export class IdempotencyKey extends BaseEntity {
  @Property({ type: 'uuid' })
  userId: string;

  @Property({ type: 'string', length: 255 })
  key: string;

  @Property({ type: 'string', length: 255 })
  route: string;

  @Property({ type: 'string', length: 64 })
  requestHash: string;

  @Property({ type: 'integer', nullable: true })
  responseStatus: number | null = null;

  @Property({ type: 'json', nullable: true })
  responseBody: unknown = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expiresAt: Date;

  constructor(init: { userId: string; key: string; route: string; requestHash: string; expiresAt: Date }) {
    super();
    this.userId = init.userId;
    this.key = init.key;
    this.route = init.route;
    this.requestHash = init.requestHash;
    this.expiresAt = init.expiresAt;
  }
}
