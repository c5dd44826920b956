import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { temporalRequestRefresh } from '@vibetribe/activities';
import {
  initOrm,
  outboxBacklog,
  pendingMigrations,
  PendingMigrationsError,
  pingDatabase,
  startOutboxRelay,
} from '@vibetribe/database';
import { connectEventBus, pingEventBus } from '@vibetribe/proto';
import {
  createLogger,
  createMetrics,
  onShutdown,
  outboxMetrics,
  secretBoxFromEnv,
  startOpsServer,
} from '@vibetribe/runtime';
import { createMediaStorage } from '@vibetribe/media-storage';
import { createConnectors, createOAuthClients } from './connectors';
import { loadWorkerEnv } from './env';
import { mediaUrls } from './media-urls';
import { buildPeriodicDeps } from './periodic/periodic-deps';
import { ensureSchedules } from './periodic/schedules';
import { installTemporalRuntime } from './temporal-runtime';
import { createPeriodicWorker, createPublishingWorker } from './worker';

/** Starts the worker process: connections (the schema checked, never migrated), the publishing and periodic workers and the ops server. */
async function main(): Promise<void> {
  const env = loadWorkerEnv();
  const logger = createLogger('worker', env.LOG_LEVEL);
  installTemporalRuntime(logger, env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace' ? 'DEBUG' : 'INFO');

  // Independent connections, made at once: a restarted worker is polling again in about a second.
  const [orm, bus, connection] = await Promise.all([
    initOrm(env.DATABASE_URL, { pool: { min: 0, max: env.DATABASE_POOL_MAX } }).then(async (o) => {
      // Migrations run as one step before a deploy (`npm run migrate`); a worker polls only on its schema.
      const pending = await pendingMigrations(o);
      if (pending.length > 0) throw new PendingMigrationsError(pending);
      return o;
    }),
    connectEventBus({ servers: env.NATS_URL, name: 'vibetribe-worker' }),
    NativeConnection.connect({ address: env.TEMPORAL_ADDRESS }),
  ]);
  const storage = createMediaStorage(env);
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const activities = {
    orm,
    connectors: createConnectors(env),
    oauth: createOAuthClients(env),
    // A 401 asks the account's token workflow (on this worker's queue) for a fresh token.
    requestRefresh: temporalRequestRefresh(client, env.TEMPORAL_TASK_QUEUE),
    secrets: secretBoxFromEnv(),
    logger,
    mediaUrl: mediaUrls(storage),
  };
  const periodic = buildPeriodicDeps(env, activities, client, bus, storage);
  const bundle = env.WORKER_WORKFLOW_BUNDLE ? { workflowBundlePath: env.WORKER_WORKFLOW_BUNDLE } : {};
  const worker = await createPublishingWorker(
    { connection, namespace: env.TEMPORAL_NAMESPACE, activities },
    {
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      maxConcurrentActivityTaskExecutions: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTaskExecutions: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxConcurrentLocalActivityExecutions: env.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES,
      ...bundle,
      shutdownGraceTime: env.WORKER_SHUTDOWN_GRACE_MS,
    },
  );
  const periodicWorker = await createPeriodicWorker(
    { connection, namespace: env.TEMPORAL_NAMESPACE, periodic },
    { taskQueue: env.PERIODIC_TASK_QUEUE, ...bundle, shutdownGraceTime: env.WORKER_SHUTDOWN_GRACE_MS },
  );
  // A relay candidate, as in every gateway: one at a time publishes the event outbox (README: Events).
  const relay = startOutboxRelay({ orm, publish: (e) => bus.publishStored(e), logger });
  const registry = createMetrics('worker');
  outboxMetrics(registry, () => outboxBacklog(orm));
  const polling = (w: typeof worker) => () =>
    w.getState() === 'RUNNING' ? Promise.resolve() : Promise.reject(new Error(`worker is ${w.getState()}`));

  const server = await startOpsServer({
    service: 'worker',
    host: env.HOST,
    port: env.WORKER_PORT,
    registry,
    checks: {
      postgres: () => pingDatabase(orm),
      nats: () => pingEventBus(bus.nc),
      // Bounded on the connection too, so a check against a server that is down ends, not only its wait.
      temporal: () => connection.withDeadline(Date.now() + 600, () => connection.healthService.check({})),
      polling: polling(worker),
      'polling-periodic': polling(periodicWorker),
    },
  });

  // Either worker failing ends the process (the supervisor restarts it), so both always poll.
  const running = Promise.all([worker.run(), periodicWorker.run()]);
  if (env.PERIODIC_SCHEDULES) {
    const schedules = await ensureSchedules(client, { taskQueue: env.PERIODIC_TASK_QUEUE });
    logger.info({ schedules }, 'periodic schedules ensured');
  }
  onShutdown(logger, [
    // Stop polling and let running activities finish (up to the grace time) before anything closes.
    {
      name: 'worker',
      run: async () => {
        for (const w of [worker, periodicWorker]) if (w.getState() === 'RUNNING') w.shutdown();
        await running;
      },
    },
    { name: 'ops-server', run: () => new Promise((resolve) => server.close(resolve)) },
    { name: 'media-queue', run: () => periodic.close() },
    { name: 'event-outbox', run: () => relay.stop() },
    { name: 'nats', run: () => bus.close() },
    { name: 'temporal', run: () => connection.close() },
    { name: 'database', run: () => orm.close() },
  ]);
  logger.info(
    { taskQueue: env.TEMPORAL_TASK_QUEUE, periodicTaskQueue: env.PERIODIC_TASK_QUEUE, port: env.WORKER_PORT },
    'worker polling',
  );
  try {
    await running;
  } catch (err) {
    logger.fatal({ err }, 'worker failed');
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
