import type { AuditEvent, Post, PostTarget } from '@vibetribe/database';

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

const presentTarget = (t: PostTarget) => ({
  id: t.id,
  account_id: t.account.id,
  platform: t.platform,
  status: t.status,
  platform_post_id: t.platformPostId,
  platform_url: t.platformUrl,
  attempts: t.attempts,
  last_error: t.lastError ? { ...t.lastError } : null,
  published_at: iso(t.publishedAt),
});

/** A post as the API shows it (targets must be loaded). */
export function presentPost(post: Post) {
  return {
    id: post.id,
    organization_id: post.organization.id,
    author_id: post.author?.id ?? null,
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
    targets: post.targets
      .getItems()
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map(presentTarget),
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
