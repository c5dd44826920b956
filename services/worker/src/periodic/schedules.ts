import { createHash } from 'node:crypto';
import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleDescription,
  type ScheduleOptions,
} from '@temporalio/client';
import { type Duration, msToNumber } from '@temporalio/common';
import { PERIODIC_JOB_NAMES, type PeriodicJobName, periodicScheduleId } from '@vibetribe/workflows';
import { SCHEDULE_DEFINITIONS, workflowTypeOf } from './schedule-definitions';

/** Where the schedules' workflows run, and (for tests) a prefix that keeps their ids apart. */
export interface EnsureSchedulesOptions {
  taskQueue: string;
  /** Default `vt-`: ids `vt-analytics-sync`, `vt-stalled-sweep`, `vt-cleanup`, `vt-health-check`. */
  idPrefix?: string;
}

/** What start-up did to one schedule. */
export type ScheduleOutcome = 'created' | 'updated' | 'unchanged';

/** The memo key carrying the definition's fingerprint in each schedule's action. */
const FINGERPRINT = 'vtScheduleDefinition';

/** One job's schedule as we want it. */
function scheduleOptions(job: PeriodicJobName, opts: EnsureSchedulesOptions) {
  const scheduleId = periodicScheduleId(job, opts.idPrefix);
  const { spec, policies, runTimeout } = SCHEDULE_DEFINITIONS[job];
  const action = {
    type: 'startWorkflow' as const,
    workflowType: workflowTypeOf(job),
    taskQueue: opts.taskQueue,
    // The server appends each run's time to it: `vt-stalled-sweep-2026-12-03T09:15:00Z`.
    workflowId: scheduleId,
    args: [],
    workflowExecutionTimeout: runTimeout,
  };
  const fingerprint = createHash('sha256').update(JSON.stringify({ spec, policies, action })).digest('hex');
  return {
    scheduleId,
    spec,
    policies,
    action: { ...action, memo: { [FINGERPRINT]: fingerprint } },
    fingerprint,
  } satisfies ScheduleOptions & { fingerprint: string };
}

/** What `observed` reads: a schedule as described, or as we define it. */
interface Comparable {
  spec: { intervals?: { every: Duration }[]; calendars?: { hour?: unknown; minute?: unknown }[] };
  policies?: { overlap?: string; catchupWindow?: Duration };
  action: { workflowType: string; taskQueue?: string };
}

/** The parts of a schedule an operator may have edited in the Web UI, as numbers and names. */
function observed(d: Comparable) {
  return {
    intervals: (d.spec.intervals ?? []).map((i) => msToNumber(i.every)),
    // A calendar as the server describes it holds ranges; ours are single values.
    calendars: (d.spec.calendars ?? []).map((c) => {
      const first = (v: unknown) => (Array.isArray(v) ? (v[0] as { start: number }).start : v);
      return [first(c.hour), first(c.minute)];
    }),
    overlap: d.policies?.overlap,
    catchupWindow: d.policies?.catchupWindow === undefined ? undefined : msToNumber(d.policies.catchupWindow),
    workflowType: d.action.workflowType,
    taskQueue: d.action.taskQueue,
  };
}

/** True when the schedule differs from our definition: another build's, or edited by hand. */
function differs(current: ScheduleDescription, wanted: ReturnType<typeof scheduleOptions>): boolean {
  if (current.action.memo?.[FINGERPRINT] !== wanted.fingerprint) return true;
  return JSON.stringify(observed(current)) !== JSON.stringify(observed(wanted));
}

/**
 * Creates one schedule, or brings an existing one to our definition: one from another build (the
 * definition's fingerprint rides in the action's memo) or one edited by hand. A start with nothing
 * changed makes no update at all; an update keeps the schedule's state (an operator's pause and
 * note stay).
 */
async function ensureSchedule(
  client: Client,
  job: PeriodicJobName,
  opts: EnsureSchedulesOptions,
): Promise<ScheduleOutcome> {
  const wanted = scheduleOptions(job, opts);
  const { fingerprint: _, ...options } = wanted;
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(options.scheduleId);
  const current = await handle.describe();
  if (!differs(current, wanted)) return 'unchanged';
  await handle.update((prev) => ({
    ...prev,
    spec: options.spec,
    policies: options.policies,
    action: options.action,
  }));
  return 'updated';
}

/**
 * Every periodic job's schedule, created or updated idempotently (the worker calls this at start;
 * several workers starting at once converge on the same definition).
 */
export async function ensureSchedules(
  client: Client,
  opts: EnsureSchedulesOptions,
): Promise<Record<PeriodicJobName, ScheduleOutcome>> {
  const outcomes = await Promise.all(PERIODIC_JOB_NAMES.map((job) => ensureSchedule(client, job, opts)));
  return Object.fromEntries(PERIODIC_JOB_NAMES.map((job, i) => [job, outcomes[i]])) as Record<
    PeriodicJobName,
    ScheduleOutcome
  >;
}
