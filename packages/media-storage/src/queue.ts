import Queue from 'bull';

/** The one Bull queue: media post-processing (metadata, renditions). Its name crosses processes. */
export const MEDIA_QUEUE = 'vt-media-processing';

/** Job names on the media queue. */
export const MEDIA_JOBS = { process: 'process-media' } as const;

/** Payload of a `process-media` job. */
export interface ProcessMediaJob {
  mediaId: string;
  organizationId: string;
}

/** A medium's job id: deterministic, so one medium never has two jobs (Bull ignores a second add). */
export const mediaJobId = (mediaId: string) => `media:${mediaId}`;

/** Options of the queue: its key prefix (tests isolate themselves with one) and the stall settings. */
export interface MediaQueueOptions {
  prefix?: string;
  /** How long a job's lock lasts without renewal; a worker that died loses its job after this. */
  lockDurationMs?: number;
  /** How often stalled jobs (a dead worker's) are looked for and moved back to waiting. */
  stalledIntervalMs?: number;
}

/** How many attempts a job gets, with exponential backoff from 2 s between them. */
export const MEDIA_JOB_ATTEMPTS = 3;

/**
 * Creates the media queue with the project's defaults: 3 attempts with exponential backoff, bounded
 * history, and a stalled job retried up to twice before it fails.
 */
export function createMediaQueue(
  redisUrl: string,
  opts: MediaQueueOptions = {},
): Queue.Queue<ProcessMediaJob> {
  return new Queue<ProcessMediaJob>(MEDIA_QUEUE, redisUrl, {
    prefix: opts.prefix ?? 'bull',
    defaultJobOptions: {
      attempts: MEDIA_JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: 1000,
      removeOnFail: 5000,
    },
    settings: {
      lockDuration: opts.lockDurationMs ?? 30_000,
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: 2,
    },
  });
}

/** Enqueues the processing of media (one job each, ids deterministic). */
export async function enqueueMedia(
  queue: Queue.Queue<ProcessMediaJob>,
  items: readonly ProcessMediaJob[],
): Promise<void> {
  await Promise.all(
    items.map((item) => queue.add(MEDIA_JOBS.process, item, { jobId: mediaJobId(item.mediaId) })),
  );
}
