import { connectEventBus, pingEventBus } from '@vibetribe/proto';
import { initOrm, pingDatabase } from '@vibetribe/database';
import { createLogger, createMetrics, onShutdown, startOpsServer } from '@vibetribe/runtime';
import { mediaEnv } from './env';
import { createMediaQueue } from './queue';

/**
 * The media process: consumes the Bull media queue. Until the media issue lands, it owns the queue and
 * reports its health; it registers no job handler yet, so jobs wait in Redis rather than being faked.
 */
async function main(): Promise<void> {
  const env = mediaEnv();
  const logger = createLogger('media', env.LOG_LEVEL);
  const orm = await initOrm(env.DATABASE_URL);
  const queue = createMediaQueue(env.REDIS_URL);
  const bus = await connectEventBus({ servers: env.NATS_URL, name: 'media' });
  const registry = createMetrics('media');
  const server = await startOpsServer({
    service: 'media',
    host: env.HOST,
    port: env.MEDIA_PORT,
    registry,
    checks: {
      postgres: () => pingDatabase(orm),
      redis: () => queue.client.ping(),
      nats: () => pingEventBus(bus.nc),
    },
  });
  logger.info({ port: env.MEDIA_PORT, queue: queue.name }, 'media service ready');
  onShutdown(logger, [
    { name: 'http', run: () => new Promise<void>((resolve) => server.close(() => resolve())) },
    { name: 'queue', run: () => queue.close() },
    { name: 'nats', run: () => bus.close() },
    { name: 'postgres', run: () => orm.close() },
  ]);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
