import Router from '@koa/router';
import { type AnalyticsSnapshot, Post } from '@vibetribe/database';
import type { AppState } from '../../context';
import { notFound } from '../../errors';
import { requireRole } from '../../lib/access';
import { actingOrg } from '../../lib/acting-org';
import { routeGroup } from '../../lib/api';
import { OrgHeader } from '../posts/schema';
import { addReading, latestReadings, postSnapshots, type Totals } from './queries';
import {
  AnalyticsOverviewSchema,
  AnalyticsPostParams,
  AnalyticsRangeQuery,
  PostAnalyticsSchema,
} from './schema';

/** The overview's default range when `from` is absent: the 30 days before `to`. */
const DEFAULT_RANGE_MS = 30 * 86_400_000;

const presentSnapshot = (s: AnalyticsSnapshot) => ({
  collected_at: s.collectedAt.toISOString(),
  granularity: s.granularity,
  metrics: s.metrics,
});

const emptyTotals = (): Totals => ({ targets: 0, metrics: {} });

/** `/analytics`: a post's engagement over time, and an organization's totals over a range. */
export function analyticsRoutes(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/analytics' });
  const route = routeGroup(router, '/api/v1/analytics');
  const tags = ['analytics'];

  route({
    method: 'get',
    path: '/posts/:id',
    summary: "A post's engagement over time: each target's snapshots (hourly sync), oldest first",
    tags,
    auth: true,
    request: { params: AnalyticsPostParams, query: AnalyticsRangeQuery },
    responses: {
      200: { description: "The post's targets and their snapshots", schema: PostAnalyticsSchema },
    },
    handler: async (ctx) => {
      const { em } = ctx.state;
      const { params, query } = ctx.state.input;
      const post = await em.findOne(Post, { id: params.id, deletedAt: null }, { populate: ['targets'] });
      if (!post) throw notFound('Post');
      await requireRole(em, ctx.state.user!.id, post.organization.id, 'viewer', 'Post');
      const snapshots = await postSnapshots(
        em,
        post.id,
        query.from ? new Date(query.from) : null,
        query.to ? new Date(query.to) : null,
      );
      ctx.body = {
        post_id: post.id,
        targets: post.targets.getItems().map((t) => {
          const own = snapshots.filter((s) => s.targetId === t.id).map(presentSnapshot);
          return {
            target_id: t.id,
            account_id: t.account.id,
            platform: t.platform,
            latest: own.at(-1) ?? null,
            snapshots: own,
          };
        }),
      };
    },
  });

  route({
    method: 'get',
    path: '/overview',
    summary:
      "The organization's engagement over a range, per account and per platform: each target's latest snapshot in the range, summed",
    tags,
    auth: true,
    headers: OrgHeader,
    request: { query: AnalyticsRangeQuery },
    responses: {
      200: { description: 'Totals', schema: AnalyticsOverviewSchema },
      422: { description: 'No organization named, and the caller belongs to several' },
    },
    handler: async (ctx) => {
      const membership = await actingOrg(ctx, 'viewer');
      const { query } = ctx.state.input;
      const to = query.to ? new Date(query.to) : new Date();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
      const orgId = membership.organization.id;
      const readings = await latestReadings(ctx.state.em, orgId, from, to);
      const totals = emptyTotals();
      const byAccount = new Map<string, Totals & { platform: string; display_name: string | null }>();
      const byPlatform = new Map<string, Totals>();
      for (const r of readings) {
        addReading(totals, r.metrics);
        const account = byAccount.get(r.account_id) ?? {
          ...emptyTotals(),
          platform: r.platform,
          display_name: r.display_name,
        };
        byAccount.set(r.account_id, addReading(account, r.metrics));
        byPlatform.set(r.platform, addReading(byPlatform.get(r.platform) ?? emptyTotals(), r.metrics));
      }
      ctx.body = {
        organization_id: orgId,
        from: from.toISOString(),
        to: to.toISOString(),
        totals,
        by_account: [...byAccount].map(([account_id, t]) => ({ account_id, ...t })),
        by_platform: [...byPlatform].map(([platform, t]) => ({ platform, ...t })),
      };
    },
  });
  return router;
}
