import type { Redis } from 'ioredis';

/** A socket not refreshed for this long is counted as gone (its instance died without saying so). */
const STALE_AFTER_MS = 90_000;
const key = (userId: string) => `vt:rt:online:${userId}`;

/**
 * Which sockets each user has open, across every realtime instance, kept in Redis: a user with two tabs
 * (or two instances) comes online with the first socket and goes offline with the last, rather than
 * flickering. Each entry is scored with its last refresh, so a crashed instance's sockets age out.
 */
export interface PresenceRegistry {
  /** Records a socket; true when it is the user's only live one (the user just came online). */
  add(userId: string, socketId: string): Promise<boolean>;
  /** Forgets a socket; true when the user has no live socket left (the user just went offline). */
  remove(userId: string, socketId: string): Promise<boolean>;
  /** Marks these sockets alive; called periodically for every local socket. */
  refresh(sockets: Array<{ userId: string; socketId: string }>): Promise<void>;
}

/** The registry on one Redis connection. */
export function createPresenceRegistry(redis: Redis): PresenceRegistry {
  const ttlS = Math.ceil((STALE_AFTER_MS * 2) / 1000);
  const liveCount = async (
    userId: string,
    change: (tx: ReturnType<Redis['multi']>) => void,
  ): Promise<number> => {
    const now = Date.now();
    const tx = redis.multi();
    change(tx);
    tx.zremrangebyscore(key(userId), '-inf', now - STALE_AFTER_MS);
    tx.zcard(key(userId));
    tx.expire(key(userId), ttlS);
    const results = await tx.exec();
    const card = results?.at(-2);
    if (!card || card[0]) throw card?.[0] ?? new Error('presence transaction aborted');
    return Number(card[1]);
  };
  return {
    async add(userId, socketId) {
      return (await liveCount(userId, (tx) => tx.zadd(key(userId), Date.now(), socketId))) === 1;
    },
    async remove(userId, socketId) {
      return (await liveCount(userId, (tx) => tx.zrem(key(userId), socketId))) === 0;
    },
    async refresh(sockets) {
      if (sockets.length === 0) return;
      const now = Date.now();
      const pipeline = redis.pipeline();
      for (const s of sockets) pipeline.zadd(key(s.userId), now, s.socketId).expire(key(s.userId), ttlS);
      await pipeline.exec();
    },
  };
}
