import { PlatformError } from '../errors';
import { graphResponseError } from '../graph/graph-errors';
import { createSend } from '../http/send';
import { expiresIn, type PlatformOAuth } from '../oauth/oauth';
import { withParams } from '../oauth/pkce';
import { requireClient } from '../oauth/require-client';
import { type InstagramConnectorConfig, resolveInstagramConfig } from './instagram-config';
import { me, tokenResponse } from './instagram-schemas';

/** Scopes of Instagram Login to publish. */
export const INSTAGRAM_SCOPES = 'instagram_business_basic,instagram_business_content_publish';

/**
 * Instagram Login: a short-lived token from the code, traded at once for a 60-day one; only business
 * and creator accounts can publish (a personal one is refused). Refresh extends a token at least a day old.
 */
export function createInstagramOAuth(config?: InstagramConnectorConfig): PlatformOAuth {
  const resolved = resolveInstagramConfig(config);
  const send = createSend(
    'instagram',
    { fetch: resolved.fetch, timeoutMs: resolved.timeoutMs },
    graphResponseError('instagram'),
  );
  const client = () => requireClient('instagram', resolved.oauth);
  return {
    platform: 'instagram',
    pkce: false,
    authorizeUrl: (req) =>
      withParams(`${resolved.oauthBaseUrl}/oauth/authorize`, {
        client_id: client().clientId,
        redirect_uri: req.redirectUri,
        response_type: 'code',
        scope: INSTAGRAM_SCOPES,
        state: req.state,
      }),
    async connect(req) {
      const { clientId, clientSecret } = client();
      const form = new URLSearchParams({
        client_id: clientId,
        client_secret: clientSecret,
        grant_type: 'authorization_code',
        redirect_uri: req.redirectUri,
        code: req.code,
      });
      const { data: short } = await send(
        { what: 'code exchange', method: 'POST', url: `${resolved.oauthBaseUrl}/oauth/access_token`, form },
        tokenResponse,
      );
      const { data: long } = await send(
        {
          what: 'long-lived token',
          method: 'GET',
          url: `${resolved.baseUrl}/access_token`,
          token: short.access_token,
          query: { grant_type: 'ig_exchange_token', client_secret: clientSecret },
        },
        tokenResponse,
      );
      const { data: user } = await send(
        {
          what: 'account',
          method: 'GET',
          url: `${resolved.graph}/me`,
          token: long.access_token,
          query: { fields: 'user_id,username,account_type' },
        },
        me,
      );
      if (user.account_type !== 'BUSINESS' && user.account_type !== 'MEDIA_CREATOR') {
        throw new PlatformError({
          platform: 'instagram',
          kind: 'validation',
          message: `@${user.username} is not a business or creator account`,
          platformCode: 'not_business_account',
        });
      }
      return [
        {
          externalId: user.user_id,
          displayName: `@${user.username}`,
          kind: 'business',
          tokens: {
            accessToken: long.access_token,
            refreshToken: null,
            expiresAt: expiresIn(long.expires_in),
          },
        },
      ];
    },
    async refresh(account) {
      const { data } = await send(
        {
          what: 'token refresh',
          method: 'GET',
          url: `${resolved.baseUrl}/refresh_access_token`,
          token: account.accessToken,
          query: { grant_type: 'ig_refresh_token' },
        },
        tokenResponse,
      );
      return { accessToken: data.access_token, refreshToken: null, expiresAt: expiresIn(data.expires_in) };
    },
  };
}
