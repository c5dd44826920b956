import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { PeriodicDeps } from '@vibetribe/activities';
import { initOrm, migrate } from '@vibetribe/database';
import { createLogger } from '@vibetribe/runtime';
import { type PeriodicJobName, PERIODIC_JOB_NAMES, periodicScheduleId } from '@vibetribe/workflows';
import { createConnectors } from '../connectors';
import { loadWorkerEnv } from '../env';
import { buildPeriodicDeps } from '../periodic/periodic-deps';
import { createPeriodicWorker, createPublishingWorker } from '../worker';
import { eventually } from './expect';
import { type Harness, startHarness } from './harness';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres';

/**
 * The periodic jobs' world: a PostgreSQL of its own (the sweep, the sync and cleanup look at every
 * row, so other test files' leftovers must not be there), the harness (Temporal, NATS, X emulator),
 * a publishing worker on the harness's queue and a periodic worker on a queue of its own, as main.ts runs them.
 */
export interface PeriodicWorld {
  h: Harness;
  periodic: PeriodicDeps;
  /** The periodic worker's task queue (the schedules' action queue): `<harness queue>-periodic`. */
  periodicTaskQueue: string;
  /** The schedules' id prefix, unique to this run: `vt-test-<id>-`. */
  idPrefix: string;
  mediaDir: string;
  scheduleId(job: PeriodicJobName): string;
  /** Triggers the job's schedule (as `temporal schedule trigger` does) and resolves with its run's result. */
  trigger<T>(job: PeriodicJobName): Promise<T>;
  close(): Promise<void>;
}

/** Starts the world; `settings` overrides the periodic settings (bounds, retention). */
export async function startPeriodicWorld(
  settings: Partial<PeriodicDeps['settings']> = {},
): Promise<PeriodicWorld> {
  const previous = process.env.DATABASE_URL;
  const pg: PrivatePostgres = await startPrivatePostgres();
  const orm0 = await initOrm(pg.url);
  await migrate(orm0);
  await orm0.close();
  process.env.DATABASE_URL = pg.url;
  const h = await startHarness({ worker: false });
  const mediaDir = mkdtempSync(join(tmpdir(), 'vt-media-'));
  const periodicTaskQueue = `${h.taskQueue}-periodic`;
  const env = loadWorkerEnv({
    ...process.env,
    X_API_BASE_URL: h.emulator.url,
    TEMPORAL_TASK_QUEUE: h.taskQueue,
    PERIODIC_TASK_QUEUE: periodicTaskQueue,
    MEDIA_STORAGE_DIR: mediaDir,
    MEDIA_QUEUE_PREFIX: `vt-test-${randomUUID().slice(0, 8)}`,
  });
  const logger = createLogger('periodic-test', env.LOG_LEVEL);
  const activities = {
    orm: h.orm,
    connectors: createConnectors(env),
    secrets: h.secrets,
    logger,
  };
  const built = buildPeriodicDeps(env, activities, h.client, h.bus);
  const periodic = { ...built, settings: { ...built.settings, ...settings } };
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '' });
  const workers: Worker[] = await Promise.all([
    createPublishingWorker(
      { connection, activities },
      { taskQueue: h.taskQueue, maxConcurrentActivityTaskExecutions: 4 },
    ),
    createPeriodicWorker({ connection, periodic }, { taskQueue: periodicTaskQueue }),
  ]);
  const running = Promise.all(workers.map((w) => w.run()));
  const idPrefix = `vt-test-${randomUUID().slice(0, 8)}-`;
  return {
    h,
    periodic,
    periodicTaskQueue,
    idPrefix,
    mediaDir,
    scheduleId: (job) => periodicScheduleId(job, idPrefix),
    async trigger<T>(job: PeriodicJobName): Promise<T> {
      const handle = h.client.schedule.getHandle(periodicScheduleId(job, idPrefix));
      // The list is capped, so the newest run is told apart by its run id (two triggers in one second share a workflow id).
      const latest = async () => (await handle.describe()).info.recentActions.at(-1);
      const before = (await latest())?.action.workflow.firstExecutionRunId;
      await handle.trigger();
      const action = await eventually(async () => {
        const last = await latest();
        return last && last.action.workflow.firstExecutionRunId !== before ? last : undefined;
      });
      const { workflowId, firstExecutionRunId } = action.action.workflow;
      return h.client.workflow.getHandle(workflowId, firstExecutionRunId).result() as Promise<T>;
    },
    async close() {
      await Promise.allSettled(
        PERIODIC_JOB_NAMES.map((job) =>
          h.client.schedule.getHandle(periodicScheduleId(job, idPrefix)).delete(),
        ),
      );
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await built.close();
      await h.close();
      await pg.dispose();
      rmSync(mediaDir, { recursive: true, force: true });
      process.env.DATABASE_URL = previous;
    },
  };
}
