import type { Redis } from 'ioredis';

/**
 * Readiness probe for Redis. The client runs without an offline queue (a request must not hang on a
 * dead Redis), so during the first connection the probe waits for it instead of failing at once;
 * once Redis was lost, it fails straight away naming the client's state.
 */
export async function pingRedis(redis: Redis): Promise<void> {
  if (redis.status === 'reconnecting' || redis.status === 'end' || redis.status === 'close') {
    throw new Error(`redis is ${redis.status}`);
  }
  if (redis.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        redis.off('end', onEnd);
        resolve();
      };
      const onEnd = () => {
        redis.off('ready', onReady);
        reject(new Error('redis connection closed'));
      };
      redis.once('ready', onReady).once('end', onEnd);
    });
  }
  await redis.ping();
}
