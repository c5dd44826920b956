import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import { initOrm, schemaCheck, startOutboxRelay } from '@vibetribe/database';
import { connectEventBus, pingEventBus } from '@vibetribe/proto';
import { createLogger, secretBoxFromEnv } from '@vibetribe/runtime';
import type { GatewayDeps } from './context';
import type { GatewayEnv } from './env';
import { outboxEventSink } from './lib/events';
import { buildMediaDeps } from './lib/media-deps';
import { temporalScheduler } from './lib/scheduler';
import { temporalProbe } from './lib/temporal-probe';

/** Connects everything the gateway needs. Temporal and NATS connect lazily, so the API starts while they are down. */
export async function buildDeps(
  env: Readonly<GatewayEnv>,
): Promise<GatewayDeps & { close(): Promise<void> }> {
  const logger = createLogger('gateway', env.LOG_LEVEL);
  const orm = await initOrm(env.DATABASE_URL, { pool: { min: 0, max: env.DATABASE_POOL_MAX } });
  const redis = new Redis(env.REDIS_URL, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: false,
  });
  redis.on('error', (err) => logger.debug({ err }, 'redis error'));
  const connection = Connection.lazy({ address: env.TEMPORAL_ADDRESS, connectTimeout: 2000 });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const probe = temporalProbe(env.TEMPORAL_ADDRESS);
  const bus = await connectEventBus({ servers: env.NATS_URL, name: 'gateway', waitOnFirstConnect: true });
  const media = buildMediaDeps(env);
  // A relay candidate, as in every worker: one at a time publishes the event outbox (README: Events).
  const relay = startOutboxRelay({ orm, publish: (e) => bus.publishStored(e), logger });
  return {
    env,
    logger,
    orm,
    redis,
    tokens: env.jwt,
    secrets: secretBoxFromEnv(),
    scheduler: temporalScheduler(
      client,
      env.TEMPORAL_DEADLINE_MS,
      env.TEMPORAL_TASK_QUEUE,
      env.MEDIA_WAIT_MS,
    ),
    events: outboxEventSink,
    readiness: {
      nats: () => pingEventBus(bus.nc),
      temporal: probe.check,
      // Not ready until `npm run migrate` has applied this build's migrations (it never migrates itself).
      schema: schemaCheck(orm, (err) => logger.error(err.message)),
    },
    media,
    ops: { temporal: client, schedulePrefix: 'vt-' },
    async close() {
      await media.close();
      await relay.stop();
      await bus.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
      await probe.close().catch(() => undefined);
      redis.disconnect();
      await orm.close();
    },
  };
}
