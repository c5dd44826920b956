import type { Client } from '@temporalio/client';
import type { Job } from 'bull';
import type { Logger } from 'pino';
import { enqueueEvents, Media, type MikroORM } from '@vibetribe/database';
import { CloudinaryStorage, LocalStorage, type ProcessMediaJob } from '@vibetribe/media-storage';
import { cloudRenditions } from './cloud-renditions';
import { mediaStatusEvent, signalWorkflows } from './notify';
import { MediaRejected, type Probed, probeImage, probeVideo } from './probe';
import { imageRenditions, videoRenditions } from './renditions';

/** What the handler needs. */
export interface ProcessDeps {
  orm: MikroORM;
  storage: LocalStorage | CloudinaryStorage;
  temporal: Client;
  logger: Logger;
  ffprobe: string;
  ffmpeg: string;
}

/** How a job ended. */
export type ProcessOutcome = 'ready' | 'failed' | 'gone' | 'settled-before';

/** Measures a medium and makes its renditions, wherever it is stored. */
async function work(
  deps: ProcessDeps,
  m: Media,
): Promise<{ facts: Probed; variants: Record<string, string> }> {
  const { storage } = deps;
  if (storage instanceof CloudinaryStorage) {
    const f = await storage.facts(m.publicId, m.kind);
    const facts = { width: f.width, height: f.height, durationS: f.durationS, codec: f.codec };
    return { facts, variants: cloudRenditions(storage, m.publicId, m.kind, facts) };
  }
  const path = storage.pathOf(m.publicId);
  if (m.kind === 'video') {
    const facts = await probeVideo(deps.ffprobe, path);
    return { facts, variants: await videoRenditions(storage, deps.ffmpeg, m.publicId, facts.durationS) };
  }
  const facts = await probeImage(path);
  if (!facts.width || !facts.height) throw new MediaRejected('the image has no dimensions');
  const variants = await imageRenditions(storage, m.publicId, {
    width: facts.width,
    height: facts.height,
    bytes: Number(m.bytes),
    mime: m.mime,
  });
  return { facts: { ...facts, codec: null }, variants };
}

/**
 * Writes the outcome, but only over `processing` (a medium deleted meanwhile stays deleted), with its
 * `media.status` event in the same transaction.
 */
async function settle(
  deps: ProcessDeps,
  id: string,
  change: Partial<Pick<Media, 'status' | 'width' | 'height' | 'durationS' | 'codec' | 'variants' | 'error'>>,
): Promise<Media | undefined> {
  return deps.orm.em.fork().transactional(async (tx) => {
    const updated = await tx.nativeUpdate(
      Media,
      { id, status: 'processing' },
      { ...change, processedAt: new Date() },
    );
    const m = updated === 1 ? await tx.findOne(Media, id) : null;
    if (m) await enqueueEvents(tx, [mediaStatusEvent(deps.storage, m)]);
    return m ?? undefined;
  });
}

/** Tells the workflows of the posts that use a settled medium (its event was written with the change). */
async function signalPosts(deps: ProcessDeps, m: Media): Promise<void> {
  await signalWorkflows(deps.orm.em.fork(), deps.temporal, m);
}

/** Marks a medium failed (if it still is processing) and says so. */
export async function failMedia(deps: ProcessDeps, id: string, reason: string): Promise<boolean> {
  const m = await settle(deps, id, { status: 'failed', error: reason.slice(0, 2000) });
  if (m) await signalPosts(deps, m);
  return !!m;
}

/**
 * The `process-media` job. Idempotent, so a retried or stalled job completes once: a medium already
 * settled only has its posts' workflows signalled again (its event committed with it; signals are harmless), and
 * renditions have fixed keys, so a second run overwrites what a killed one began. A file that cannot
 * be processed fails the medium at once; anything else throws, for Bull to retry with backoff.
 */
export async function processMedia(deps: ProcessDeps, job: Job<ProcessMediaJob>): Promise<ProcessOutcome> {
  const { mediaId } = job.data;
  const m = await deps.orm.em.fork().findOne(Media, mediaId);
  if (!m) return 'gone';
  if (m.status !== 'processing') {
    await signalPosts(deps, m);
    return 'settled-before';
  }
  let result: Awaited<ReturnType<typeof work>>;
  try {
    result = await work(deps, m);
  } catch (err) {
    if (!(err instanceof MediaRejected)) throw err;
    deps.logger.warn({ mediaId, reason: err.message }, 'media rejected');
    await failMedia(deps, mediaId, err.message);
    return 'failed';
  }
  const settled = await settle(deps, mediaId, {
    status: 'ready',
    width: result.facts.width,
    height: result.facts.height,
    durationS: result.facts.durationS,
    codec: result.facts.codec,
    variants: result.variants,
    error: null,
  });
  if (!settled) {
    // Deleted while it was processed: its renditions would be orphans.
    if (deps.storage instanceof LocalStorage)
      await Promise.all(
        Object.values(result.variants)
          .filter((v) => v !== m.publicId)
          .map((v) => deps.storage.remove(v, 'image')),
      );
    return 'gone';
  }
  await signalPosts(deps, settled);
  return 'ready';
}
