import { graphResponseError } from '../graph/graph-errors';
import { createSend } from '../http/send';
import { type PlatformOAuth } from '../oauth/oauth';
import { withParams } from '../oauth/pkce';
import { requireClient } from '../oauth/require-client';
import { type FacebookConnectorConfig, resolveFacebookConfig } from './facebook-config';
import { pages, tokenResponse } from './facebook-schemas';

/** Permissions to list the user's pages and publish to them. */
export const FACEBOOK_SCOPES = 'pages_show_list,pages_read_engagement,pages_manage_posts,publish_video';

/**
 * Facebook Login: the code becomes a short-lived user token, then a long-lived one; the user's pages
 * (those they may create content on) come with page tokens that do not expire, so there is no refresh.
 */
export function createFacebookOAuth(config?: FacebookConnectorConfig): PlatformOAuth {
  const resolved = resolveFacebookConfig(config);
  const send = createSend(
    'facebook',
    { fetch: resolved.fetch, timeoutMs: resolved.timeoutMs },
    graphResponseError('facebook'),
  );
  const client = () => requireClient('facebook', resolved.oauth);
  return {
    platform: 'facebook',
    pkce: false,
    authorizeUrl: (req) =>
      withParams(`${resolved.dialogBaseUrl}/${resolved.version}/dialog/oauth`, {
        client_id: client().clientId,
        redirect_uri: req.redirectUri,
        state: req.state,
        scope: FACEBOOK_SCOPES,
        response_type: 'code',
      }),
    async connect(req) {
      const { clientId, clientSecret } = client();
      const url = `${resolved.graph}/oauth/access_token`;
      const common = { client_id: clientId, client_secret: clientSecret };
      const { data: short } = await send(
        {
          what: 'code exchange',
          method: 'GET',
          url,
          query: { ...common, redirect_uri: req.redirectUri, code: req.code },
        },
        tokenResponse,
      );
      const { data: long } = await send(
        {
          what: 'long-lived token',
          method: 'GET',
          url,
          query: { ...common, grant_type: 'fb_exchange_token', fb_exchange_token: short.access_token },
        },
        tokenResponse,
      );
      const { data } = await send(
        {
          what: 'pages',
          method: 'GET',
          url: `${resolved.graph}/me/accounts`,
          token: long.access_token,
          query: { fields: 'id,name,access_token,tasks' },
        },
        pages,
      );
      return data.data
        .filter((p) => (p.tasks ?? ['CREATE_CONTENT']).includes('CREATE_CONTENT'))
        .map((p) => ({
          externalId: p.id,
          displayName: p.name,
          kind: 'page',
          tokens: { accessToken: p.access_token, refreshToken: null, expiresAt: null },
        }));
    },
    refresh: () => Promise.resolve(null),
  };
}
