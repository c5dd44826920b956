import type { Middleware } from 'koa';
import { LRUCache } from 'lru-cache';
import { bearerToken, InvalidTokenError, type TokenConfig, verifyAccessToken } from '@vibetribe/runtime';
import type { AppState } from '../context';
import { unauthenticated } from '../errors';

/**
 * Access tokens this process has verified, by their exact text: an ES256 verification costs more than
 * the rest of a cached request. Only successes are kept, each until the token's own `exp` (the
 * verifier would accept it a few seconds longer, within its clock tolerance: after `exp` the token is
 * verified again, so it is judged exactly as before). Everything a verification checks (signature,
 * pinned algorithm, issuer, audience, purpose) is a function of the token's text and this process's
 * fixed configuration; only time changes the answer, and `exp` bounds that. Bounded: an lru-cache with
 * a TTL per entry, least recently used first out.
 */
export class VerifiedTokenCache {
  private readonly entries: LRUCache<string, string> | undefined;

  constructor(
    readonly maxEntries: number,
    /** Wall-clock time, the clock `exp` counts in (injectable for tests). */
    private readonly now: () => number = Date.now,
  ) {
    this.entries =
      maxEntries > 0
        ? new LRUCache<string, string>({
            max: maxEntries,
            // TTLs measured on the same clock as `exp`, read at every check (no 1 ms reuse), so an
            // entry is gone at `exp` exactly.
            perf: { now },
            ttlResolution: 0,
          })
        : undefined;
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  /** The subject of a token verified before and not yet expired. */
  get(token: string): string | undefined {
    return this.entries?.get(token);
  }

  /** Remembers a verified token until `expS` (its `exp` claim, seconds since the epoch). */
  set(token: string, sub: string, expS: number): void {
    const start = this.now();
    // lru-cache keeps an entry while `now - start <= ttl`: ttl = exp - start - 1 makes it stale at exp.
    // A TTL of 0 would mean "never expires", so a token within 1 ms of its exp is not kept.
    const ttl = Math.floor(expS * 1000) - start - 1;
    if (ttl < 1) return;
    this.entries?.set(token, sub, { ttl, start });
  }
}

/**
 * Verifies the bearer token once per request, early, so the per-user rate limit and the routes share
 * the result: a valid token sets `ctx.state.user`; an invalid one is remembered for `requireAuth`.
 * With `cache`, a token verified before is not verified again until its expiry.
 */
export function authenticate(tokens: TokenConfig, cache?: VerifiedTokenCache): Middleware<AppState> {
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('Authorization'));
    if (token) {
      const known = cache?.get(token);
      if (known !== undefined) {
        ctx.state.user = { id: known };
      } else {
        try {
          const claims = verifyAccessToken(tokens, token);
          cache?.set(token, claims.sub, claims.exp);
          ctx.state.user = { id: claims.sub };
        } catch (err) {
          if (!(err instanceof InvalidTokenError)) throw err;
          ctx.state.tokenRejected = true;
        }
      }
    }
    await next();
  };
}

/** Requires an authenticated caller. Every failure is a 401 with the same shape. */
export const requireAuth: Middleware<AppState> = async (ctx, next) => {
  if (!ctx.state.user) {
    throw ctx.state.tokenRejected
      ? unauthenticated('The access token is invalid or expired.')
      : unauthenticated();
  }
  await next();
};
