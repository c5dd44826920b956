import { mediaStorageEnv } from '@vibetribe/media-storage';
import { z } from 'zod';

const days = (d: number) => z.coerce.number().int().min(1).default(d);
const ms = (d: number) => z.coerce.number().int().min(1_000).default(d);

/**
 * The periodic jobs' keys of the worker's environment: where media live (cleanup removes orphans,
 * the health check probes the store and Redis) and how long things are kept.
 */
export const periodicEnv = {
  ...mediaStorageEnv,
  /** `false` leaves the schedules alone at start (they are still run by this worker when they fire). */
  PERIODIC_SCHEDULES: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  SWEEP_PUBLISHING_BOUND_MS: ms(30 * 60_000),
  CLEANUP_ORPHAN_MEDIA_DAYS: days(7),
  CLEANUP_BULL_JOB_DAYS: days(7),
  AUDIT_RETENTION_DAYS: days(365),
  ANALYTICS_DAILY_AFTER_DAYS: days(7),
  ANALYTICS_RETENTION_DAYS: days(365),
  ANALYTICS_WINDOW_DAYS: days(30),
  HEALTH_BACKLOG_MAX_AGE_MS: ms(5 * 60_000),
};
