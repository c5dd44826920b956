import { type KitContext, type KitReply } from '../kit/kit-route';
import { readFields, textField } from '../kit/kit-fields';
import { issueTokens, oauthError, redeemCode, refreshTokens } from '../kit/kit-oauth';
import { linkedinProblem } from './linkedin-problems';

/** `urn:li:person:<id>` or `urn:li:organization:<id>`: the accounts LinkedIn posts as. */
export const personUrn = (id: string) => `urn:li:person:${id}`;
export const organizationUrn = (id: string) => `urn:li:organization:${id}`;

/** `POST /oauth/v2/accessToken` (form): the code grant, or `refresh_token` (the refresh token keeps its expiry). */
export async function accessToken(ctx: KitContext): Promise<KitReply> {
  const fields = await readFields(ctx);
  const f = (name: string) => textField(fields, name);
  if (!f('client_secret')) throw oauthError('invalid_client', 'client_secret is required', 401);
  if (f('grant_type') === 'refresh_token') {
    const r = refreshTokens(ctx, f('refresh_token'), false);
    return {
      status: 200,
      body: {
        access_token: r.access.token,
        expires_in: r.expiresIn,
        refresh_token: r.refreshToken,
        refresh_token_expires_in: 365 * 86400,
      },
    };
  }
  if (f('grant_type') !== 'authorization_code')
    throw oauthError('unsupported_grant_type', 'grant_type is not supported');
  const { accountId, scope } = redeemCode(ctx, {
    code: f('code'),
    clientId: f('client_id'),
    redirectUri: f('redirect_uri'),
  });
  const issued = issueTokens(ctx, accountId, true, scope);
  return {
    status: 200,
    body: {
      access_token: issued.access.token,
      expires_in: issued.expiresIn,
      refresh_token: issued.refreshToken,
      refresh_token_expires_in: 365 * 86400,
      scope: scope ?? '',
    },
  };
}

/** `GET /v2/userinfo` (OpenID Connect): the member behind the token. */
export function userinfo(ctx: KitContext): KitReply {
  const member = ctx.state.accounts.get(ctx.token.accountId);
  if (!member) throw linkedinProblem(401, 'invalid_token');
  return { status: 200, body: { sub: member.id, name: member.name, email_verified: false } };
}

/** `GET /rest/organizationAcls?q=roleAssignee`: the organizations the member administers. */
export function organizationAcls(ctx: KitContext): KitReply {
  const member = ctx.token.accountId;
  const elements = [...ctx.state.accounts.values()]
    .filter((a) => a.type === 'organization' && a.ownerId === member)
    .map((a) => ({
      organization: organizationUrn(a.id),
      role: 'ADMINISTRATOR',
      state: 'APPROVED',
      roleAssignee: personUrn(member),
    }));
  return { status: 200, body: { elements, paging: { count: elements.length, start: 0 } } };
}

/** `GET /rest/organizations/:id`. */
export function organization(ctx: KitContext): KitReply {
  const org = ctx.state.accounts.get(ctx.params[0] ?? '');
  if (!org || org.type !== 'organization') throw linkedinProblem(404, 'not_found');
  return { status: 200, body: { id: Number(org.id), localizedName: org.name } };
}

/** Whether the token's member may post as `author` (themself, or an organization they administer). */
export function mayPostAs(ctx: KitContext, author: string): boolean {
  const member = ctx.token.accountId;
  if (author === personUrn(member)) return true;
  const org = /^urn:li:organization:(.+)$/.exec(author)?.[1];
  const found = org === undefined ? undefined : ctx.state.accounts.get(org);
  return found?.type === 'organization' && found.ownerId === member;
}
