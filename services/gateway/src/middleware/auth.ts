import type { Middleware } from 'koa';
import { bearerToken, InvalidTokenError, type TokenConfig, verifyAccessToken } from '@vibetribe/runtime';
import type { AppState } from '../context';
import { unauthenticated } from '../errors';

/**
 * Access tokens this process has verified, by their exact text: an ES256 verification costs more than
 * the rest of a cached request. Only successes are kept, each until the token's own `exp` (the
 * verifier would accept it a few seconds longer, within its clock tolerance: after `exp` the token is
 * verified again, so it is judged exactly as before). Everything a verification checks (signature,
 * pinned algorithm, issuer, audience, purpose) is a function of the token's text and this process's
 * fixed configuration; only time changes the answer, and `exp` bounds that. Bounded: least recently
 * used first out.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { sub: string; expiresAtMs: number }>();

  constructor(
    readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The subject of a token verified before and not yet expired. */
  get(token: string): string | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    this.entries.delete(token);
    if (this.now() >= entry.expiresAtMs) return undefined;
    this.entries.set(token, entry);
    return entry.sub;
  }

  /** Remembers a verified token until `expS` (its `exp` claim, seconds since the epoch). */
  set(token: string, sub: string, expS: number): void {
    if (this.maxEntries <= 0 || this.now() >= expS * 1000) return;
    this.entries.delete(token);
    this.entries.set(token, { sub, expiresAtMs: expS * 1000 });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
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
