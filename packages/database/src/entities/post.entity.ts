import { Collection, Entity, Enum, Index, ManyToOne, OneToMany, Property } from '@mikro-orm/core';
import { BaseEntity } from './base.entity';
import { Organization } from './organization.entity';
import { PostTarget } from './post-target.entity';
import { User } from './user.entity';

/** A post's life; see the README's state diagram. */
export const POST_STATUSES = [
  'draft',
  'scheduled',
  'publishing',
  'published',
  'partially_published',
  'failed',
  'cancelled',
] as const;
/** A post's status. */
export type PostStatus = (typeof POST_STATUSES)[number];

/**
 * A post: content for one or more targets, a draft or scheduled at `scheduledAt`. `version` grows with
 * every edit; clients send it back for optimistic concurrency, and the workflow publishes a version.
 */
@Entity({ tableName: 'posts' })
@Index({ properties: ['organization', 'scheduledAt'] })
@Index({ properties: ['organization', 'status'] })
@Index({ properties: ['organization', 'createdAt', 'id'] })
@Index({ properties: ['organization', 'updatedAt'] })
export class Post extends BaseEntity {
  @ManyToOne(() => Organization, { deleteRule: 'cascade' })
  organization: Organization;

  @ManyToOne(() => User, { deleteRule: 'set null', nullable: true })
  author: User | null;

  @Property({ type: 'text' })
  content: string;

  /** Per-platform text overrides, keyed by platform. */
  @Property({ type: 'json' })
  platformContent: Record<string, string> = {};

  @Property({ type: 'json' })
  mediaIds: string[] = [];

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  scheduledAt: Date | null = null;

  @Property({ type: 'string', length: 64 })
  timezone: string = 'UTC';

  @Enum({ items: () => POST_STATUSES, type: 'string' })
  status: PostStatus = 'draft';

  @Property({ type: 'integer' })
  version: number = 1;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  publishedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deletedAt: Date | null = null;

  @OneToMany(() => PostTarget, (t) => t.post, { orphanRemoval: true })
  targets = new Collection<PostTarget>(this);

  constructor(organization: Organization, author: User | null, content: string) {
    super();
    this.organization = organization;
    this.author = author;
    this.content = content;
  }
}
