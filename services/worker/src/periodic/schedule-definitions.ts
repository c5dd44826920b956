import type { ScheduleOptions } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { type PeriodicJobName, PERIODIC_WORKFLOW_TYPES } from '@vibetribe/workflows';

/** What a periodic job's schedule is made of, apart from its id and task queue. */
export type ScheduleDefinition = Pick<ScheduleOptions, 'spec' | 'policies'> & {
  /** Bounds one run, so a stuck run cannot hold its schedule (every policy below is SKIP) for ever. */
  runTimeout: Duration;
};

/**
 * The four schedules. Every one uses the `SKIP` overlap policy: each run looks at the whole current
 * state, so a run that starts while the previous one still works would only repeat it, and two
 * sweeps at once could repair the same post twice. Their catch-up windows say how late a missed run
 * (the Temporal server was down at its time) is still worth taking; past it the next regular run
 * does the same work:
 * - analytics sync, hourly, catch-up 1 h: one late reading beats a gap in the hour's series;
 * - stalled-post sweep, every 15 min, catch-up 15 min: a late sweep is fine, a second one is wasted;
 * - cleanup, daily at 02:00 UTC, catch-up 1 day: a night missed is still cleaned that day;
 * - health check, every 5 min, catch-up 1 min: a check of a moment already past says nothing.
 */
export const SCHEDULE_DEFINITIONS: Record<PeriodicJobName, ScheduleDefinition> = {
  'analytics-sync': {
    spec: { intervals: [{ every: '1 hour' }] },
    policies: { overlap: 'SKIP', catchupWindow: '1 hour' },
    runTimeout: '1 hour',
  },
  'stalled-sweep': {
    spec: { intervals: [{ every: '15 minutes' }] },
    policies: { overlap: 'SKIP', catchupWindow: '15 minutes' },
    runTimeout: '15 minutes',
  },
  cleanup: {
    spec: { calendars: [{ hour: 2, minute: 0, comment: 'daily at 02:00 UTC' }], timezone: 'UTC' },
    policies: { overlap: 'SKIP', catchupWindow: '1 day' },
    runTimeout: '2 hours',
  },
  'health-check': {
    spec: { intervals: [{ every: '5 minutes' }] },
    policies: { overlap: 'SKIP', catchupWindow: '1 minute' },
    runTimeout: '2 minutes',
  },
};

/** The workflow type a job's schedule starts. */
export const workflowTypeOf = (job: PeriodicJobName) => PERIODIC_WORKFLOW_TYPES[job];
