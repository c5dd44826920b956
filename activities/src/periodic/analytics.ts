import {
  AnalyticsSnapshot,
  enqueueEvents,
  Organization,
  type OutboxEvent,
  runStatement,
  statement,
} from '@vibetribe/database';
import { decryptAccountTokens } from '@vibetribe/runtime';
import type { PostMetrics } from '@vibetribe/platforms';
import {
  analyticsSubject,
  AnalyticsUpdatedSchema,
  create,
  eventRecord,
  timestampFromDate,
} from '@vibetribe/proto';
import type { AnalyticsSyncReport } from '@vibetribe/workflows';
import type { PeriodicDeps } from './deps';
import { beat } from './heartbeat';

/** Published targets of live posts on connected accounts, published within the window. */
const PUBLISHED_TARGETS = statement(
  'analytics-published-targets',
  `select t.id as "targetId", t.post_id as "postId", p.organization_id as "organizationId",
     t.account_id as "accountId", t.platform, t.platform_post_id as "platformPostId",
     a.external_id as "externalId", a.access_token_enc as "accessTokenEnc",
     a.refresh_token_enc as "refreshTokenEnc"
   from post_targets t
   join posts p on p.id = t.post_id
   join social_accounts a on a.id = t.account_id
   where t.status = 'published' and t.platform_post_id is not null and p.deleted_at is null
     and a.status = 'connected' and t.published_at > now() - make_interval(days => ?)
   order by t.published_at`,
);

interface PublishedTarget {
  targetId: string;
  postId: string;
  organizationId: string;
  accountId: string;
  platform: string;
  platformPostId: string;
  externalId: string;
  accessTokenEnc: string;
  refreshTokenEnc: string | null;
}

/** The connector's counters as a map, without the ones the platform does not report. */
function counters(m: PostMetrics): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => typeof v === 'number'));
}

/** `vt.<org>.analytics.updated` (realtime: `analytics-update`), written with the snapshot it reports. */
function analyticsEvent(t: PublishedTarget, metrics: Record<string, number>, at: Date): OutboxEvent {
  return eventRecord(
    analyticsSubject(t.organizationId, 'updated'),
    AnalyticsUpdatedSchema,
    create(AnalyticsUpdatedSchema, {
      organizationId: t.organizationId,
      postId: t.postId,
      targetId: t.targetId,
      platform: t.platform,
      metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, BigInt(v)])),
      collectedAt: timestampFromDate(at),
    }),
  );
}

/**
 * The analytics sync: each published target's counters through its platform's connector, appended
 * as a snapshot (history, not only the latest value) with its event, in one transaction. A platform without a connector
 * is skipped; one target's failure is counted and logged, and the others go on.
 */
export function syncAnalytics(deps: PeriodicDeps) {
  return async (): Promise<AnalyticsSyncReport> => {
    const em = deps.orm.em.fork();
    const targets = await runStatement<PublishedTarget>(em, PUBLISHED_TARGETS, [
      deps.settings.analyticsWindowDays,
    ]);
    let snapshots = 0;
    let failures = 0;
    for (const t of targets) {
      const connector = deps.connectors[t.platform];
      if (!connector) continue;
      try {
        const metrics = counters(
          await connector.metrics(
            {
              externalId: t.externalId,
              ...decryptAccountTokens(deps.secrets, t),
            },
            t.platformPostId,
          ),
        );
        const collectedAt = new Date();
        const row = new AnalyticsSnapshot(em.getReference(Organization, t.organizationId), {
          ...t,
          collectedAt,
          metrics,
        });
        await em.transactional(async (tx) => {
          tx.persist(row);
          await enqueueEvents(tx, [analyticsEvent(t, metrics, collectedAt)]);
        });
        snapshots += 1;
      } catch (err) {
        failures += 1;
        deps.logger.warn({ err, targetId: t.targetId, platform: t.platform }, 'metrics not collected');
      }
      beat({ snapshots, failures });
    }
    return { targets: targets.length, snapshots, failures };
  };
}
