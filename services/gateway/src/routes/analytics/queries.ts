import { AnalyticsSnapshot, type EntityManager, runStatement, statement } from '@vibetribe/database';

/** `to_timestamp` of epoch milliseconds: any instant JavaScript holds (see the posts list). */
const INSTANT = 'to_timestamp(?::float8 / 1000)';

/** A post's snapshots in the range, oldest first. */
export function postSnapshots(em: EntityManager, postId: string, from: Date | null, to: Date | null) {
  return em.find(
    AnalyticsSnapshot,
    {
      postId,
      ...(from || to ? { collectedAt: { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) } } : {}),
    },
    { orderBy: { collectedAt: 'asc', id: 'asc' } },
  );
}

/** One target's latest reading within the range, with its account. */
export interface LatestReading {
  target_id: string;
  account_id: string;
  platform: string;
  display_name: string | null;
  metrics: Record<string, number>;
}

// The newest snapshot of each target collected in the range (counters are cumulative, so the latest
// reading is the target's total); the account's name when it still exists.
const LATEST_IN_RANGE = statement(
  'analytics-latest-in-range',
  `SELECT DISTINCT ON (s.target_id) s.target_id, s.account_id, s.platform, a.display_name, s.metrics
     FROM analytics_snapshots s
     LEFT JOIN social_accounts a ON a.id = s.account_id
    WHERE s.organization_id = ? AND s.collected_at >= ${INSTANT} AND s.collected_at < ${INSTANT}
    ORDER BY s.target_id, s.collected_at DESC`,
);

/** Every target's latest reading in `[from, to)` of one organization. */
export const latestReadings = (em: EntityManager, orgId: string, from: Date, to: Date) =>
  runStatement<LatestReading>(em, LATEST_IN_RANGE, [orgId, from.getTime(), to.getTime()]);

/** A group's totals: how many targets, and each counter summed. */
export interface Totals {
  targets: number;
  metrics: Record<string, number>;
}

/** Adds one reading to a group's totals. */
export function addReading<T extends Totals>(totals: T, metrics: Record<string, number>): T {
  totals.targets += 1;
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value === 'number') totals.metrics[name] = (totals.metrics[name] ?? 0) + value;
  }
  return totals;
}
