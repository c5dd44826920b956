/**
 * The periodic jobs: each runs as a Temporal Schedule that starts one short workflow, so an operator
 * sees every run in the Web UI, triggers one with `temporal schedule trigger`, or pauses one. The
 * ids and workflow types cross processes (the worker creates the schedules, the gateway triggers
 * and reads them), so they are named here once.
 */

/** The periodic jobs by name; the API's trigger path and the ops CLI use these names. */
export const PERIODIC_JOB_NAMES = ['analytics-sync', 'stalled-sweep', 'cleanup', 'health-check'] as const;
/** One periodic job. */
export type PeriodicJobName = (typeof PERIODIC_JOB_NAMES)[number];

/** Each job's workflow type (the function exported from `workflows.ts`). */
export const PERIODIC_WORKFLOW_TYPES = {
  'analytics-sync': 'analyticsSyncWorkflow',
  'stalled-sweep': 'stalledSweepWorkflow',
  cleanup: 'cleanupWorkflow',
  'health-check': 'healthCheckWorkflow',
} as const satisfies Record<PeriodicJobName, string>;

/** A job's schedule id: `vt-<job>`; tests prefix their own so they never touch the real ones. */
export const periodicScheduleId = (job: PeriodicJobName, prefix = 'vt-') => `${prefix}${job}`;

/** One repair the stalled-post sweep made, as its report and the post's timeline show it. */
export interface SweepRepair {
  postId: string;
  organizationId: string;
  /** What disagreed: see `SweepInconsistency`. */
  kind: SweepInconsistency;
  /** What the sweep did about it. */
  repair: 'restarted' | 'marked_failed';
  /** The workflow's status when the sweep looked (`NOT_FOUND` when there was none). */
  workflowStatus: string;
}

/**
 * The disagreements the sweep repairs:
 * - `workflow_missing`: a scheduled post has no workflow at all (its start was lost) → restarted;
 * - `workflow_closed`: the workflow closed (terminated, timed out, failed) but the post is still
 *   scheduled or publishing → marked failed, since someone or something ended it on purpose;
 * - `publishing_stalled`: the post has been publishing longer than the bound → marked failed.
 */
export type SweepInconsistency = 'workflow_missing' | 'workflow_closed' | 'publishing_stalled';

/** What one sweep run looked at and did. */
export interface SweepReport {
  /** Candidates: scheduled or publishing posts unchanged for a minute. */
  checked: number;
  /** Candidates whose workflow was described: those visibility did not list as running and healthy. */
  described: number;
  repairs: SweepRepair[];
}

/** What one analytics sync collected. */
export interface AnalyticsSyncReport {
  targets: number;
  snapshots: number;
  failures: number;
}

/** What one cleanup removed, by kind. */
export interface CleanupReport {
  refreshTokens: number;
  oauthStates: number;
  orphanedMedia: number;
  bullJobs: number;
  auditEvents: number;
  snapshotsRolledUp: number;
  snapshotsDeleted: number;
}

/** One component's health. */
export interface HealthCheckItem {
  name: string;
  ok: boolean;
  /** What was measured (pollers, age, round trip) or what failed. */
  detail: string;
  latencyMs?: number;
}

/** The health check's result: shown by `GET /api/v1/system/health` and published on NATS. */
export interface HealthReport {
  ok: boolean;
  checkedAt: string;
  checks: HealthCheckItem[];
}

/** The periodic jobs' activities; implemented by `createPeriodicActivities` in `@vibetribe/activities`. */
export interface PeriodicActivities {
  syncAnalytics(): Promise<AnalyticsSyncReport>;
  sweepStalledPosts(): Promise<SweepReport>;
  cleanUp(): Promise<CleanupReport>;
  checkHealth(): Promise<HealthReport>;
}
