import type { Middleware } from 'koa';
import { bearerToken, InvalidTokenError, type TokenConfig, verifyAccessToken } from '@vibetribe/runtime';
import type { AppState } from '../context';
import { unauthenticated } from '../errors';

/** Requires a valid access token; sets `ctx.state.user`. Every failure is a 401 with the same shape. */
export function requireAuth(tokens: TokenConfig): Middleware<AppState> {
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('Authorization'));
    if (!token) throw unauthenticated();
    try {
      const claims = verifyAccessToken(tokens, token);
      ctx.state.user = { id: claims.sub };
    } catch (err) {
      if (err instanceof InvalidTokenError) throw unauthenticated('The access token is invalid or expired.');
      throw err;
    }
    await next();
  };
}
