import { proxyActivities } from '@temporalio/workflow';
import type {
  AnalyticsSyncReport,
  CleanupReport,
  HealthReport,
  PeriodicActivities,
  SweepReport,
} from './periodic.contract';

/**
 * The periodic workflows: one activity each, so the work (and its heartbeats, retries and result)
 * shows in the Web UI as one step. A run is short and closes; the schedule starts the next.
 */
const jobs = proxyActivities<PeriodicActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 3, initialInterval: '5 seconds', backoffCoefficient: 2 },
});

/** The health check needs an answer now or never: a stale one is worse than a failed run. */
const health = proxyActivities<PeriodicActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 1 },
});

/** Hourly: engagement numbers of published targets, stored as snapshots. */
export async function analyticsSyncWorkflow(): Promise<AnalyticsSyncReport> {
  return jobs.syncAnalytics();
}

/** Every 15 minutes: posts whose row and workflow disagree, repaired. */
export async function stalledSweepWorkflow(): Promise<SweepReport> {
  return jobs.sweepStalledPosts();
}

/** Daily at 02:00 UTC: expired tokens, orphaned media, old jobs, audit and snapshots past retention. */
export async function cleanupWorkflow(): Promise<CleanupReport> {
  return jobs.cleanUp();
}

/** Every 5 minutes: pollers, dependencies and the publish backlog; the result is the run's result. */
export async function healthCheckWorkflow(): Promise<HealthReport> {
  return health.checkHealth();
}
