import { NativeConnection, type Worker } from '@temporalio/worker';
import { initOrm, type MikroORM } from '@vibetribe/database';
import { createLogger } from '@vibetribe/runtime';
import { createConnectors } from '../connectors';
import { loadWorkerEnv, type WorkerEnv } from '../env';
import { createPublishingWorker } from '../worker';
import type { Harness } from './harness';

/** A worker configured as main.ts configures it, on the harness's queue, in this process. */
export interface MainWorker {
  env: WorkerEnv;
  orm: MikroORM;
  connection: NativeConnection;
  worker: Worker;
  running: Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a worker with main.ts's defaults (its own pool of DATABASE_POOL_MAX, the default activity
 * and local-activity slots) against `address`, publishing to the harness's emulator and NATS.
 */
export async function startMainWorker(h: Harness, address: string): Promise<MainWorker> {
  const env = loadWorkerEnv({ ...process.env, TEMPORAL_ADDRESS: address, X_API_BASE_URL: h.emulator.url });
  const orm = await initOrm(env.DATABASE_URL, { pool: { min: 0, max: env.DATABASE_POOL_MAX } });
  const connection = await NativeConnection.connect({ address });
  const worker = await createPublishingWorker(
    {
      connection,
      activities: {
        orm,
        connectors: createConnectors(env),
        secrets: h.secrets,
        logger: createLogger('worker-test', env.LOG_LEVEL),
      },
    },
    {
      taskQueue: h.taskQueue,
      maxConcurrentActivityTaskExecutions: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTaskExecutions: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxConcurrentLocalActivityExecutions: env.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES,
    },
  );
  const running = worker.run();
  return {
    env,
    orm,
    connection,
    worker,
    running,
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      await connection
        .close()
        .catch((err: unknown) => console.warn(`worker connection not closed: ${String(err)}`));
      await orm.close();
    },
  };
}
