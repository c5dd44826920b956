import {
  type EntityManager,
  type PostStatus,
  runStatement,
  statement,
  type TargetJson,
  toDate,
} from '@vibetribe/database';

/**
 * The publishing activities' reads of a post, as named statements through the ORM's connection. A
 * post's publish is the worker's hot path: one statement reads the post with its targets as rows,
 * where the entities would hydrate a graph. The tables are the ORM's (packages/database).
 */

/** A post target as the activities use it. */
export type TargetRow = TargetJson;

/** A post with its targets (ordered by creation). */
export interface PostRow {
  id: string;
  organizationId: string;
  status: PostStatus;
  version: number;
  deletedAt: Date | null;
  scheduledAt: Date | null;
  publishedAt: Date | null;
  mediaIds: string[];
  targets: TargetRow[];
}

const POST_WITH_TARGETS = `select p.id, p.organization_id as "organizationId", p.status, p.version,
    p.deleted_at as "deletedAt", p.scheduled_at as "scheduledAt", p.published_at as "publishedAt",
    p.media_ids as "mediaIds", coalesce((select json_agg(json_build_object(
      'id', t.id, 'accountId', t.account_id, 'platform', t.platform, 'status', t.status,
      'platformPostId', t.platform_post_id, 'platformUrl', t.platform_url, 'lastError', t.last_error,
      'attempts', t.attempts, 'publishedAt', t.published_at, 'createdAt', t.created_at,
      'sandbox', t.sandbox)
      order by t.created_at, t.id)
    from post_targets t where t.post_id = p.id), '[]'::json) as targets
  from posts p where p.id = ?`;

const READ_POST = statement('read-post', POST_WITH_TARGETS);
const LOCK_POST = statement('lock-post', `${POST_WITH_TARGETS} for update of p`);

/** The post and its targets in one statement; `lock` takes the post row FOR UPDATE (inside a transaction). */
export async function readPost(em: EntityManager, postId: string, lock = false): Promise<PostRow | null> {
  const [post] = await runStatement<PostRow>(em, lock ? LOCK_POST : READ_POST, [postId]);
  if (!post) return null;
  post.deletedAt = toDate(post.deletedAt);
  post.scheduledAt = toDate(post.scheduledAt);
  post.publishedAt = toDate(post.publishedAt);
  return post;
}
