import type { Redis } from 'ioredis';
import type { Middleware, ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import { rateLimited } from '../errors';

// One round trip for every limit of a request: INCR each fixed-window counter, set its expiry on the
// first hit, and return (count, ttl) pairs. ARGV[i] is KEYS[i]'s window in ms.
const SCRIPT = `local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[i]) end
  out[#out + 1] = n
  out[#out + 1] = redis.call('PTTL', key)
end
return out`;

type RateHit = (numKeys: number, ...keysThenWindows: (string | number)[]) => Promise<number[]>;

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
  // defineCommand sends the script once and then calls it by its SHA.
  redis.defineCommand('vtRateHit', { lua: SCRIPT });
  const hit = (redis as unknown as { vtRateHit: RateHit }).vtRateHit.bind(redis);
  return async (ctx, next) => {
    const active = limits.flatMap((limit) => {
      const key = limit.keyOf(ctx);
      return key === undefined ? [] : [{ limit, key: `rl:${limit.name}:${key}` }];
    });
    if (active.length > 0) {
      let counts: number[] | undefined;
      try {
        counts = await hit(
          active.length,
          ...active.map((a) => a.key),
          ...active.map((a) => a.limit.windowS * 1000),
        );
      } catch (err) {
        logger.warn({ err }, 'rate limiter unavailable; letting the request through');
      }
      if (counts) {
        let retryAfterS = 0;
        active.forEach(({ limit }, i) => {
          const count = counts[2 * i] ?? 0;
          ctx.set(
            `RateLimit-${limit.name}`,
            `limit=${limit.max}, remaining=${Math.max(0, limit.max - count)}`,
          );
          if (count > limit.max)
            retryAfterS = Math.max(retryAfterS, Math.ceil((counts[2 * i + 1] ?? 1000) / 1000), 1);
        });
        if (retryAfterS > 0) throw rateLimited(retryAfterS);
      }
    }
    await next();
  };
}
