import { Entity, Enum, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base.entity';
import { PostTarget } from './post-target.entity';

/** Ledger states: an intent is written before the platform call, confirmed after. */
export const LEDGER_STATES = ['intent', 'confirmed'] as const;
/** A ledger row's state. */
export type LedgerState = (typeof LEDGER_STATES)[number];

/**
 * Effectively-once publishing: one row per (target, content version). An attempt that finds an
 * unconfirmed intent reconciles with the platform before it creates anything.
 */
@Entity({ tableName: 'publish_ledger' })
@Unique({ properties: ['target', 'contentVersion'] })
export class PublishLedger extends BaseEntity {
  @ManyToOne(() => PostTarget, { deleteRule: 'cascade' })
  target: PostTarget;

  @Property({ type: 'integer' })
  contentVersion: number;

  @Property({ type: 'string', length: 64 })
  @Unique()
  clientRef: string;

  @Enum({ items: () => LEDGER_STATES, type: 'string' })
  state: LedgerState = 'intent';

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  intentAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  confirmedAt: Date | null = null;

  @Property({ type: 'string', length: 128, nullable: true })
  platformPostId: string | null = null;

  @Property({ type: 'text', nullable: true })
  platformUrl: string | null = null;

  @Property({ type: 'integer' })
  calls: number = 0;

  /** Until when an attempt holds the platform call (renewed while it runs; null when none does). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  leaseUntil: Date | null = null;

  constructor(target: PostTarget, contentVersion: number, clientRef: string) {
    super();
    this.target = target;
    this.contentVersion = contentVersion;
    this.clientRef = clientRef;
  }
}
