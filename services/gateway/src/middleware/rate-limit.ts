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

/** Keys per script call: a batch larger than this is split, so no call blocks Redis for long. */
const MAX_KEYS_PER_CALL = 256;

/**
 * The hits of every request that arrives in one turn of the event loop go to Redis as one script call
 * (one write, one reply) instead of one each. The script increments its keys in order, one INCR per
 * occurrence, so each request gets exactly the counts it would have got from a call of its own made
 * at that moment.
 */
function batchedHits(call: RateHit): (keys: string[], windowsMs: number[]) => Promise<number[]> {
  let pending: {
    keys: string[];
    windowsMs: number[];
    resolve: (c: number[]) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const send = (batch: typeof pending) => {
    const keys = batch.flatMap((h) => h.keys);
    let reply: Promise<number[]>;
    try {
      reply = call(keys.length, ...keys, ...batch.flatMap((h) => h.windowsMs));
    } catch (err) {
      reply = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    reply.then(
      (counts) => {
        let at = 0;
        for (const h of batch) {
          h.resolve(counts.slice(2 * at, 2 * (at + h.keys.length)));
          at += h.keys.length;
        }
      },
      (err: unknown) => {
        for (const h of batch) h.reject(err);
      },
    );
  };
  const flush = () => {
    const all = pending;
    pending = [];
    let batch: typeof pending = [];
    let size = 0;
    for (const h of all) {
      if (size + h.keys.length > MAX_KEYS_PER_CALL && batch.length > 0) {
        send(batch);
        batch = [];
        size = 0;
      }
      batch.push(h);
      size += h.keys.length;
    }
    if (batch.length > 0) send(batch);
  };
  return (keys, windowsMs) =>
    new Promise((resolve, reject) => {
      // After this turn's I/O callbacks: the requests parsed in it share the call.
      if (pending.length === 0) setImmediate(flush);
      pending.push({ keys, windowsMs, resolve, reject });
    });
}

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
  const hit = batchedHits((redis as unknown as { vtRateHit: RateHit }).vtRateHit.bind(redis));
  return async (ctx, next) => {
    const active = limits.flatMap((limit) => {
      const key = limit.keyOf(ctx);
      return key === undefined ? [] : [{ limit, key: `rl:${limit.name}:${key}` }];
    });
    if (active.length > 0) {
      let counts: number[] | undefined;
      try {
        counts = await hit(
          active.map((a) => a.key),
          active.map((a) => a.limit.windowS * 1000),
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
