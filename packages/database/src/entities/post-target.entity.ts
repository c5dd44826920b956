import { Entity, Enum, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base.entity';
import type { Post } from './post.entity';
import { SocialAccount } from './social-account.entity';

/** A target's status. */
export const TARGET_STATUSES = ['pending', 'publishing', 'published', 'failed', 'cancelled'] as const;
/** One target's publishing status. */
export type TargetStatus = (typeof TARGET_STATUSES)[number];

/** A failure as the product shows it: the platform's words, our classification. */
export interface TargetError {
  kind: string;
  message: string;
  status?: number;
  code?: string;
  at: string;
}

/** One post going to one social account. */
@Entity({ tableName: 'post_targets' })
@Unique({ properties: ['post', 'account'] })
export class PostTarget extends BaseEntity {
  @ManyToOne('Post', { deleteRule: 'cascade' })
  post: Post;

  @ManyToOne(() => SocialAccount, { deleteRule: 'cascade' })
  account: SocialAccount;

  @Property({ type: 'string', length: 32 })
  platform: string;

  @Enum({ items: () => TARGET_STATUSES, type: 'string' })
  status: TargetStatus = 'pending';

  @Property({ type: 'string', length: 128, nullable: true })
  platformPostId: string | null = null;

  @Property({ type: 'text', nullable: true })
  platformUrl: string | null = null;

  @Property({ type: 'json', nullable: true })
  lastError: TargetError | null = null;

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  publishedAt: Date | null = null;

  /** Made for a sandbox account: published to an emulator, never to the real platform. */
  @Property({ type: 'boolean', default: false })
  sandbox: boolean = false;

  constructor(post: Post, account: SocialAccount) {
    super();
    this.post = post;
    this.account = account;
    this.platform = account.platform;
    this.sandbox = account.sandbox;
  }
}
