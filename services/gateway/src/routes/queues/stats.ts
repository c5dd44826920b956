import type { Client } from '@temporalio/client';
import type { Queue } from 'bull';
import { type EntityManager, runStatement, statement } from '@vibetribe/database';
import { SEARCH_ATTRIBUTES } from '@vibetribe/workflows';
import { dependencyUnavailable } from '../../errors';
import { withDeadline } from '../../lib/deadline';
import type { QueueStats } from './schema';

/**
 * How long the stats wait for Temporal or Redis before answering 503: above the 500 ms the view
 * must answer in (one grouped count takes ~20 ms with 10,000 workflows), well below a client's patience.
 */
export const STATS_DEADLINE_MS = 1_000;

/** Visibility's execution statuses, as the response names them. */
const STATUS_KEYS: Record<string, keyof Omit<QueueStats['workflows'], 'total'>> = {
  Running: 'running',
  Completed: 'completed',
  Failed: 'failed',
  Canceled: 'canceled',
  Terminated: 'terminated',
  TimedOut: 'timed_out',
  ContinuedAsNew: 'continued_as_new',
};

/**
 * Publishing workflows by status: one count query grouped by `ExecutionStatus` (the server counts,
 * nothing is listed), of one organization's (`VtOrgId`) or of all. 503 when Temporal does not answer
 * within the deadline.
 */
export async function workflowCounts(client: Client, orgId: string | null): Promise<QueueStats['workflows']> {
  // orgId is a validated UUID: nothing to escape.
  const scope = orgId ? ` AND ${SEARCH_ATTRIBUTES.organizationId} = '${orgId}'` : '';
  const query = `WorkflowType = 'publishPostWorkflow'${scope} GROUP BY ExecutionStatus`;
  const counted = await withDeadline(
    client.withDeadline(Date.now() + STATS_DEADLINE_MS, () => client.workflow.count(query)),
    STATS_DEADLINE_MS,
    'visibility count',
  ).catch(() => {
    throw dependencyUnavailable('temporal');
  });
  const counts: QueueStats['workflows'] = {
    total: counted.count,
    running: 0,
    completed: 0,
    failed: 0,
    canceled: 0,
    terminated: 0,
    timed_out: 0,
    continued_as_new: 0,
  };
  for (const group of counted.groups) {
    const key = STATUS_KEYS[String(group.groupValues[0])];
    if (key) counts[key] = group.count;
  }
  return counts;
}

const DUE = `SELECT count(*)::int AS n FROM posts
  WHERE status = 'scheduled' AND deleted_at IS NULL
    AND scheduled_at >= now() AND scheduled_at < now() + interval '1 hour'`;
const DUE_ALL = statement('queue-stats-due', DUE);
const DUE_IN_ORG = statement('queue-stats-due-org', `${DUE} AND organization_id = ?`);

/** Scheduled posts due within the next hour, of one organization or of all. */
export async function postsDueNextHour(em: EntityManager, orgId: string | null): Promise<number> {
  const [row] = await runStatement<{ n: number }>(em, orgId ? DUE_IN_ORG : DUE_ALL, orgId ? [orgId] : []);
  return row?.n ?? 0;
}

/** The media queue's counts and its oldest waiting job's age; 503 when Redis does not answer. */
export async function mediaQueueCounts(queue: Queue): Promise<NonNullable<QueueStats['media_queue']>> {
  const [counts, next] = await withDeadline(
    // getWaiting(0, 0): the job at the head of the wait (and paused) list, the one waiting longest.
    Promise.all([queue.getJobCounts(), queue.getWaiting(0, 0)]),
    STATS_DEADLINE_MS,
    'media queue counts',
  ).catch(() => {
    throw dependencyUnavailable('redis');
  });
  const since = next.filter(Boolean).map((job) => job.timestamp);
  return {
    waiting: counts.waiting,
    active: counts.active,
    completed: counts.completed,
    failed: counts.failed,
    delayed: counts.delayed,
    oldest_waiting_age_ms: since.length ? Math.max(0, Date.now() - Math.min(...since)) : null,
  };
}
