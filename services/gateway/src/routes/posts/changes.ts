import Router from '@koa/router';
import { type EntityManager, Post, runStatement, statement } from '@vibetribe/database';
import type { AppState } from '../../context';
import { actingOrg } from '../../lib/acting-org';
import { routeGroup } from '../../lib/api';
import type { z } from '../../lib/zod';
import { type Cursor, decodeCursor, encodeCursor } from './cursor';
import { presentPost } from './presenters';
import { OrgHeader, PostChangesQuery, PostChangesSchema } from './schema';

// Ordered by updated_at to the millisecond (what a cursor holds), then id: a page ends between two
// posts, never inside one instant's worth of them.
const CHANGED = `SELECT p.id FROM posts p
WHERE p.organization_id = ? AND p.updated_at >= to_timestamp(?::float8 / 1000)`;
const ORDER = `ORDER BY date_trunc('milliseconds', p.updated_at), p.id LIMIT ?`;
const CHANGED_FIRST = statement('post_changes_first', `${CHANGED} ${ORDER}`);
const CHANGED_AFTER = statement(
  'post_changes_after',
  `${CHANGED} AND (date_trunc('milliseconds', p.updated_at), p.id) > (to_timestamp(?::float8 / 1000), ?::uuid) ${ORDER}`,
);

/** A deleted post as a change: enough for a client to drop it. */
const presentTombstone = (post: Post) => ({
  id: post.id,
  deleted: true as const,
  status: post.status,
  updated_at: post.updatedAt.toISOString(),
});

/** One page of an organization's posts changed since `since`, deleted ones as tombstones, oldest change first. */
export async function postChanges(
  em: EntityManager,
  orgId: string,
  since: Date,
  limit: number,
  cursor: Cursor | undefined,
): Promise<z.output<typeof PostChangesSchema>> {
  const from = Math.max(since.getTime(), cursor?.createdAt.getTime() ?? 0);
  const rows = cursor
    ? await runStatement<{ id: string }>(em, CHANGED_AFTER, [
        orgId,
        from,
        cursor.createdAt.getTime(),
        cursor.id,
        limit + 1,
      ])
    : await runStatement<{ id: string }>(em, CHANGED_FIRST, [orgId, from, limit + 1]);
  const ids = rows.slice(0, limit).map((r) => r.id);
  const posts = new Map(
    (await em.find(Post, { id: { $in: ids } }, { populate: ['targets'] })).map((p) => [p.id, p]),
  );
  const page = ids.flatMap((id) => posts.get(id) ?? []);
  const last = page.at(-1);
  return {
    data: page.map((p) => (p.deletedAt ? presentTombstone(p) : presentPost(p))),
    next_cursor: rows.length > limit && last ? encodeCursor(last.updatedAt, last.id) : null,
  };
}

/** `/posts/changes`: what a realtime client that was away too long reloads (after `resync-required`). */
export function postChangeRoutes(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/posts' });
  const route = routeGroup(router, '/api/v1/posts');
  route({
    method: 'get',
    path: '/changes',
    summary: 'Posts changed since a time, deleted ones as tombstones, oldest change first',
    tags: ['posts'],
    auth: true,
    request: { query: PostChangesQuery },
    headers: OrgHeader,
    responses: { 200: { description: 'A page of changes', schema: PostChangesSchema } },
    handler: async (ctx) => {
      const q = ctx.state.input.query;
      const membership = await actingOrg(ctx, 'viewer');
      const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
      ctx.body = await postChanges(
        ctx.state.em,
        membership.organization.id,
        new Date(q.since),
        q.limit,
        cursor,
      );
    },
  });
  return router;
}
