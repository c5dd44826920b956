import { Entity, Index, ManyToOne, Property } from '@mikro-orm/core';
import { BaseEntity } from './base.entity';
import { Organization } from './organization.entity';

/** Who caused a change. */
export type ActorType = 'user' | 'system' | 'workflow' | 'operator';

/** An append-only record of a change: a post's timeline is built from these. */
@Entity({ tableName: 'audit_events' })
@Index({ properties: ['subjectType', 'subjectId', 'createdAt'] })
export class AuditEvent extends BaseEntity {
  @ManyToOne(() => Organization, { deleteRule: 'cascade' })
  organization: Organization;

  @Property({ type: 'string', length: 32 })
  subjectType: string;

  @Property({ type: 'uuid' })
  subjectId: string;

  @Property({ type: 'string', length: 64 })
  action: string;

  @Property({ type: 'string', length: 16 })
  actorType: ActorType;

  @Property({ type: 'string', length: 64, nullable: true })
  actorId: string | null;

  @Property({ type: 'json' })
  data: Record<string, unknown>;

  /** The order entries were written in (a database sequence); a timeline is read in it. */
  @Property({ type: 'bigint', defaultRaw: `nextval('audit_events_seq_seq')`, nullable: true })
  seq?: string;

  constructor(
    organization: Organization,
    init: {
      subjectType: string;
      subjectId: string;
      action: string;
      actorType: ActorType;
      actorId?: string | null;
      data?: Record<string, unknown>;
    },
  ) {
    super();
    this.organization = organization;
    this.subjectType = init.subjectType;
    this.subjectId = init.subjectId;
    this.action = init.action;
    this.actorType = init.actorType;
    this.actorId = init.actorId ?? null;
    this.data = init.data ?? {};
  }
}
