import type { Queue } from 'bull';
import { Gauge, type Registry } from 'prom-client';
import { createMediaQueue, MEDIA_JOBS, type ProcessMediaJob } from '@vibetribe/media-storage';
import { failMedia, type ProcessDeps, processMedia } from './process-media';
import { assertNoEviction } from './redis-policy';

/** Options of the consumer. */
export interface MediaWorkerOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
}

/**
 * Consumes the media queue: checks Redis keeps every key (noeviction) before taking a job, registers
 * the one handler, marks a medium failed once its job has used its last attempt (or stalled too
 * often), and reports the queue's counts as gauges.
 */
export async function startMediaWorker(
  deps: ProcessDeps,
  opts: MediaWorkerOptions,
  registry?: Registry,
): Promise<Queue<ProcessMediaJob>> {
  const queue = createMediaQueue(opts.redisUrl, {
    prefix: opts.prefix,
    lockDurationMs: opts.lockDurationMs,
    stalledIntervalMs: opts.stalledIntervalMs,
  });
  try {
    await queue.isReady();
    await assertNoEviction(queue.client);
  } catch (err) {
    await queue.close().catch(() => undefined);
    throw err;
  }
  queue.on('error', (err) => deps.logger.error({ err }, 'media queue error'));
  queue.on('failed', (job, err) => {
    void (async () => {
      // Retried later (delayed) or finally failed: only the latter settles the medium.
      if (!(await job.isFailed())) {
        deps.logger.warn(
          { mediaId: job.data.mediaId, attempt: job.attemptsMade, err },
          'media job failed; will retry',
        );
        return;
      }
      deps.logger.error({ mediaId: job.data.mediaId, err }, 'media job failed for good');
      await failMedia(
        deps,
        job.data.mediaId,
        `processing failed after ${job.attemptsMade} attempts: ${err.message}`,
      );
    })().catch((e: unknown) => deps.logger.error({ err: e }, 'could not mark media failed'));
  });
  void queue.process(MEDIA_JOBS.process, opts.concurrency, (job) => processMedia(deps, job));
  if (registry) {
    const states = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;
    new Gauge({
      name: 'media_queue_jobs',
      help: 'Media processing jobs by state',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const counts = await queue.getJobCounts();
        for (const s of states) this.set({ state: s }, counts[s]);
      },
    });
  }
  return queue;
}
