import { createHash } from 'node:crypto';
import { HttpProblem } from '../http/io';
import { type KitContext, type KitReply } from './kit-route';
import { opaque } from './kit-state';
import { type KitToken } from './kit-types';

/** The OAuth error body of RFC 6749 §5.2, which X and LinkedIn send. */
export const oauthError = (error: string, description: string, status = 400) =>
  new HttpProblem(status, { error, error_description: description });

/**
 * The consent screen, approved at once: redirects to `redirect_uri` with a one-use code for the user
 * named by `login` (an emulator extension for tests), else the first account of `userType`.
 */
export function authorize(ctx: KitContext, userType: string): KitReply {
  const q = ctx.url.searchParams;
  const clientId = q.get('client_id');
  const redirectUri = q.get('redirect_uri');
  if (!clientId || !redirectUri)
    throw oauthError('invalid_request', 'client_id and redirect_uri are required');
  const login = q.get('login');
  const user = login
    ? ctx.state.accounts.get(login)
    : [...ctx.state.accounts.values()].find((a) => a.type === userType);
  if (!user) throw oauthError('access_denied', 'no user to sign in as');
  const code = opaque('code_');
  const challenge = q.get('code_challenge');
  const scope = q.get('scope');
  ctx.state.codes.set(code, {
    code,
    accountId: user.id,
    clientId,
    redirectUri,
    ...(challenge ? { codeChallenge: challenge } : {}),
    ...(scope ? { scope } : {}),
    expiresAtMs: Date.now() + 10 * 60_000,
  });
  const target = new URL(redirectUri);
  target.searchParams.set('code', code);
  const state = q.get('state');
  if (state !== null) target.searchParams.set('state', state);
  return { status: 302, headers: { location: target.toString() }, raw: true };
}

/** Redeems a code once: same client and redirect URI, unexpired, and the PKCE verifier when a challenge was sent. */
export function redeemCode(
  ctx: KitContext,
  fields: { code?: string; clientId?: string; redirectUri?: string; codeVerifier?: string },
): { accountId: string; scope?: string } {
  const found = fields.code ? ctx.state.codes.get(fields.code) : undefined;
  if (found) ctx.state.codes.delete(found.code);
  if (!found || found.expiresAtMs < Date.now())
    throw oauthError('invalid_grant', 'authorization code is invalid or expired');
  if (found.clientId !== fields.clientId || found.redirectUri !== fields.redirectUri) {
    throw oauthError('invalid_grant', 'client_id or redirect_uri does not match the authorization request');
  }
  if (found.codeChallenge) {
    const digest = createHash('sha256')
      .update(fields.codeVerifier ?? '')
      .digest('base64url');
    if (digest !== found.codeChallenge) throw oauthError('invalid_grant', 'code_verifier does not match');
  }
  ctx.state.stats.tokenExchanges++;
  return { accountId: found.accountId, ...(found.scope ? { scope: found.scope } : {}) };
}

/** A new access token (with the configured lifetime) and, when asked, a refresh token. */
export function issueTokens(
  ctx: KitContext,
  accountId: string,
  withRefresh: boolean,
  scope?: string,
): { access: KitToken; refreshToken?: string; expiresIn: number } {
  const ttl = ctx.state.settings.accessTokenTtlS;
  const access = ctx.state.issueToken(accountId, ttl, opaque('at_'), scope);
  if (!withRefresh) return { access, expiresIn: ttl };
  const refreshToken = opaque('rt_');
  ctx.state.refreshTokens.set(refreshToken, { accountId, ...(scope ? { scope } : {}) });
  return { access, refreshToken, expiresIn: ttl };
}

/** Trades a refresh token for a new access token; `rotate` replaces the refresh token too (X does). */
export function refreshTokens(
  ctx: KitContext,
  refreshToken: string | undefined,
  rotate: boolean,
): { access: KitToken; refreshToken: string; expiresIn: number } {
  const found = refreshToken ? ctx.state.refreshTokens.get(refreshToken) : undefined;
  if (!found || !refreshToken) throw oauthError('invalid_grant', 'refresh token is invalid or revoked');
  ctx.state.stats.tokenRefreshes++;
  if (!rotate) {
    const ttl = ctx.state.settings.accessTokenTtlS;
    return {
      access: ctx.state.issueToken(found.accountId, ttl, opaque('at_'), found.scope),
      refreshToken,
      expiresIn: ttl,
    };
  }
  ctx.state.refreshTokens.delete(refreshToken);
  const issued = issueTokens(ctx, found.accountId, true, found.scope);
  return { access: issued.access, refreshToken: issued.refreshToken ?? '', expiresIn: issued.expiresIn };
}
