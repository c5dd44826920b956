import type {
  AuditEvent,
  Post,
  PostStatus,
  PostTarget,
  TargetError,
  TargetStatus,
} from '@vibetribe/database';

/** A target's columns, as the presenter reads them (from an entity or a row of the list statement). */
export interface TargetRow {
  id: string;
  accountId: string;
  platform: string;
  status: TargetStatus;
  platformPostId: string | null;
  platformUrl: string | null;
  attempts: number;
  lastError: TargetError | null;
  publishedAt: Date | null;
  createdAt: Date;
  sandbox: boolean;
}

/** A post's columns and its targets, as the presenter reads them (from an entity or a row). */
export interface PostRow {
  id: string;
  organizationId: string;
  authorId: string | null;
  content: string;
  platformContent: Record<string, string>;
  mediaIds: string[];
  scheduledAt: Date | null;
  timezone: string;
  status: PostStatus;
  version: number;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  targets: TargetRow[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

const presentTarget = (t: TargetRow) => ({
  id: t.id,
  account_id: t.accountId,
  platform: t.platform,
  status: t.status,
  platform_post_id: t.platformPostId,
  platform_url: t.platformUrl,
  attempts: t.attempts,
  last_error: t.lastError ? { ...t.lastError } : null,
  published_at: iso(t.publishedAt),
  sandbox: t.sandbox,
});

/**
 * A post as the API shows it: the one presenter, for a single post and for the list alike. Targets in
 * the order they were added; the order is decided here (not by a query) so every path agrees.
 */
export function presentPostRow(post: PostRow) {
  return {
    id: post.id,
    organization_id: post.organizationId,
    author_id: post.authorId,
    content: post.content,
    platform_content: post.platformContent,
    media_ids: post.mediaIds,
    scheduled_at: iso(post.scheduledAt),
    timezone: post.timezone,
    status: post.status,
    version: post.version,
    published_at: iso(post.publishedAt),
    created_at: post.createdAt.toISOString(),
    updated_at: post.updatedAt.toISOString(),
    targets: [...post.targets]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map(presentTarget),
  };
}

/** A post as the API shows it. */
export type PresentedPost = ReturnType<typeof presentPostRow>;

const targetRow = (t: PostTarget): TargetRow => ({
  id: t.id,
  accountId: t.account.id,
  platform: t.platform,
  status: t.status,
  platformPostId: t.platformPostId,
  platformUrl: t.platformUrl,
  attempts: t.attempts,
  lastError: t.lastError,
  publishedAt: t.publishedAt,
  createdAt: t.createdAt,
  sandbox: t.sandbox,
});

/** A post entity as the API shows it (targets must be loaded); see presentPostRow. */
export function presentPost(post: Post) {
  return presentPostRow(postRow(post));
}

/** A post entity's columns as the presenter reads them (targets must be loaded). */
export function postRow(post: Post): PostRow {
  return {
    id: post.id,
    organizationId: post.organization.id,
    authorId: post.author?.id ?? null,
    content: post.content,
    platformContent: post.platformContent,
    mediaIds: post.mediaIds,
    scheduledAt: post.scheduledAt,
    timezone: post.timezone,
    status: post.status,
    version: post.version,
    publishedAt: post.publishedAt,
    createdAt: post.createdAt,
    updatedAt: post.updatedAt,
    targets: post.targets.getItems().map(targetRow),
  };
}

/** One timeline entry from an audit event. */
export function presentTimelineEntry(e: AuditEvent) {
  return {
    at: e.createdAt.toISOString(),
    action: e.action,
    actor_type: e.actorType,
    actor_id: e.actorId,
    data: e.data,
  };
}
