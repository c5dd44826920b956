import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { HttpProblem, parseFields, readBody } from '../http/io';
import { type XControlContext, type XReply } from './x-route';
import { type XState } from './x-state';
import { type XAccount } from './x-types';

/** The OAuth error body of RFC 6749 §5.2, which X's token endpoint sends. */
const oauthError = (error: string, description: string, status = 400) =>
  new HttpProblem(status, { error, error_description: description });

const opaque = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

/**
 * Who consents: the user named by `login` (username or id, an emulator extension; an unknown name is
 * created, so a sandbox newcomer can pick any), else the first known user, else a new `sandbox_user`.
 */
function consentingUser(state: XState, login: string | null): XAccount {
  const known = [...state.accountsById.values()];
  const found = login ? known.find((a) => a.username === login || a.userId === login) : known[0];
  if (found) return found;
  const username = login ?? 'sandbox_user';
  const account = { userId: state.nextId(), username, name: username, accessToken: '' };
  state.accountsById.set(account.userId, account);
  return account;
}

/** `GET /i/oauth2/authorize`: the consent screen, approved at once; redirects with a one-use code. PKCE (S256) is required, as on X. */
export function authorize(ctx: XControlContext): XReply {
  const q = ctx.url.searchParams;
  const clientId = q.get('client_id');
  const redirectUri = q.get('redirect_uri');
  const challenge = q.get('code_challenge');
  if (q.get('response_type') !== 'code' || !clientId || !redirectUri)
    throw oauthError('invalid_request', 'response_type=code, client_id and redirect_uri are required');
  if (!challenge || q.get('code_challenge_method') !== 'S256')
    throw oauthError('invalid_request', 'code_challenge with code_challenge_method=S256 is required');
  const user = consentingUser(ctx.state, q.get('login'));
  const code = opaque('xc_');
  ctx.state.codes.set(code, {
    userId: user.userId,
    clientId,
    redirectUri,
    codeChallenge: challenge,
    scope: q.get('scope') ?? '',
    expiresAtMs: Date.now() + 30_000,
  });
  const target = new URL(redirectUri);
  target.searchParams.set('code', code);
  const state = q.get('state');
  if (state !== null) target.searchParams.set('state', state);
  return { status: 302, headers: { location: target.toString() } };
}

/** The form's fields, and the client id from Basic auth (confidential clients) or the form (public ones). */
async function readTokenRequest(req: IncomingMessage): Promise<{ f: (name: string) => string | undefined }> {
  const fields = await parseFields(await readBody(req, 64 * 1024), req.headers['content-type'], (m) =>
    oauthError('invalid_request', m),
  );
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const basicId = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':')[0] : undefined;
  return {
    f: (name) => {
      if (name === 'client_id' && basicId) return basicId;
      const value = fields.get(name);
      return typeof value === 'string' ? value : undefined;
    },
  };
}

/** A new access token (2 h by default) for `user`, and a refresh token when the scope has `offline.access`. */
function issue(state: XState, user: XAccount, scope: string): XReply {
  const accessToken = opaque('xat_');
  const ttlS = state.settings.accessTokenTtlS;
  state.accountsByToken.set(accessToken, user);
  state.tokenExpiry.set(accessToken, Date.now() + ttlS * 1000);
  const body: Record<string, unknown> = {
    token_type: 'bearer',
    expires_in: ttlS,
    access_token: accessToken,
    scope,
  };
  if (scope.split(' ').includes('offline.access')) {
    const refreshToken = opaque('xrt_');
    state.refreshTokens.set(refreshToken, { userId: user.userId, scope });
    body.refresh_token = refreshToken;
  }
  return { status: 200, body };
}

/** `POST /2/oauth2/token` (form): `authorization_code` with the PKCE verifier, or `refresh_token` (rotated, as X does). */
export async function token(ctx: XControlContext): Promise<XReply> {
  const { f } = await readTokenRequest(ctx.req);
  if (!f('client_id')) throw oauthError('invalid_client', 'client_id is required', 401);
  const grant = f('grant_type');
  if (grant === 'refresh_token') {
    const presented = f('refresh_token') ?? '';
    const found = ctx.state.refreshTokens.get(presented);
    const user = found && ctx.state.accountsById.get(found.userId);
    if (!found || !user) throw oauthError('invalid_request', 'Value passed for the token was invalid.');
    ctx.state.refreshTokens.delete(presented);
    ctx.state.stats.tokenRefreshes++;
    return issue(ctx.state, user, found.scope);
  }
  if (grant !== 'authorization_code')
    throw oauthError('unsupported_grant_type', 'grant_type is not supported');
  const code = ctx.state.codes.get(f('code') ?? '');
  if (code) ctx.state.codes.delete(f('code') ?? '');
  const verifier = createHash('sha256')
    .update(f('code_verifier') ?? '')
    .digest('base64url');
  if (
    !code ||
    code.expiresAtMs < Date.now() ||
    code.clientId !== f('client_id') ||
    code.redirectUri !== f('redirect_uri') ||
    code.codeChallenge !== verifier
  ) {
    throw oauthError('invalid_request', 'Value passed for the authorization code was invalid.');
  }
  const user = ctx.state.accountsById.get(code.userId);
  if (!user) throw oauthError('invalid_request', 'Value passed for the authorization code was invalid.');
  return issue(ctx.state, user, code.scope);
}

/** `POST /2/oauth2/revoke` (form `token`): an access or refresh token stops working. */
export async function revoke(ctx: XControlContext): Promise<XReply> {
  const { f } = await readTokenRequest(ctx.req);
  const presented = f('token') ?? '';
  ctx.state.refreshTokens.delete(presented);
  if (ctx.state.tokenExpiry.has(presented) || ctx.state.accountsByToken.has(presented)) {
    ctx.state.accountsByToken.delete(presented);
    ctx.state.tokenExpiry.delete(presented);
  }
  return { status: 200, body: { revoked: true } };
}
