import { type ScheduleDescription, ScheduleOverlapPolicy } from '@temporalio/client';
import { PERIODIC_JOB_NAMES, periodicScheduleId } from '@vibetribe/workflows';
import { type PeriodicWorld, startPeriodicWorld } from '../testing/periodic-world';
import { ensureSchedules } from './schedules';

let w: PeriodicWorld;
beforeAll(async () => {
  w = await startPeriodicWorld();
}, 60_000);
afterAll(() => w?.close(), 30_000);

const describeAll = () =>
  Promise.all(PERIODIC_JOB_NAMES.map((job) => w.h.client.schedule.getHandle(w.scheduleId(job)).describe()));

const intervalMs = (d: ScheduleDescription) => d.spec.intervals?.map((i) => Number(i.every));

describe('the periodic schedules, created at worker start', () => {
  test('each exists with its spec, overlap policy, catch-up window, workflow and task queue; a second start changes nothing', async () => {
    const opts = { taskQueue: w.periodicTaskQueue, idPrefix: w.idPrefix };
    expect(await ensureSchedules(w.h.client, opts)).toEqual({
      'analytics-sync': 'created',
      'stalled-sweep': 'created',
      cleanup: 'created',
      'health-check': 'created',
    });
    const [analytics, sweep, cleanup, health] = await describeAll();
    expect(intervalMs(analytics!)).toEqual([3_600_000]);
    expect(intervalMs(sweep!)).toEqual([900_000]);
    expect(intervalMs(health!)).toEqual([300_000]);
    expect(cleanup!.spec.calendars).toEqual([
      expect.objectContaining({
        hour: [{ start: 2, end: 2, step: 1 }],
        minute: [{ start: 0, end: 0, step: 1 }],
        second: [{ start: 0, end: 0, step: 1 }],
      }),
    ]);
    expect(cleanup!.spec.timezone).toBe('UTC');
    const policies = [analytics, sweep, cleanup, health].map((d) => [
      d!.action.workflowType,
      d!.action.taskQueue,
      d!.policies.overlap,
      d!.policies.catchupWindow,
    ]);
    expect(policies).toEqual([
      ['analyticsSyncWorkflow', w.periodicTaskQueue, ScheduleOverlapPolicy.SKIP, 3_600_000],
      ['stalledSweepWorkflow', w.periodicTaskQueue, ScheduleOverlapPolicy.SKIP, 900_000],
      ['cleanupWorkflow', w.periodicTaskQueue, ScheduleOverlapPolicy.SKIP, 86_400_000],
      ['healthCheckWorkflow', w.periodicTaskQueue, ScheduleOverlapPolicy.SKIP, 60_000],
    ]);

    const updatedAt = (await describeAll()).map((d) => d.info.lastUpdatedAt?.getTime() ?? null);
    expect(Object.values(await ensureSchedules(w.h.client, opts))).toEqual(Array(4).fill('unchanged'));
    expect((await describeAll()).map((d) => d.info.lastUpdatedAt?.getTime() ?? null)).toEqual(updatedAt);
  });

  test('a schedule that drifted is brought back to its definition, and an operator pause stays', async () => {
    const opts = { taskQueue: w.periodicTaskQueue, idPrefix: w.idPrefix };
    await ensureSchedules(w.h.client, opts);
    const handle = w.h.client.schedule.getHandle(periodicScheduleId('stalled-sweep', w.idPrefix));
    await handle.update((prev) => ({ ...prev, spec: { intervals: [{ every: '2 hours' }] } }));
    await handle.pause('maintenance');
    expect((await ensureSchedules(w.h.client, opts))['stalled-sweep']).toBe('updated');
    const d = await handle.describe();
    expect(intervalMs(d)).toEqual([900_000]);
    expect(d.state).toMatchObject({ paused: true, note: 'maintenance' });
    await handle.unpause();
  });

  test("schedules of a build that ran the jobs on the publishing queue move to the periodic worker's queue", async () => {
    const prefix = { idPrefix: `${w.idPrefix}moved-` };
    await ensureSchedules(w.h.client, { taskQueue: w.h.taskQueue, ...prefix });
    expect(
      Object.values(await ensureSchedules(w.h.client, { taskQueue: w.periodicTaskQueue, ...prefix })),
    ).toEqual(Array(4).fill('updated'));
    const moved = await Promise.all(
      PERIODIC_JOB_NAMES.map((job) =>
        w.h.client.schedule.getHandle(periodicScheduleId(job, prefix.idPrefix)).describe(),
      ),
    );
    expect(moved.map((d) => d.action.taskQueue)).toEqual(Array(4).fill(w.periodicTaskQueue));
    await Promise.all(
      PERIODIC_JOB_NAMES.map((job) =>
        w.h.client.schedule.getHandle(periodicScheduleId(job, prefix.idPrefix)).delete(),
      ),
    );
  });
});
