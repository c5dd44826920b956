import { Entity, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base.entity';

/**
 * A creating request's first result, replayed for repeats of the same Idempotency-Key (kept 24 h). A key
 * is the user's within one organization and one route: elsewhere the same key is a new request.
 */
@Entity({ tableName: 'idempotency_keys' })
@Unique({
  name: 'idempotency_keys_scope_unique',
  // NULLS NOT DISTINCT: requests in no organization (creating one) collide with each other too.
  expression:
    'alter table "idempotency_keys" add constraint "idempotency_keys_scope_unique" unique nulls not distinct ("user_id", "organization_id", "route", "key")',
})
export class IdempotencyKey extends BaseEntity {
  @Property({ type: 'uuid' })
  userId: string;

  /** The organization the request acts in; null for one that acts in none (creating an organization). */
  @Property({ type: 'uuid', nullable: true })
  organizationId: string | null;

  @Property({ type: 'string', length: 255 })
  key: string;

  /** The operation, `POST /api/v1/posts` (the OpenAPI path, whichever form the request used). */
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

  constructor(init: {
    userId: string;
    organizationId: string | null;
    key: string;
    route: string;
    requestHash: string;
    expiresAt: Date;
  }) {
    super();
    this.userId = init.userId;
    this.organizationId = init.organizationId;
    this.key = init.key;
    this.route = init.route;
    this.requestHash = init.requestHash;
    this.expiresAt = init.expiresAt;
  }
}
