import { access, mkdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import type { Client } from '@temporalio/client';
import {
  type ActivityDeps,
  DEFAULT_PERIODIC_SETTINGS,
  type MediaFiles,
  type PeriodicDeps,
} from '@vibetribe/activities';
import {
  cloudinaryConfig,
  createMediaQueue,
  createMediaStorage,
  type MediaStorage,
} from '@vibetribe/media-storage';
import type { EventBus } from '@vibetribe/proto';
import type { WorkerEnv } from '../env';

/** The media store, with a probe: local disk must be writable; Cloudinary's API must answer. */
function mediaFiles(env: WorkerEnv, storage: MediaStorage): MediaFiles {
  const cloud = cloudinaryConfig(env);
  return {
    remove: (publicId, kind) => storage.remove(publicId, kind),
    async probe() {
      if (!cloud) {
        await mkdir(env.MEDIA_STORAGE_DIR, { recursive: true });
        await access(env.MEDIA_STORAGE_DIR, constants.W_OK);
        return;
      }
      // Any HTTP answer means the API is reachable; credentials are the uploads' concern.
      await fetch(cloud.uploadPrefix ?? 'https://api.cloudinary.com', { signal: AbortSignal.timeout(1_500) });
    },
  };
}

/**
 * The periodic jobs' dependencies, from the worker's environment and the connections main.ts made.
 * The media queue is opened here (this process only cleans it and pings its Redis); close it on stop.
 */
export function buildPeriodicDeps(
  env: WorkerEnv,
  base: Pick<ActivityDeps, 'orm' | 'connectors' | 'secrets' | 'logger'>,
  temporal: Client,
  bus: EventBus,
  // The worker's one media store (main.ts shares it with the publish activities' media URLs).
  storage: MediaStorage = createMediaStorage(env),
): PeriodicDeps & { close(): Promise<void> } {
  const queue = createMediaQueue(env.REDIS_URL, { prefix: env.MEDIA_QUEUE_PREFIX });
  // Redis being away is the health check's finding, not a reason for the worker to crash.
  queue.on('error', (err) => base.logger.debug({ err }, 'media queue connection error'));
  return {
    ...base,
    temporal,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    bus,
    mediaJobs: {
      clean: (graceMs, status) => queue.clean(graceMs, status),
      client: queue.client,
    },
    mediaFiles: mediaFiles(env, storage),
    settings: {
      ...DEFAULT_PERIODIC_SETTINGS,
      publishingBoundMs: env.SWEEP_PUBLISHING_BOUND_MS,
      orphanMediaDays: env.CLEANUP_ORPHAN_MEDIA_DAYS,
      bullJobRetentionMs: env.CLEANUP_BULL_JOB_DAYS * 86_400_000,
      auditRetentionDays: env.AUDIT_RETENTION_DAYS,
      analyticsDailyAfterDays: env.ANALYTICS_DAILY_AFTER_DAYS,
      analyticsRetentionDays: env.ANALYTICS_RETENTION_DAYS,
      analyticsWindowDays: env.ANALYTICS_WINDOW_DAYS,
      backlogMaxAgeMs: env.HEALTH_BACKLOG_MAX_AGE_MS,
      taskQueues: [env.TEMPORAL_TASK_QUEUE, env.PERIODIC_TASK_QUEUE],
    },
    close: () => queue.close(),
  };
}
