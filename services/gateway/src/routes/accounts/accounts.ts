import Router from '@koa/router';
import { SocialAccount } from '@vibetribe/database';
import { loadPlatformEnv, type Platform } from '@vibetribe/platforms';
import type { AppState, GatewayDeps } from '../../context';
import { conflict } from '../../errors';
import { requireRole } from '../../lib/access';
import { routeGroup } from '../../lib/api';
import { IdempotencyHeaders, withIdempotency } from '../../lib/idempotency';
import { z } from '../../lib/zod';
import { OrgParams } from '../organizations/schema';
import { endAccountTokens, storeAccountTokens } from '../../lib/account-tokens';
import { disconnectAccount } from './disconnect';
import { AccountParams, AccountSchema, ConnectAccountBody } from './schema';

/** A social account as the API shows it: tokens never leave the server. */
export const presentAccount = (a: SocialAccount) => ({
  id: a.id,
  organization_id: a.organization.id,
  platform: a.platform as Platform,
  external_id: a.externalId,
  display_name: a.displayName,
  status: a.status,
  token_expires_at: a.tokenExpiresAt?.toISOString() ?? null,
  sandbox: a.sandbox,
  created_at: a.createdAt.toISOString(),
});

/** `/organizations/:orgId/accounts`: connected social accounts (tokens entered by hand until OAuth lands). */
export function accountRoutes(deps: GatewayDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/organizations/:orgId/accounts' });
  const prefix = '/api/v1/organizations/:orgId/accounts';
  // Tokens entered by hand for a platform served by an emulator act on the emulator too.
  const sandbox = new Set<string>(loadPlatformEnv().SANDBOX_PLATFORMS);
  const route = routeGroup(router, prefix);
  const tags = ['accounts'];

  route({
    method: 'get',
    path: '/',
    summary: "The organization's social accounts",
    tags,
    auth: true,
    request: { params: OrgParams },
    responses: { 200: { description: 'Accounts', schema: z.object({ data: z.array(AccountSchema) }) } },
    handler: async (ctx) => {
      const { orgId } = ctx.state.input.params;
      await requireRole(ctx.state.em, ctx.state.user!.id, orgId, 'viewer');
      const accounts = await ctx.state.em.find(
        SocialAccount,
        { organization: orgId },
        { orderBy: { createdAt: 'asc' } },
      );
      ctx.body = { data: accounts.map(presentAccount) };
    },
  });

  route({
    method: 'post',
    path: '/',
    summary: 'Connect a social account with its tokens (admin); tokens are encrypted at rest',
    tags,
    auth: true,
    request: { params: OrgParams, body: ConnectAccountBody },
    headers: IdempotencyHeaders,
    responses: { 201: { description: 'Connected', schema: AccountSchema } },
    handler: (ctx) =>
      withIdempotency(ctx, async (em) => {
        const { orgId } = ctx.state.input.params;
        const body = ctx.state.input.body;
        const m = await requireRole(em, ctx.state.user!.id, orgId, 'admin');
        const known = await em.findOne(SocialAccount, {
          organization: orgId,
          platform: body.platform,
          externalId: body.external_id,
        });
        if (known && known.status !== 'disconnected') {
          throw conflict('account-exists', 'This account is already connected.');
        }
        // Connecting a disconnected account again brings it back as the same account, with its history.
        const account =
          known ?? new SocialAccount(m.organization, body.platform, body.external_id, body.display_name, '');
        account.displayName = body.display_name;
        account.sandbox = sandbox.has(body.platform);
        // The first store, or the account's token workflow's `reconnected` update.
        await storeAccountTokens(
          em,
          deps,
          account,
          {
            accessToken: body.access_token,
            refreshToken: body.refresh_token ?? null,
            expiresAt: body.token_expires_at ? new Date(body.token_expires_at) : null,
          },
          !known,
        );
        Object.assign(account, { status: 'connected', disconnectedAt: null });
        await em.persist(account).flush();
        return { status: 201, body: presentAccount(account) };
      }),
  });

  route({
    method: 'delete',
    path: '/:accountId',
    summary: 'Disconnect a social account (admin): its unpublished targets are cancelled, its history stays',
    tags,
    auth: true,
    request: { params: AccountParams },
    responses: { 204: { description: 'Disconnected' } },
    handler: async (ctx) => {
      const { orgId, accountId } = ctx.state.input.params;
      const userId = ctx.state.user!.id;
      const done = await ctx.state.em.transactional(async (em) => {
        await requireRole(em, userId, orgId, 'admin');
        return disconnectAccount(em, deps, userId, orgId, accountId);
      });
      if (done) await endAccountTokens(deps, accountId);
      ctx.status = 204;
    },
  });

  return router;
}
