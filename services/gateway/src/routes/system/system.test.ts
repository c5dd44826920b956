import { randomUUID } from 'node:crypto';
import { PERIODIC_JOB_NAMES, type PeriodicJobName } from '@vibetribe/workflows';
// The worker's periodic world: a private PostgreSQL, Temporal, and the publishing and periodic workers.
import { ensureSchedules } from '@vibetribe/worker/dist/periodic/schedules';
import { type PeriodicWorld, startPeriodicWorld } from '@vibetribe/worker/dist/testing/periodic-world';
import { startTestGateway, type TestGateway } from '../../test-support/harness';

jest.setTimeout(90_000);

type User = Awaited<ReturnType<TestGateway['register']>>;

const operatorEmail = `operator-${randomUUID()}@example.test`;
let w: PeriodicWorld;
let gw: TestGateway;
let operator: User;
let owner: User;

beforeAll(async () => {
  w = await startPeriodicWorld();
  await ensureSchedules(w.h.client, { taskQueue: w.periodicTaskQueue, idPrefix: w.idPrefix });
  // After the world: the gateway uses its PostgreSQL (DATABASE_URL) and its schedules.
  gw = await startTestGateway({ OPERATOR_EMAILS: operatorEmail }, { schedulePrefix: w.idPrefix });
  operator = await gw.register('Operator', operatorEmail);
  owner = await gw.register('Owner');
}, 90_000);
afterAll(async () => {
  await gw?.close();
  await w?.close();
}, 30_000);

const health = (u: User) => gw.api('GET', '/api/v1/system/health', { token: u.token });
const trigger = (u: User, job: string) =>
  gw.api('POST', `/api/v1/system/jobs/${job}/trigger`, { token: u.token });

/** The result of the schedule's newest completed run, once there is one. */
async function completedRun(job: PeriodicJobName): Promise<unknown> {
  const handle = w.h.client.schedule.getHandle(w.scheduleId(job));
  for (let i = 0; i < 200; i++) {
    const last = (await handle.describe()).info.recentActions.at(-1);
    if (last) {
      const run = w.h.client.workflow.getHandle(
        last.action.workflow.workflowId,
        last.action.workflow.firstExecutionRunId,
      );
      if ((await run.describe()).status.name === 'COMPLETED') return run.result();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no completed run of ${job}`);
}

describe('system operator endpoints', () => {
  test('an organization owner is not an operator: 403 on both', async () => {
    const [h, t] = await Promise.all([health(owner), trigger(owner, 'health-check')]);
    expect([h.status, t.status]).toEqual([403, 403]);
    expect(t.body.type).toBe('https://vibetribe.dev/problems/forbidden');
  });

  test('no completed health check yet: 404; an unknown job: 404', async () => {
    expect((await health(operator)).status).toBe(404);
    const unknown = await trigger(operator, 'defragment');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });

  test("triggering each job runs it; the health check's report is then served with its age", async () => {
    for (const job of PERIODIC_JOB_NAMES) {
      const res = await trigger(operator, job);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ job, schedule_id: w.scheduleId(job) });
    }
    const results = await Promise.all(PERIODIC_JOB_NAMES.map(completedRun));
    expect(results[0]).toMatchObject({ failures: 0 }); // analytics-sync
    expect(results[1]).toMatchObject({ repairs: [] }); // stalled-sweep
    expect(results[2]).toHaveProperty('refreshTokens'); // cleanup
    expect(results[3]).toMatchObject({ ok: true }); // health-check

    const res = await health(operator);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, schedule_id: w.scheduleId('health-check') });
    expect(res.body.age_s).toBeLessThan(60);
    expect(res.body.checks.map((c: { name: string }) => c.name)).toEqual([
      `pollers:${w.h.taskQueue}`,
      `pollers:${w.periodicTaskQueue}`,
      'postgres',
      'nats',
      'redis',
      'storage',
      'publish_backlog',
    ]);
  });

  test('Temporal down: 503 dependency-unavailable', async () => {
    const down = await startTestGateway(
      { OPERATOR_EMAILS: operatorEmail },
      { temporalAddress: '127.0.0.1:9', schedulePrefix: w.idPrefix },
    );
    try {
      const signedIn = await down.api('POST', '/api/v1/auth/login', {
        body: { email: operatorEmail, password: 'correct horse battery' },
      });
      const token = signedIn.body.access_token as string;
      for (const [method, path] of [
        ['GET', '/api/v1/system/health'],
        ['POST', '/api/v1/system/jobs/cleanup/trigger'],
      ] as const) {
        const res = await down.api(method, path, { token });
        expect(res.status).toBe(503);
        expect(res.body.type).toBe('https://vibetribe.dev/problems/dependency-unavailable');
      }
    } finally {
      // Let the client's retries against the closed port lapse first: a retry timer firing after
      // close() throws "Channel has been shut down" from the timer.
      await new Promise((r) => setTimeout(r, 2_500));
      await down.close();
    }
  });
});
