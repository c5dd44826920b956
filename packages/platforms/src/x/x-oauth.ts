import { type ConnectorAccount } from '../connector';
import { PlatformError } from '../errors';
import { createSend, type PlatformSend } from '../http/send';
import { expiresIn, type OAuthClientConfig, type PlatformOAuth, type TokenSet } from '../oauth/oauth';
import { withParams } from '../oauth/pkce';
import { requireClient } from '../oauth/require-client';
import { type XConnectorConfig, resolveXConfig } from './x-config';
import { xResponseError } from './x-errors';
import { xTokenResponse, xUserMe } from './x-schemas';

/** Scopes to post with media and to stay connected (`offline.access` brings a refresh token). */
export const X_SCOPES = 'tweet.read tweet.write users.read media.write offline.access';

/** Where X's OAuth lives, and our client. */
export interface XOAuthConfig extends XConnectorConfig {
  /** The consent screen's host. Default https://x.com; the emulator serves it too. */
  authorizeBaseUrl?: string;
  oauth?: OAuthClientConfig;
}

/** X's token endpoint answers RFC 6749 errors; a refused code or refresh token needs the user again. */
function xOAuthError(
  what: string,
  status: number,
  headers: Headers,
  body: string,
  now: number,
): PlatformError {
  let error: unknown;
  try {
    error = (JSON.parse(body) as { error?: unknown }).error;
  } catch {
    error = undefined;
  }
  if (status >= 400 && status < 500 && status !== 429 && typeof error === 'string') {
    return new PlatformError({
      platform: 'x',
      kind: 'auth',
      status,
      message: `${what}: X refused the grant (${error})`,
      platformCode: error,
    });
  }
  return xResponseError(what, status, headers, body, now);
}

async function token(
  send: PlatformSend,
  baseUrl: string,
  client: OAuthClientConfig,
  form: Record<string, string>,
): Promise<TokenSet> {
  const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
  const { data } = await send(
    {
      what: form.grant_type === 'refresh_token' ? 'token refresh' : 'code exchange',
      method: 'POST',
      url: `${baseUrl}/2/oauth2/token`,
      headers: { authorization: `Basic ${basic}` },
      form: new URLSearchParams({ ...form, client_id: client.clientId }),
    },
    xTokenResponse,
  );
  return {
    accessToken: data.access_token,
    refreshToken: data.refresh_token ?? null,
    expiresAt: expiresIn(data.expires_in),
  };
}

/** X's OAuth 2.0 Authorization Code with PKCE (confidential client); refresh tokens rotate on each use. */
export function createXOAuth(config: XOAuthConfig = {}): PlatformOAuth {
  const resolved = resolveXConfig(config);
  const authorizeBase = (config.authorizeBaseUrl ?? 'https://x.com').replace(/\/+$/, '');
  const send = createSend('x', { fetch: resolved.fetch, timeoutMs: resolved.timeoutMs }, xOAuthError);
  const client = () => requireClient('x', config.oauth);
  return {
    platform: 'x',
    pkce: true,
    authorizeUrl: (req) =>
      withParams(`${authorizeBase}/i/oauth2/authorize`, {
        response_type: 'code',
        client_id: client().clientId,
        redirect_uri: req.redirectUri,
        scope: X_SCOPES,
        state: req.state,
        code_challenge: req.codeChallenge,
        code_challenge_method: 'S256',
      }),
    async connect(req) {
      const tokens = await token(send, resolved.baseUrl, client(), {
        grant_type: 'authorization_code',
        code: req.code,
        redirect_uri: req.redirectUri,
        code_verifier: req.codeVerifier ?? '',
      });
      const { data: me } = await send(
        { what: 'users/me', method: 'GET', url: `${resolved.baseUrl}/2/users/me`, token: tokens.accessToken },
        xUserMe,
      );
      return [{ externalId: me.data.id, displayName: `@${me.data.username}`, kind: 'member', tokens }];
    },
    refresh: async (account: ConnectorAccount) =>
      account.refreshToken
        ? token(send, resolved.baseUrl, client(), {
            grant_type: 'refresh_token',
            refresh_token: account.refreshToken,
          })
        : null,
  };
}
