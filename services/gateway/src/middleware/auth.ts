import type { Middleware } from 'koa';
import { bearerToken, InvalidTokenError, type TokenConfig, verifyAccessToken } from '@vibetribe/runtime';
import type { AppState } from '../context';
import { unauthenticated } from '../errors';

/**
 * Verifies the bearer token once per request, early, so the per-user rate limit and the routes share
 * the result: a valid token sets `ctx.state.user`; an invalid one is remembered for `requireAuth`.
 */
export function authenticate(tokens: TokenConfig): Middleware<AppState> {
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('Authorization'));
    if (token) {
      try {
        ctx.state.user = { id: verifyAccessToken(tokens, token).sub };
      } catch (err) {
        if (!(err instanceof InvalidTokenError)) throw err;
        ctx.state.tokenRejected = true;
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
