import { type ConnectorAccount } from '../connector';
import { type PlatformSend } from '../http/send';
import { type ConnectableAccount, expiresIn, type PlatformOAuth, type TokenSet } from '../oauth/oauth';
import { withParams } from '../oauth/pkce';
import { requireClient } from '../oauth/require-client';
import {
  type LinkedInConnectorConfig,
  type ResolvedLinkedInConfig,
  resolveLinkedInConfig,
} from './linkedin-config';
import { createLinkedInSend } from './linkedin-http';
import { organization, organizationAcls, tokenResponse, userinfo } from './linkedin-schemas';

/** Scopes to post as the member and as the organizations they administer. */
export const LINKEDIN_SCOPES = 'openid profile w_member_social w_organization_social r_organization_admin';

async function token(
  send: PlatformSend,
  config: ResolvedLinkedInConfig,
  form: Record<string, string>,
): Promise<TokenSet> {
  const client = requireClient('linkedin', config.oauth);
  const { data } = await send(
    {
      what: form.grant_type === 'refresh_token' ? 'token refresh' : 'code exchange',
      method: 'POST',
      url: `${config.oauthBaseUrl}/oauth/v2/accessToken`,
      form: new URLSearchParams({ ...form, client_id: client.clientId, client_secret: client.clientSecret }),
    },
    tokenResponse,
  );
  return {
    accessToken: data.access_token,
    refreshToken: data.refresh_token ?? null,
    expiresAt: expiresIn(data.expires_in),
  };
}

/** The member, then each organization they administer, all acting with the member's token. */
async function discover(
  send: PlatformSend,
  config: ResolvedLinkedInConfig,
  tokens: TokenSet,
): Promise<ConnectableAccount[]> {
  const auth = { token: tokens.accessToken };
  const { data: me } = await send(
    { what: 'userinfo', method: 'GET', url: `${config.baseUrl}/v2/userinfo`, ...auth },
    userinfo,
  );
  const accounts: ConnectableAccount[] = [
    { externalId: `urn:li:person:${me.sub}`, displayName: me.name ?? me.sub, kind: 'member', tokens },
  ];
  const { data: acls } = await send(
    {
      what: 'organizations',
      method: 'GET',
      url: `${config.baseUrl}/rest/organizationAcls`,
      query: { q: 'roleAssignee', role: 'ADMINISTRATOR', state: 'APPROVED' },
      ...auth,
    },
    organizationAcls,
  );
  for (const acl of acls.elements) {
    const id = acl.organization.split(':').pop() ?? '';
    const { data: org } = await send(
      { what: 'organization', method: 'GET', url: `${config.baseUrl}/rest/organizations/${id}`, ...auth },
      organization,
    );
    accounts.push({
      externalId: acl.organization,
      displayName: org.localizedName ?? acl.organization,
      kind: 'organization',
      tokens,
    });
  }
  return accounts;
}

/** LinkedIn's 3-legged OAuth (client secret, no PKCE); refresh only for approved partners. */
export function createLinkedInOAuth(config?: LinkedInConnectorConfig): PlatformOAuth {
  const resolved = resolveLinkedInConfig(config);
  const send = createLinkedInSend(resolved);
  return {
    platform: 'linkedin',
    pkce: false,
    authorizeUrl: (req) =>
      withParams(`${resolved.oauthBaseUrl}/oauth/v2/authorization`, {
        response_type: 'code',
        client_id: requireClient('linkedin', resolved.oauth).clientId,
        redirect_uri: req.redirectUri,
        state: req.state,
        scope: LINKEDIN_SCOPES,
      }),
    async connect(req) {
      const tokens = await token(send, resolved, {
        grant_type: 'authorization_code',
        code: req.code,
        redirect_uri: req.redirectUri,
      });
      return discover(send, resolved, tokens);
    },
    refresh: async (account: ConnectorAccount) =>
      account.refreshToken
        ? token(send, resolved, { grant_type: 'refresh_token', refresh_token: account.refreshToken })
        : null,
  };
}
