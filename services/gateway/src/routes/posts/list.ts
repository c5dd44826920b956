import {
  type EntityManager,
  type NamedStatement,
  type PostStatus,
  postsVersionSql,
  type Role,
  runStatement,
  statement,
  type TargetJson,
  toDate,
} from '@vibetribe/database';
import type { z } from '../../lib/zod';
import { type Cursor, encodeCursor } from './cursor';
import { type PostRow, presentPostRow } from './presenters';
import type { ListPostsQuery } from './schema';

export type ListQuery = z.output<typeof ListPostsQuery>;

/**
 * One row of the list statement: the caller's role and the organization's posts version, then (when
 * the page has posts) one post's columns per row; without posts, one row whose post columns are null.
 */
interface ListRow {
  role: Role;
  /** The organization's posts version (see postsVersionSql), as text; '0' before any write. */
  version: string;
  id: string | null;
  organizationId: string;
  authorId: string | null;
  content: string;
  platformContent: Record<string, string>;
  mediaIds: string[];
  /** timestamptz columns arrive as PostgreSQL text (see toDate). */
  scheduledAt: string | null;
  timezone: string;
  status: PostStatus;
  postVersion: number;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  targets: TargetJson[] | null;
}

const postRow = (r: ListRow & { id: string }): PostRow => ({
  id: r.id,
  organizationId: r.organizationId,
  authorId: r.authorId,
  content: r.content,
  platformContent: r.platformContent,
  mediaIds: r.mediaIds,
  scheduledAt: toDate(r.scheduledAt),
  timezone: r.timezone,
  status: r.status,
  version: r.postVersion,
  publishedAt: toDate(r.publishedAt),
  createdAt: toDate(r.createdAt)!,
  updatedAt: toDate(r.updatedAt)!,
  targets: (r.targets ?? []).map((t) => ({
    ...t,
    publishedAt: t.publishedAt === null ? null : new Date(t.publishedAt),
    createdAt: new Date(t.createdAt),
  })),
});

/**
 * An instant as a statement parameter: epoch milliseconds, turned into a timestamptz by the statement
 * (`to_timestamp(?::float8 / 1000)`): a Date before year 1 has no text PostgreSQL accepts
 * (`-000001-...`), while a number is any instant JavaScript holds.
 */
const INSTANT = 'to_timestamp(?::float8 / 1000)';

/** The statement for one combination of filters, made once. */
const statements = new Map<string, NamedStatement>();

function statementFor(q: ListQuery, cursor: boolean): NamedStatement {
  const flags = [
    q.status ? 's' : '',
    q.from ? 'f' : '',
    q.to ? 't' : '',
    q.account_id ? 'a' : '',
    q.platform ? 'p' : '',
    cursor ? 'c' : '',
  ].join('');
  let st = statements.get(flags);
  if (st) return st;
  // Parameters in order: organization (for the version), organization, then the filters', the limit
  // + 1, user, organization (for the membership).
  const where = ['p.organization_id = ?', 'p.deleted_at IS NULL'];
  if (q.status) where.push('p.status = ?');
  if (q.from) where.push(`p.scheduled_at >= ${INSTANT}`);
  if (q.to) where.push(`p.scheduled_at < ${INSTANT}`);
  if (q.account_id || q.platform) {
    const t = ['t.post_id = p.id'];
    if (q.account_id) t.push('t.account_id = ?::uuid');
    if (q.platform) t.push('t.platform = ?');
    where.push(`EXISTS (SELECT 1 FROM post_targets t WHERE ${t.join(' AND ')})`);
  }
  if (cursor) where.push(`(p.created_at, p.id) < (${INSTANT}, ?::uuid)`);
  const text = `SELECT m.role, v.n::text AS version, p.*
FROM memberships m
CROSS JOIN LATERAL (SELECT ${postsVersionSql('?')} AS n) v
LEFT JOIN LATERAL (
  SELECT p.id, p.organization_id AS "organizationId", p.author_id AS "authorId", p.content,
    p.platform_content AS "platformContent", p.media_ids AS "mediaIds", p.scheduled_at AS "scheduledAt",
    p.timezone, p.status, p.version AS "postVersion", p.published_at AS "publishedAt",
    p.created_at AS "createdAt", p.updated_at AS "updatedAt",
    (SELECT json_agg(json_build_object('id', t.id, 'accountId', t.account_id, 'platform', t.platform,
        'status', t.status, 'platformPostId', t.platform_post_id, 'platformUrl', t.platform_url,
        'attempts', t.attempts, 'lastError', t.last_error, 'publishedAt', t.published_at,
        'createdAt', t.created_at, 'sandbox', t.sandbox))
      FROM post_targets t WHERE t.post_id = p.id) AS targets
  FROM posts p
  WHERE ${where.join(' AND ')}
  ORDER BY p.created_at DESC, p.id DESC
  LIMIT ?
) p ON true
WHERE m.user_id = ? AND m.organization_id = ?
ORDER BY p."createdAt" DESC, p.id DESC`;
  st = statement(`list_posts_${flags || 'plain'}`, text);
  statements.set(flags, st);
  return st;
}

/** What one list statement found. */
export type ListResult =
  | { member: false }
  /** `version`: the organization's posts version the page was read at. */
  | { member: true; role: Role; version: string; body: string };

/**
 * The hottest read of the product in one round trip: the caller's membership of `orgId`, the
 * organization's posts version, and one page of its posts (with their targets) with the list filters
 * applied. Each post goes through presentPostRow, the presenter GET /posts/:id uses too.
 */
export async function listPosts(
  em: EntityManager,
  userId: string,
  orgId: string,
  q: ListQuery,
  cursor: Cursor | undefined,
): Promise<ListResult> {
  const params: unknown[] = [orgId, orgId];
  if (q.status) params.push(q.status);
  if (q.from) params.push(new Date(q.from).getTime());
  if (q.to) params.push(new Date(q.to).getTime());
  if (q.account_id) params.push(q.account_id);
  if (q.platform) params.push(q.platform);
  if (cursor) params.push(cursor.createdAt.getTime(), cursor.id);
  params.push(q.limit + 1, userId, orgId);
  const rows = await runStatement<ListRow>(em, statementFor(q, cursor !== undefined), params);
  const first = rows[0];
  if (!first) return { member: false };
  const posts = rows.filter((r): r is ListRow & { id: string } => r.id !== null);
  const page = posts.slice(0, q.limit);
  const last = page[page.length - 1];
  const next = posts.length > q.limit && last ? encodeCursor(toDate(last.createdAt)!, last.id) : null;
  return {
    member: true,
    role: first.role,
    version: first.version,
    body: JSON.stringify({ data: page.map((r) => presentPostRow(postRow(r))), next_cursor: next }),
  };
}
