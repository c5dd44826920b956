import type { Redis } from 'ioredis';
import type { Middleware, ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimited } from '../errors';

/** A limit: `max` requests per `windowS` for the key `keyOf` returns (undefined: not limited here). */
export interface RateLimit {
  name: string;
  max: number;
  windowS: number;
  keyOf: (ctx: ParameterizedContext) => string | undefined;
}

/** What one limit said about one request: its count so far, or that Redis did not answer. */
type Outcome = { limit: RateLimit; res: RateLimiterRes } | { limit: RateLimit; error: unknown };
type Failed = Extract<Outcome, { error: unknown }>;

/**
 * Redis-backed fixed-window limits (rate-limiter-flexible's RateLimiterRedis, key `rl:<name>:<key>`),
 * shared by every gateway instance. Every limit that applies counts the request, one atomic increment
 * each; over any of them, 429 with Retry-After (the longest wait). When Redis is unreachable the
 * limiter lets requests through (and readiness reports Redis).
 */
export function rateLimit(redis: Redis, logger: Logger, limits: RateLimit[]): Middleware {
  const limiters = new Map(
    limits.map((limit) => [
      limit,
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `rl:${limit.name}`,
        points: limit.max,
        duration: limit.windowS,
        // Fail at once while Redis is away instead of waiting for a reconnect: the request goes on.
        rejectIfRedisNotReady: true,
      }),
    ]),
  );
  const count = async (limit: RateLimit, key: string): Promise<Outcome> => {
    try {
      return { limit, res: await limiters.get(limit)!.consume(key) };
    } catch (err) {
      // Over the limit: the library rejects with the count; anything else is Redis failing.
      return err instanceof RateLimiterRes ? { limit, res: err } : { limit, error: err };
    }
  };
  return async (ctx, next) => {
    const outcomes = await Promise.all(
      limits.flatMap((limit) => {
        const key = limit.keyOf(ctx);
        return key === undefined ? [] : [count(limit, key)];
      }),
    );
    const failed = outcomes.find((o): o is Failed => 'error' in o);
    if (failed) {
      logger.warn({ err: failed.error }, 'rate limiter unavailable; letting the request through');
    } else {
      let retryAfterS = 0;
      for (const o of outcomes) {
        if (!('res' in o)) continue;
        const { limit, res } = o;
        ctx.set(`RateLimit-${limit.name}`, `limit=${limit.max}, remaining=${res.remainingPoints}`);
        if (res.consumedPoints > limit.max)
          retryAfterS = Math.max(retryAfterS, Math.ceil(res.msBeforeNext / 1000), 1);
      }
      if (retryAfterS > 0) throw rateLimited(retryAfterS);
    }
    await next();
  };
}
