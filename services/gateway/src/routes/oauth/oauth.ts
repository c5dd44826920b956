import Router from '@koa/router';
import {
  createOAuthFromEnv,
  isPlatformError,
  loadPlatformEnv,
  type Platform,
  type PlatformOAuth,
} from '@vibetribe/platforms';
import { createPkcePair } from '@vibetribe/platforms';
import type { AppState, GatewayDeps } from '../../context';
import { Problem } from '../../errors';
import { requireRole } from '../../lib/access';
import { routeGroup } from '../../lib/api';
import { savePageSelection } from './page-selection';
import { pageSelectionRoutes } from './selections';
import { storeConnected } from './store-connected';
import { saveState, STATE_TTL_S, takeState } from './oauth-state';
import { CallbackParams, CallbackQuery, ConnectParams, ConnectResponse } from './schema';

const notConfigured = (platform: string) =>
  new Problem(
    422,
    'platform-not-configured',
    'Platform not configured',
    `${platform} has no OAuth client configured.`,
  );
const invalidState = () =>
  new Problem(
    400,
    'oauth-state-invalid',
    'Invalid OAuth state',
    'The state is unknown, expired or already used.',
  );

/** Where the browser lands after the callback, with the outcome in the query. */
function resultUrl(deps: GatewayDeps, outcome: Record<string, string>): string {
  const url = new URL(deps.env.OAUTH_RESULT_URL ?? `${deps.env.PUBLIC_URL}/`);
  for (const [key, value] of Object.entries(outcome)) url.searchParams.set(key, value);
  return url.toString();
}

/**
 * OAuth connect flows. `POST /organizations/:orgId/accounts/:platform/connect` (admin) answers with
 * the platform's authorize URL (a browser navigation carries no Bearer token, so it is not a redirect);
 * the unauthenticated `GET /oauth/:platform/callback` trusts only `state`, which it takes once.
 */
export function oauthRoutes(
  deps: GatewayDeps,
  clients?: Partial<Record<Platform, PlatformOAuth>>,
): Router<AppState>[] {
  const platformEnv = loadPlatformEnv();
  const oauth = clients ?? createOAuthFromEnv(platformEnv);
  const sandbox = new Set(platformEnv.SANDBOX_PLATFORMS);
  const callbackUri = (platform: Platform) => `${deps.env.PUBLIC_URL}/api/v1/oauth/${platform}/callback`;

  const connect = new Router<AppState>({ prefix: '/organizations/:orgId/accounts' });
  routeGroup(
    connect,
    '/api/v1/organizations/:orgId/accounts',
  )({
    method: 'post',
    path: '/:platform/connect',
    summary:
      "Start connecting an account through the platform's OAuth (admin): the URL to send the browser to",
    tags: ['accounts'],
    auth: true,
    request: { params: ConnectParams },
    responses: {
      200: { description: 'Authorize URL', schema: ConnectResponse },
      422: { description: 'The platform has no OAuth client configured' },
    },
    handler: async (ctx) => {
      const { orgId, platform } = ctx.state.input.params;
      await requireRole(ctx.state.em, ctx.state.user!.id, orgId, 'admin');
      const client = oauth[platform];
      if (!client) throw notConfigured(platform);
      const pkce = client.pkce ? createPkcePair() : undefined;
      const redirectUri = callbackUri(platform);
      const state = await saveState(deps.redis, {
        platform,
        userId: ctx.state.user!.id,
        orgId,
        redirectUri,
        ...(pkce ? { codeVerifier: pkce.verifier } : {}),
      });
      ctx.body = {
        authorize_url: client.authorizeUrl({
          state,
          redirectUri,
          ...(pkce ? { codeChallenge: pkce.challenge } : {}),
        }),
        state_expires_at: new Date(Date.now() + STATE_TTL_S * 1000).toISOString(),
      };
    },
  });

  pageSelectionRoutes(connect, deps, sandbox);

  const callback = new Router<AppState>({ prefix: '/oauth' });
  routeGroup(
    callback,
    '/api/v1/oauth',
  )({
    method: 'get',
    path: '/:platform/callback',
    summary: "The platform's redirect after consent: stores the account(s), then redirects to the front end",
    tags: ['accounts'],
    auth: false,
    request: { params: CallbackParams, query: CallbackQuery },
    responses: {
      302: { description: 'To the front end, with the outcome' },
      400: { description: 'Unknown, replayed or forged state' },
    },
    handler: async (ctx) => {
      const { platform } = ctx.state.input.params;
      const { state, code, error } = ctx.state.input.query;
      const pending = await takeState(deps.redis, state);
      const client = oauth[platform];
      if (!pending || pending.platform !== platform || !client) throw invalidState();
      if (error || !code) {
        ctx.redirect(resultUrl(deps, { oauth: 'denied', platform }));
        return;
      }
      try {
        // The member may have lost admin rights while on the consent screen.
        await requireRole(ctx.state.em, pending.userId, pending.orgId, 'admin');
        const found = await client.connect({
          code,
          redirectUri: pending.redirectUri,
          ...(pending.codeVerifier ? { codeVerifier: pending.codeVerifier } : {}),
        });
        // Facebook: the user picks which of the pages found to connect (GET/POST …/facebook/selections/:id).
        if (platform === 'facebook') {
          const owner = { userId: pending.userId, orgId: pending.orgId };
          const selection = await savePageSelection(deps.redis, deps.secrets, owner, found);
          ctx.redirect(resultUrl(deps, { oauth: 'select', platform, selection }));
          return;
        }
        const stored = await ctx.state.em.transactional((em) =>
          storeConnected(em, deps, pending.orgId, platform, found, sandbox.has(platform)),
        );
        ctx.redirect(
          resultUrl(deps, { oauth: 'connected', platform, accounts: stored.map((a) => a.id).join(',') }),
        );
      } catch (err) {
        // Never the platform's raw answer: it may echo a code or a token.
        const reason = isPlatformError(err) ? (err.platformCode ?? err.kind) : 'internal';
        deps.logger.warn({ platform, orgId: pending.orgId, reason }, 'oauth connect failed');
        ctx.redirect(resultUrl(deps, { oauth: 'error', platform, reason }));
      }
    },
  });
  return [connect, callback];
}
