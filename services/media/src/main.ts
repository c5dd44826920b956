import { Client, Connection } from '@temporalio/client';
import { connectEventBus, pingEventBus } from '@vibetribe/proto';
import { initOrm, outboxBacklog, pingDatabase, schemaCheck, startOutboxRelay } from '@vibetribe/database';
import { createMediaStorage } from '@vibetribe/media-storage';
import { createLogger, createMetrics, onShutdown, outboxMetrics, startOpsServer } from '@vibetribe/runtime';
import { mediaEnv } from './env';
import { startMediaWorker } from './worker';

/**
 * The media process: consumes the Bull media queue (metadata, renditions, status), writes
 * `vt.<org>.media.status` to the event outbox and signals the workflows of the posts that wait for a medium.
 */
async function main(): Promise<void> {
  const env = mediaEnv();
  const logger = createLogger('media', env.LOG_LEVEL);
  const orm = await initOrm(env.DATABASE_URL);
  const bus = await connectEventBus({ servers: env.NATS_URL, name: 'media' });
  const connection = Connection.lazy({ address: env.TEMPORAL_ADDRESS, connectTimeout: 2000 });
  const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const registry = createMetrics('media');
  outboxMetrics(registry, () => outboxBacklog(orm));
  // A relay candidate, as in every gateway and worker: one at a time publishes the event outbox.
  const relay = startOutboxRelay({ orm, publish: (e) => bus.publishStored(e), logger });
  const storage = createMediaStorage(env);
  const queue = await startMediaWorker(
    { orm, storage, temporal, logger, ffprobe: env.FFPROBE_PATH, ffmpeg: env.FFMPEG_PATH },
    {
      redisUrl: env.REDIS_URL,
      prefix: env.MEDIA_QUEUE_PREFIX,
      concurrency: env.MEDIA_CONCURRENCY,
      lockDurationMs: env.MEDIA_LOCK_MS,
      stalledIntervalMs: env.MEDIA_STALLED_INTERVAL_MS,
    },
    registry,
  );
  const server = await startOpsServer({
    service: 'media',
    host: env.HOST,
    port: env.MEDIA_PORT,
    registry,
    checks: {
      postgres: () => pingDatabase(orm),
      redis: () => queue.client.ping(),
      nats: () => pingEventBus(bus.nc),
      schema: schemaCheck(orm, (err) => logger.error(err.message)),
    },
  });
  logger.info({ port: env.MEDIA_PORT, queue: queue.name, storage: storage.driver }, 'media service ready');
  // Jobs in progress finish before the connections they use close (Bull's close waits for them).
  onShutdown(logger, [
    { name: 'http', run: () => new Promise<void>((resolve) => server.close(() => resolve())) },
    { name: 'queue', run: () => queue.close() },
    { name: 'temporal', run: () => connection.close() },
    { name: 'event-outbox', run: () => relay.stop() },
    { name: 'nats', run: () => bus.close() },
    { name: 'postgres', run: () => orm.close() },
  ]);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
