import { LockMode } from '@mikro-orm/core';
import { type EntityManager, Media, runStatement, statement } from '@vibetribe/database';
import type { MediaDeps } from '../../context';
import { conflict, dependencyUnavailable, notFound } from '../../errors';
import { requireRole } from '../../lib/access';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Posts about to publish, or publishing, that use a medium: deleting it would break them. */
const POSTS_USING_MEDIA = statement(
  'posts-using-media',
  `SELECT id FROM posts
    WHERE media_ids @> jsonb_build_array(?::text) AND deleted_at IS NULL AND status IN ('scheduled', 'publishing')
    ORDER BY scheduled_at NULLS LAST, id LIMIT 100`,
);

/**
 * Finds a medium the caller may act on with `min` role, by uuid or public id. Another organization's
 * medium, or one outside the organization the request names, is 404.
 */
export async function findMedia(
  em: EntityManager,
  userId: string,
  ref: string,
  min: 'viewer' | 'editor',
  namedOrgId: string | null,
  lock = false,
): Promise<Media> {
  const where = UUID.test(ref) ? { id: ref } : { publicId: ref };
  const media = await em.findOne(Media, where, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!media || (namedOrgId && media.organization.id !== namedOrgId)) throw notFound('Media');
  await requireRole(em, userId, media.organization.id, min, 'Media');
  return media;
}

/**
 * Deletes a medium and its files; resolves with its id. A post that is scheduled or publishing with it makes this 409,
 * naming the posts. The files go before the commit: when storage cannot delete them, the row stays
 * (503) rather than pointing at nothing.
 */
export async function deleteMedia(
  em: EntityManager,
  media: MediaDeps,
  userId: string,
  ref: string,
  namedOrgId: string | null,
): Promise<string> {
  return em.transactional(async (tx) => {
    const m = await findMedia(tx, userId, ref, 'editor', namedOrgId, true);
    const posts = await runStatement<{ id: string }>(tx, POSTS_USING_MEDIA, [m.id]);
    if (posts.length > 0) {
      throw conflict(
        'media-in-use',
        `Scheduled or publishing posts use this medium: ${posts.map((p) => p.id).join(', ')}.`,
        {
          post_ids: posts.map((p) => p.id),
        },
      );
    }
    const refs = [m.publicId, ...Object.values(m.variants).filter((v) => !/^https?:/.test(v))];
    try {
      await Promise.all(refs.map((r) => media.storage.remove(r, m.kind)));
    } catch {
      throw dependencyUnavailable('media storage');
    }
    tx.remove(m);
    return m.id;
  });
}
