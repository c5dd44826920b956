import { createMediaQueue, createMediaStorage, mediaLimits } from '@vibetribe/media-storage';
import type { MediaDeps } from '../context';
import type { GatewayEnv } from '../env';

/**
 * The gateway's side of media: the storage the environment names and a producer of the media queue
 * (the media service consumes it). Its Redis errors are reported by requests (503), not logged here.
 */
export function buildMediaDeps(env: Readonly<GatewayEnv>): MediaDeps & { close(): Promise<void> } {
  const queue = createMediaQueue(env.REDIS_URL, { prefix: env.MEDIA_QUEUE_PREFIX });
  queue.on('error', () => undefined);
  return {
    storage: createMediaStorage(env),
    limits: mediaLimits(env),
    queue,
    close: () => queue.close().catch(() => undefined),
  };
}
