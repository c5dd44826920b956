import type { Redis } from 'ioredis';
import type { Middleware, ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import { rateLimited } from '../errors';

// INCR a fixed-window counter and set its expiry on the first hit, atomically.
const SCRIPT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

/** A limit: `max` requests per `windowS` for the key `keyOf` returns (undefined: not limited here). */
export interface RateLimit {
  name: string;
  max: number;
  windowS: number;
  keyOf: (ctx: ParameterizedContext) => string | undefined;
}

/**
 * Redis-backed fixed-window limits, shared by every gateway instance. Answers 429 with Retry-After.
 * When Redis is unreachable the limiter lets requests through (and readiness reports Redis).
 */
export function rateLimit(redis: Redis, logger: Logger, limits: RateLimit[]): Middleware {
  return async (ctx, next) => {
    for (const limit of limits) {
      const key = limit.keyOf(ctx);
      if (key === undefined) continue;
      let count: number;
      let ttlMs: number;
      try {
        [count, ttlMs] = (await redis.eval(SCRIPT, 1, `rl:${limit.name}:${key}`, limit.windowS * 1000)) as [
          number,
          number,
        ];
      } catch (err) {
        logger.warn({ err, limit: limit.name }, 'rate limiter unavailable; letting the request through');
        continue;
      }
      ctx.set(`RateLimit-${limit.name}`, `limit=${limit.max}, remaining=${Math.max(0, limit.max - count)}`);
      if (count > limit.max) throw rateLimited(Math.max(1, Math.ceil(ttlMs / 1000)));
    }
    await next();
  };
}
