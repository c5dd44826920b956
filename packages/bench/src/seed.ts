import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@vibetribe/database';
import type { PostStatus } from '@vibetribe/database';

/** One post with one target, as written in bulk. */
export interface PostRow {
  organizationId: string;
  authorId: string | null;
  accountId: string;
  content: string;
  status: PostStatus;
  scheduledAt: Date | null;
  createdAt: Date;
}

/** The ids of a written post and its target. */
export interface WrittenPost {
  postId: string;
  targetId: string;
}

const CHUNK = 1_000;

/**
 * Writes posts and their single (pending, X) targets with multi-row INSERTs, a thousand per statement,
 * in one transaction: 10,000 posts take about a second where the ORM's unit of work takes far longer.
 */
export async function insertPosts(orm: MikroORM, rows: readonly PostRow[]): Promise<WrittenPost[]> {
  const knex = orm.em.getKnex();
  const written = rows.map(() => ({ postId: randomUUID(), targetId: randomUUID() }));
  await knex.transaction(async (trx) => {
    for (let start = 0; start < rows.length; start += CHUNK) {
      const slice = rows.slice(start, start + CHUNK);
      const ids = written.slice(start, start + CHUNK);
      await trx('posts').insert(
        slice.map((r, i) => ({
          id: ids[i]!.postId,
          created_at: r.createdAt,
          updated_at: r.createdAt,
          organization_id: r.organizationId,
          author_id: r.authorId,
          content: r.content,
          platform_content: '{}',
          media_ids: '[]',
          scheduled_at: r.scheduledAt,
          timezone: 'UTC',
          status: r.status,
          version: 1,
        })),
      );
      await trx('post_targets').insert(
        slice.map((r, i) => ({
          id: ids[i]!.targetId,
          created_at: r.createdAt,
          updated_at: r.createdAt,
          post_id: ids[i]!.postId,
          account_id: r.accountId,
          platform: 'x',
          status: 'pending',
          attempts: 0,
        })),
      );
    }
  });
  return written;
}

/** Removes what a benchmark created: organizations cascade to posts, targets, ledger, audit, accounts. */
export async function deleteBenchData(
  orm: MikroORM,
  ids: { organizationIds: string[]; userIds: string[] },
): Promise<void> {
  const knex = orm.em.getKnex();
  if (ids.organizationIds.length) await knex('organizations').whereIn('id', ids.organizationIds).delete();
  if (ids.userIds.length) await knex('users').whereIn('id', ids.userIds).delete();
}
