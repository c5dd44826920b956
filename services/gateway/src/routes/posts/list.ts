import type { FilterQuery } from '@mikro-orm/core';
import { type EntityManager, Post } from '@vibetribe/database';
import { validationFailed } from '../../errors';
import type { z } from '../../lib/zod';
import type { ListPostsQuery } from './schema';

/** Where the previous page ended: (created_at, id), newest first. */
interface Cursor {
  createdAt: Date;
  id: string;
}

/** Opaque cursors: base64url of `<iso>|<uuid>`. */
export const encodeCursor = (p: Post) =>
  Buffer.from(`${p.createdAt.toISOString()}|${p.id}`).toString('base64url');

/** Parses a cursor; a tampered one is a 400, not a 500. */
export function decodeCursor(raw: string): Cursor {
  const [iso, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime())) {
    throw validationFailed([{ path: 'query.cursor', message: 'not a cursor this API issued' }]);
  }
  return { createdAt, id };
}

/** One page of an organization's posts with the list filters applied. */
export async function listPosts(
  em: EntityManager,
  orgId: string,
  q: z.output<typeof ListPostsQuery>,
  cursor?: Cursor,
) {
  const where: FilterQuery<Post> & Record<string, unknown> = { organization: orgId, deletedAt: null };
  if (q.status) where.status = q.status;
  if (q.from || q.to) {
    where.scheduledAt = {
      ...(q.from ? { $gte: new Date(q.from) } : {}),
      ...(q.to ? { $lt: new Date(q.to) } : {}),
    };
  }
  if (q.account_id || q.platform) {
    where.targets = {
      ...(q.account_id ? { account: q.account_id } : {}),
      ...(q.platform ? { platform: q.platform } : {}),
    };
  }
  if (cursor) {
    where.$or = [
      { createdAt: { $lt: cursor.createdAt } },
      { createdAt: cursor.createdAt, id: { $lt: cursor.id } },
    ];
  }
  const rows = await em.find(Post, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: q.limit + 1 });
  const posts = rows.slice(0, q.limit);
  await em.populate(posts, ['targets']);
  return { posts, nextCursor: rows.length > q.limit ? encodeCursor(posts[posts.length - 1]!) : null };
}
