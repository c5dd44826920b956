import type { Redis } from 'ioredis';

/**
 * Bull keeps jobs in Redis: a Redis that may evict keys loses jobs silently. Refuse to start unless
 * `maxmemory-policy` is `noeviction` (read from INFO, which managed Redis allows where CONFIG is not).
 */
export async function assertNoEviction(client: Redis): Promise<void> {
  const info = await client.info('memory');
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
  if (policy !== 'noeviction') {
    throw new Error(
      `Redis maxmemory-policy is ${policy ?? 'unknown'}; the media queue needs noeviction (redis-server --maxmemory-policy noeviction)`,
    );
  }
}
