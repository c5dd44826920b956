import type Router from '@koa/router';
import type { Platform } from '@vibetribe/platforms';
import type { AppState, GatewayDeps } from '../../context';
import { Problem, unprocessable } from '../../errors';
import { requireRole } from '../../lib/access';
import { routeGroup } from '../../lib/api';
import { z } from '../../lib/zod';
import { presentAccount } from '../accounts/accounts';
import { AccountSchema } from '../accounts/schema';
import { chosenPages, pageSelection } from './page-selection';
import { ChoosePagesBody, PageSelectionResponse, SelectionParams } from './schema';
import { storeConnected } from './store-connected';

const selectionNotFound = () =>
  new Problem(
    404,
    'oauth-selection-not-found',
    'Page selection not found',
    'The selection is unknown, expired or already used.',
  );

/**
 * Facebook page selection (admin): after a Facebook connect, `GET …/facebook/selections/:id` lists
 * the pages found (no tokens) and `POST` with `page_ids` connects those only, once. A selection belongs
 * to the user and organization that started the connect; anyone else gets 404.
 */
export function pageSelectionRoutes(router: Router<AppState>, deps: GatewayDeps, sandbox: Set<Platform>) {
  const route = routeGroup(router, '/api/v1/organizations/:orgId/accounts');
  route({
    method: 'get',
    path: '/facebook/selections/:selectionId',
    summary: 'The Facebook pages a connect found, to choose from (admin; the user who connected)',
    tags: ['accounts'],
    auth: true,
    request: { params: SelectionParams },
    responses: {
      200: { description: 'Pages', schema: PageSelectionResponse },
      404: { description: 'Unknown, expired, used, or not yours' },
    },
    handler: async (ctx) => {
      const { orgId, selectionId } = ctx.state.input.params;
      const userId = ctx.state.user!.id;
      await requireRole(ctx.state.em, userId, orgId, 'admin');
      const selection = await pageSelection(deps.redis, selectionId, { userId, orgId });
      if (!selection) throw selectionNotFound();
      ctx.body = {
        pages: selection.pages.map((p) => ({
          page_id: p.externalId,
          display_name: p.displayName,
          kind: p.kind,
        })),
        expires_at: selection.expiresAt,
      };
    },
  });

  route({
    method: 'post',
    path: '/facebook/selections/:selectionId',
    summary: 'Connect the chosen Facebook pages of a selection (admin; once)',
    tags: ['accounts'],
    auth: true,
    request: { params: SelectionParams, body: ChoosePagesBody },
    responses: {
      201: { description: 'Connected', schema: z.object({ data: z.array(AccountSchema) }).strict() },
      404: { description: 'Unknown, expired, already used, or not yours' },
      422: { description: 'A page id the selection does not hold' },
    },
    handler: async (ctx) => {
      const { orgId, selectionId } = ctx.state.input.params;
      const { page_ids: pageIds } = ctx.state.input.body;
      const userId = ctx.state.user!.id;
      await requireRole(ctx.state.em, userId, orgId, 'admin');
      const owner = { userId, orgId };
      // Checked before it is taken, so a typo does not spend the selection.
      const seen = await pageSelection(deps.redis, selectionId, owner);
      if (!seen) throw selectionNotFound();
      const unknown = pageIds.filter((id) => !seen.pages.some((p) => p.externalId === id));
      if (unknown.length > 0) {
        throw unprocessable('page-not-in-selection', `Not among the pages found: ${unknown.join(', ')}.`);
      }
      const selection = await pageSelection(deps.redis, selectionId, owner, true);
      if (!selection) throw selectionNotFound();
      const chosen = chosenPages(deps.secrets, selectionId, selection, pageIds);
      const stored = await ctx.state.em.transactional((em) =>
        storeConnected(em, deps, orgId, 'facebook', chosen, sandbox.has('facebook')),
      );
      ctx.status = 201;
      ctx.body = { data: stored.map(presentAccount) };
    },
  });
}
