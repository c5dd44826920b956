import { type Harness, startHarness } from './testing/harness';
import { type ChildWorker, childWorker } from './testing/child-worker';
import { eventually, postsOf, readRows, sleep } from './testing/expect';

jest.setTimeout(120_000);

let h: Harness;
let worker: ChildWorker;
beforeAll(async () => {
  h = await startHarness({ worker: false });
  worker = await childWorker({ taskQueue: h.taskQueue, xBaseUrl: h.emulator.url });
  await worker.start();
});
let attemptedBefore = 0;
beforeEach(() => {
  attemptedBefore = h.emulator.stats().creates.attempted;
});
afterAll(async () => {
  await worker?.kill('SIGTERM');
  await h?.close();
});

describe('a worker killed mid-publish (child process, SIGKILL, restart)', () => {
  test('killed while the platform holds the request: created once after the restart', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    h.emulator.setFaults({ latencyMs: 2_000 });
    const handle = await h.start(seeded, { retry: { initialIntervalMs: 500 } });
    await eventually(() => (h.emulator.stats().creates.attempted > attemptedBefore ? true : undefined));
    await sleep(300);
    await worker.kill('SIGKILL');

    // The killed attempt wrote its intent before calling and never confirmed it.
    const during = await readRows(h.orm, seeded);
    expect(during.ledger[0]).toMatchObject({ state: 'intent', confirmedAt: null, calls: 1 });
    await sleep(2_000);
    h.emulator.clearFaults();
    const restarted = Date.now();
    await worker.start();
    const result = await handle.result();
    console.info(`killed during the call: published ${Date.now() - restarted} ms after the restart began`);
    expect(result.state).toBe('published');
    const posts = postsOf(h.emulator, seeded);
    expect(posts).toHaveLength(1);
    const rows = await readRows(h.orm, seeded);
    expect(rows.target).toMatchObject({ status: 'published', platformPostId: posts[0]!.id });
    expect(rows.ledger[0]).toMatchObject({ state: 'confirmed', platformPostId: posts[0]!.id });
  });

  test('killed after the platform created the post, before the confirmation: reconciled, not posted twice', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    h.emulator.setFaults({ latencyMs: 1_000 });
    const handle = await h.start(seeded, { retry: { initialIntervalMs: 500 } });
    await eventually(() => (h.emulator.stats().creates.attempted > attemptedBefore ? true : undefined));
    // Hold the target row so the worker's confirming transaction blocks after the platform answered.
    const knex = h.orm.em.getKnex();
    const hold = await knex.transaction();
    await hold.raw('select id from post_targets where id = ? for update', [seeded.targetId]);
    await eventually(() => (postsOf(h.emulator, seeded).length === 1 ? true : undefined));
    await sleep(500);
    await worker.kill('SIGKILL');
    // The confirmation is one statement, waiting for our lock: Postgres would run (and commit) it once the
    // lock is free, as its backend only reads the dead client's socket afterwards. A backend whose client
    // died is ended by TCP keepalive eventually; do that now, so the crash lands before the confirmation.
    const [{ pid: holder }] = (await hold.raw('select pg_backend_pid() as pid')).rows as [{ pid: number }];
    const ended = await knex.raw<{ rows: { ok: boolean }[] }>(
      'select pg_terminate_backend(pid) as ok from pg_stat_activity where ? = any(pg_blocking_pids(pid))',
      [holder],
    );
    expect(ended.rows.map((r) => r.ok)).toEqual([true]);
    await hold.rollback();

    const during = await readRows(h.orm, seeded);
    expect(during.ledger[0]).toMatchObject({ state: 'intent', calls: 1 });
    expect(during.target.status).toBe('publishing');
    const restarted = Date.now();
    await worker.start();
    const result = await handle.result();
    console.info(`killed before confirming: published ${Date.now() - restarted} ms after the restart began`);
    expect(result.state).toBe('published');
    const posts = postsOf(h.emulator, seeded);
    expect(posts).toHaveLength(1);
    const rows = await readRows(h.orm, seeded);
    expect(rows.target).toMatchObject({ status: 'published', platformPostId: posts[0]!.id });
    // One create call in all: the attempt after the restart found the post by looking.
    expect(rows.ledger[0]).toMatchObject({ state: 'confirmed', calls: 1, platformPostId: posts[0]!.id });
  });
});
