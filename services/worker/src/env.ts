import { commonEnv, loadEnv, portVar } from '@vibetribe/runtime';
import { PERIODIC_TASK_QUEUE, PUBLISHING_TASK_QUEUE } from '@vibetribe/workflows';
import { z } from 'zod';
import { periodicEnv } from './periodic/periodic-env';

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

/** The worker's configuration: the shared keys plus its own. */
export const workerEnvSchema = z.object({
  ...commonEnv,
  ...periodicEnv,
  /** Ops HTTP (/healthz, /readyz, /metrics). */
  WORKER_PORT: portVar(3002),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(PUBLISHING_TASK_QUEUE),
  /** The periodic jobs' queue, polled by a second worker in this process (the schedules start their runs there). */
  PERIODIC_TASK_QUEUE: z.string().min(1).default(PERIODIC_TASK_QUEUE),
  ENCRYPTION_KEY: base64Key,
  X_API_BASE_URL: z.url().default('https://api.x.com'),
  X_UPLOAD_BASE_URL: z.url().optional(),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(20),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(1).default(40),
  /** Local activities (a round's outcome, a cancel: one short transaction each) at once. */
  WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: z.coerce.number().int().min(1).default(20),
  /** The prebuilt workflow bundle (`npm run build` writes it); default: the one beside this file. */
  WORKER_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  /** How long a stopping worker lets running activities finish before cancelling them. */
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /**
   * An activity or a local activity holds one connection at a time, and none across a platform call
   * (the ledger row's lease stands in for a lock); the event outbox's relay holds one (its session).
   * Default: activity + local activity slots + 4.
   */
  DATABASE_POOL_MAX: z.coerce.number().int().min(3).optional(),
});

/**
 * The smallest pool in which no activity waits for a connection: one for each slot, the outbox relay's
 * session, two spare.
 */
const minPool = (e: z.output<typeof workerEnvSchema>) =>
  e.WORKER_MAX_CONCURRENT_ACTIVITIES + e.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES + 3;

const checkedSchema = workerEnvSchema
  .superRefine((e, ctx) => {
    if (e.DATABASE_POOL_MAX !== undefined && e.DATABASE_POOL_MAX < minPool(e)) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_POOL_MAX'],
        message: `must be at least ${minPool(e)} (WORKER_MAX_CONCURRENT_ACTIVITIES + WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES + 3): each activity may hold a connection, and the outbox relay one`,
      });
    }
  })
  .transform((e) => ({
    ...e,
    DATABASE_POOL_MAX: e.DATABASE_POOL_MAX ?? minPool(e) + 1,
  }));

/** The parsed, frozen worker configuration. */
export type WorkerEnv = Readonly<z.output<typeof checkedSchema>>;

/** Parses the worker's environment once; throws naming every bad key. */
export function loadWorkerEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  return loadEnv(checkedSchema, source);
}
