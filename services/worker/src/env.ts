import { commonEnv, loadEnv, portVar } from '@vibetribe/runtime';
import { PUBLISHING_TASK_QUEUE } from '@vibetribe/workflows';
import { z } from 'zod';

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

/** The worker's configuration: the shared keys plus its own. */
export const workerEnvSchema = z.object({
  ...commonEnv,
  /** Ops HTTP (/healthz, /readyz, /metrics). */
  WORKER_PORT: portVar(3002),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(PUBLISHING_TASK_QUEUE),
  ENCRYPTION_KEY: base64Key,
  X_API_BASE_URL: z.url().default('https://api.x.com'),
  X_UPLOAD_BASE_URL: z.url().optional(),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(20),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(1).default(40),
  /** How long a stopping worker lets running activities finish before cancelling them. */
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** One connection per in-flight publish is held while the platform answers: keep above the activity slots. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(2).default(30),
});

/** The parsed, frozen worker configuration. */
export type WorkerEnv = Readonly<z.output<typeof workerEnvSchema>>;

/** Parses the worker's environment once; throws naming every bad key. */
export function loadWorkerEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  return loadEnv(workerEnvSchema, source);
}
