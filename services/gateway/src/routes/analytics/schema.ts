import { z } from '../../lib/zod';

const instant = z.iso
  .datetime({ offset: true })
  .openapi({ description: 'ISO-8601 with an offset, e.g. 2026-12-01T09:00:00+01:00' });

/** Counters by name (likes, reposts, replies, impressions, …), as the platforms report them. */
const Metrics = z.record(z.string(), z.number()).openapi('AnalyticsMetrics');

export const AnalyticsPostParams = z.strictObject({ id: z.uuid() });

export const AnalyticsRangeQuery = z
  .strictObject({
    from: instant.optional().openapi({ description: 'Collected at or after; default: 30 days before `to`' }),
    to: instant.optional().openapi({ description: 'Collected before; default: now' }),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: 'from must be before to',
    path: ['from'],
  });

const SnapshotSchema = z.object({
  collected_at: z.string(),
  granularity: z.enum(['raw', 'hour', 'day']),
  metrics: Metrics,
});

export const PostAnalyticsSchema = z
  .object({
    post_id: z.uuid(),
    targets: z.array(
      z.object({
        target_id: z.uuid(),
        account_id: z.uuid(),
        platform: z.string(),
        latest: SnapshotSchema.nullable(),
        snapshots: z.array(SnapshotSchema).openapi({ description: 'Oldest first' }),
      }),
    ),
  })
  .openapi('PostAnalytics');

const Totals = { targets: z.number().int().min(0), metrics: Metrics };

export const AnalyticsOverviewSchema = z
  .object({
    organization_id: z.uuid(),
    from: z.string(),
    to: z.string(),
    totals: z.object(Totals),
    by_account: z.array(
      z.object({
        account_id: z.uuid(),
        platform: z.string(),
        display_name: z.string().nullable(),
        ...Totals,
      }),
    ),
    by_platform: z.array(z.object({ platform: z.string(), ...Totals })),
  })
  .openapi('AnalyticsOverview');
