import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { temporalRequestRefresh } from '@vibetribe/activities';
import { initOrm, type MikroORM, startOutboxRelay } from '@vibetribe/database';
import { startXEmulator, type XEmulator } from '@vibetribe/emulators';
import { connectEventBus, type EventBus } from '@vibetribe/proto';
import { createLogger, createSecretBox, type SecretBox } from '@vibetribe/runtime';
import { publishPostWorkflow, type PublishPostInput, publishStartOptions } from '@vibetribe/workflows';
import { createXOAuth, type XOAuthConfig } from '@vibetribe/platforms';
import { createConnectors } from '../connectors';
import { createPublishingWorker } from '../worker';
import { type SeededPost, seedXPost } from './seed';

/** The X OAuth client tests use against the emulator (any client id and secret are accepted there). */
export const X_TEST_CLIENT = (url: string): XOAuthConfig => ({
  baseUrl: url,
  authorizeBaseUrl: url,
  oauth: { clientId: 'vt-test', clientSecret: 'vt-test-secret' },
});

/** A test file's world: real Postgres, NATS (with an outbox relay) and Temporal dev server, an X emulator, a worker on its own queue. */
export interface Harness {
  orm: MikroORM;
  emulator: XEmulator;
  client: Client;
  bus: EventBus;
  secrets: SecretBox;
  taskQueue: string;
  seed(opts: { text?: string; scheduledAt: Date | null; targets?: number }): Promise<SeededPost>;
  start(
    post: SeededPost,
    extra?: Partial<PublishPostInput>,
  ): Promise<WorkflowHandle<typeof publishPostWorkflow>>;
  close(): Promise<void>;
}

/** Starts the harness; `worker: false` leaves the polling to someone else (a child process). */
export async function startHarness(opts: { worker?: boolean; xOAuth?: boolean } = {}): Promise<Harness> {
  Runtime.install({
    logger: new DefaultLogger(process.env.TEMPORAL_LOG_LEVEL === 'INFO' ? 'INFO' : 'ERROR'),
  });
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const orm = await initOrm(process.env.DATABASE_URL ?? '');
  const emulator = await startXEmulator();
  const bus = await connectEventBus({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  const client = new Client({ connection: await Connection.connect({ address }) });
  const secrets = createSecretBox(process.env.ENCRYPTION_KEY ?? '');
  const taskQueue = `vt-test-${randomUUID()}`;
  const logger = createLogger('worker-test', process.env.LOG_LEVEL ?? 'silent');
  // A relay candidate, as in the worker process: the activities' events reach NATS through the outbox.
  const relay = startOutboxRelay({ orm, publish: (e) => bus.publishStored(e), logger });

  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let connection: NativeConnection | undefined;
  if (opts.worker !== false) {
    connection = await NativeConnection.connect({ address });
    const activities = {
      orm,
      connectors: createConnectors({ X_API_BASE_URL: emulator.url }),
      // X's OAuth client on the emulator, so a publish can refresh a token after a 401.
      ...(opts.xOAuth ? { oauth: { x: createXOAuth(X_TEST_CLIENT(emulator.url)) } } : {}),
      // A 401 asks the account's token workflow, on this harness's queue.
      requestRefresh: temporalRequestRefresh(client, taskQueue),
      secrets,
      logger,
    };
    // The ORM's default pool is 10; each publish holds two connections, so 2 activity and 2 local
    // activity slots cannot deadlock it. The workflows are the bundle `npm run build` wrote.
    worker = await createPublishingWorker(
      { connection, activities },
      { taskQueue, maxConcurrentActivityTaskExecutions: 2, maxConcurrentLocalActivityExecutions: 2 },
    );
    running = worker.run();
  }

  return {
    orm,
    emulator,
    client,
    bus,
    secrets,
    taskQueue,
    seed: (seedOpts) => seedXPost(orm, secrets, emulator, seedOpts),
    start: (post, extra = {}) => {
      const input: PublishPostInput = {
        postId: post.postId,
        organizationId: post.organizationId,
        scheduledAt: null,
        version: 1,
        targets: post.targetIds.map((targetId) => ({ targetId, platform: 'x' })),
        ...extra,
      };
      return client.workflow.start(publishPostWorkflow, publishStartOptions(input, taskQueue));
    },
    async close() {
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection?.close();
      await client.connection.close();
      await relay.stop();
      await bus.close();
      await emulator.close();
      await orm.close();
    },
  };
}
