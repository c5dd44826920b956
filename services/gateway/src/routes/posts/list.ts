import type { EntityManager, PostStatus, TargetError, TargetStatus } from '@vibetribe/database';
import { validationFailed } from '../../errors';
import type { z } from '../../lib/zod';
import type { ListPostsQuery } from './schema';

/** Where the previous page ended: (created_at, id), newest first. */
interface Cursor {
  createdAt: Date;
  id: string;
}

/** Opaque cursors: base64url of `<iso>|<uuid>`. */
export const encodeCursor = (createdAt: Date, id: string) =>
  Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');

/** Parses a cursor; a tampered one is a 400, not a 500. */
export function decodeCursor(raw: string): Cursor {
  const [iso, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime())) {
    throw validationFailed([{ path: 'query.cursor', message: 'not a cursor this API issued' }]);
  }
  return { createdAt, id };
}

/** A `posts` row as the driver returns it. */
interface PostRow {
  id: string;
  organization_id: string;
  author_id: string | null;
  content: string;
  platform_content: Record<string, string>;
  media_ids: string[];
  scheduled_at: Timestamp | null;
  timezone: string;
  status: PostStatus;
  version: number;
  published_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A `post_targets` row as the driver returns it. */
interface TargetRow {
  id: string;
  post_id: string;
  account_id: string;
  platform: string;
  status: TargetStatus;
  platform_post_id: string | null;
  platform_url: string | null;
  attempts: number;
  last_error: TargetError | null;
  published_at: Timestamp | null;
}

/** The driver (as MikroORM configures it) returns timestamptz as text like `2026-11-28 23:37:12.198+00`. */
type Timestamp = Date | string;
const toDate = (v: Timestamp): Date =>
  v instanceof Date ? v : new Date(v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
const iso = (v: Timestamp | null) => (v === null ? null : toDate(v).toISOString());

/**
 * One page of an organization's posts with the list filters applied, already in the API's shape.
 * The hottest read of the product, so it reads rows (two indexed queries) instead of hydrating
 * entities into a unit of work: a third of the CPU per request. The test suite checks that a listed
 * post equals the same post from GET /posts/:id.
 */
export async function listPosts(
  em: EntityManager,
  orgId: string,
  q: z.output<typeof ListPostsQuery>,
  cursor?: Cursor,
) {
  const knex = em.getKnex();
  const query = knex<PostRow>('posts as p')
    .select('p.*')
    .where('p.organization_id', orgId)
    .whereNull('p.deleted_at')
    .orderBy([
      { column: 'p.created_at', order: 'desc' },
      { column: 'p.id', order: 'desc' },
    ])
    .limit(q.limit + 1);
  if (q.status) void query.where('p.status', q.status);
  if (q.from) void query.where('p.scheduled_at', '>=', new Date(q.from));
  if (q.to) void query.where('p.scheduled_at', '<', new Date(q.to));
  if (q.account_id || q.platform) {
    void query.whereExists(function targetFilter() {
      void this.select(knex.raw('1')).from('post_targets as t').whereRaw('t.post_id = p.id');
      if (q.account_id) void this.where('t.account_id', q.account_id);
      if (q.platform) void this.where('t.platform', q.platform);
    });
  }
  if (cursor) {
    // Builders are thenables: the callbacks must not return them.
    void query.where(function afterCursor() {
      void this.where('p.created_at', '<', cursor.createdAt).orWhere(function sameInstant() {
        void this.where('p.created_at', cursor.createdAt).andWhere('p.id', '<', cursor.id);
      });
    });
  }
  const rows = (await query) as PostRow[];
  const page = rows.slice(0, q.limit);
  const targets: TargetRow[] = page.length
    ? await knex<TargetRow>('post_targets')
        .select('*')
        .whereIn(
          'post_id',
          page.map((p) => p.id),
        )
        .orderBy([{ column: 'created_at' }, { column: 'id' }])
    : [];
  const byPost = new Map<string, TargetRow[]>();
  for (const t of targets) byPost.set(t.post_id, [...(byPost.get(t.post_id) ?? []), t]);
  const last = page[page.length - 1];
  return {
    posts: page.map((p) => ({
      id: p.id,
      organization_id: p.organization_id,
      author_id: p.author_id,
      content: p.content,
      platform_content: p.platform_content,
      media_ids: p.media_ids,
      scheduled_at: iso(p.scheduled_at),
      timezone: p.timezone,
      status: p.status,
      version: p.version,
      published_at: iso(p.published_at),
      created_at: toDate(p.created_at).toISOString(),
      updated_at: toDate(p.updated_at).toISOString(),
      targets: (byPost.get(p.id) ?? []).map((t) => ({
        id: t.id,
        account_id: t.account_id,
        platform: t.platform,
        status: t.status,
        platform_post_id: t.platform_post_id,
        platform_url: t.platform_url,
        attempts: t.attempts,
        last_error: t.last_error,
        published_at: iso(t.published_at),
      })),
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(toDate(last.created_at), last.id) : null,
  };
}
