import Router from '@koa/router';
import { Membership } from '@vibetribe/database';
import type { AppContext, AppState, GatewayDeps } from '../../context';
import { assertRole, requireRole } from '../../lib/access';
import { namedOrg, organizationRequired } from '../../lib/acting-org';
import { routeGroup } from '../../lib/api';
import { isOperator } from '../../lib/operator';
import { OrgHeader } from '../posts/schema';
import { QueueStatsSchema } from './schema';
import { mediaQueueCounts, postsDueNextHour, workflowCounts } from './stats';

/** Whose counts a caller sees: every organization's (null) or one's, and whether the system-wide queue too. */
interface StatsScope {
  orgId: string | null;
  operator: boolean;
}

/**
 * A system operator sees every organization (or the one X-Organization-Id names) and the media
 * queue; an organization's owner or admin sees that organization only (a non-member gets 404, a
 * weaker role 403), like every other organization-scoped view.
 */
async function statsScope(ctx: AppContext, deps: GatewayDeps): Promise<StatsScope> {
  const header = namedOrg(ctx);
  if (await isOperator(ctx, deps)) return { orgId: header, operator: true };
  const { em } = ctx.state;
  const userId = ctx.state.user!.id;
  if (header) {
    await requireRole(em, userId, header, 'admin');
    return { orgId: header, operator: false };
  }
  const memberships = await em.find(Membership, { user: userId }, { limit: 2 });
  if (memberships.length !== 1) throw organizationRequired();
  assertRole(memberships[0]!, 'admin');
  return { orgId: memberships[0]!.organization.id, operator: false };
}

/** `/queues/stats`: publishing workflows by status, posts due soon and the media queue. */
export function queueRoutes(deps: GatewayDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/queues' });
  const route = routeGroup(router, '/api/v1/queues');

  route({
    method: 'get',
    path: '/stats',
    summary:
      'Queue monitoring: publishing workflows by status (Temporal visibility), posts due in the next hour, the media queue (operators)',
    tags: ['operations'],
    auth: true,
    headers: OrgHeader,
    responses: {
      200: {
        description: 'The counts, of the organization or (operators) of the system',
        schema: QueueStatsSchema,
      },
      403: { description: 'Not an owner or admin of the organization, nor a system operator' },
      422: { description: 'No organization named, and the caller belongs to several' },
    },
    handler: async (ctx) => {
      const { orgId, operator } = await statsScope(ctx, deps);
      // Independent reads at once: the answer takes as long as the slowest.
      const [workflows, due, media] = await Promise.all([
        workflowCounts(deps.ops.temporal, orgId),
        postsDueNextHour(ctx.state.em, orgId),
        operator ? mediaQueueCounts(deps.media.queue) : Promise.resolve(null),
      ]);
      ctx.body = {
        scope: orgId ? 'organization' : 'system',
        organization_id: orgId,
        workflows,
        posts_due_next_hour: due,
        media_queue: media,
        generated_at: new Date().toISOString(),
      };
    },
  });
  return router;
}
