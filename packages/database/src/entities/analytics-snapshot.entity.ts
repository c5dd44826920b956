import { Entity, Index, ManyToOne, Property } from '@mikro-orm/core';
import { BaseEntity } from './base.entity';
import { Organization } from './organization.entity';

/** How much time one snapshot stands for: a single reading, or the last reading of an hour or a day. */
export const SNAPSHOT_GRANULARITIES = ['raw', 'hour', 'day'] as const;
/** A snapshot's granularity. */
export type SnapshotGranularity = (typeof SNAPSHOT_GRANULARITIES)[number];

/**
 * A published target's engagement counters at one moment. The sync appends one per run (history
 * over time, not only the latest value); cleanup rolls old readings up to one per hour, then per day.
 * Counters are cumulative on every platform, so a rollup keeps the period's last reading.
 */
@Entity({ tableName: 'analytics_snapshots' })
@Index({ properties: ['targetId', 'collectedAt'] })
@Index({ properties: ['organization', 'collectedAt'] })
export class AnalyticsSnapshot extends BaseEntity {
  @ManyToOne(() => Organization, { deleteRule: 'cascade' })
  organization: Organization;

  @Property({ type: 'uuid' })
  postId: string;

  @Property({ type: 'uuid' })
  targetId: string;

  @Property({ type: 'uuid' })
  accountId: string;

  @Property({ type: 'string', length: 32 })
  platform: string;

  @Property({ type: 'string', length: 8 })
  granularity: SnapshotGranularity = 'raw';

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  collectedAt: Date;

  /** Counters by name (likes, reposts, replies, impressions, …), as the connector reported them. */
  @Property({ type: 'json' })
  metrics: Record<string, number>;

  constructor(
    organization: Organization,
    init: Pick<
      AnalyticsSnapshot,
      'postId' | 'targetId' | 'accountId' | 'platform' | 'collectedAt' | 'metrics'
    >,
  ) {
    super();
    this.organization = organization;
    this.postId = init.postId;
    this.targetId = init.targetId;
    this.accountId = init.accountId;
    this.platform = init.platform;
    this.collectedAt = init.collectedAt;
    this.metrics = init.metrics;
  }
}
