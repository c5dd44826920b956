import { randomUUID } from 'node:crypto';
import { Post, PostTarget, PublishLedger } from '@vibetribe/database';
import { postsOf, sleep } from './testing/expect';
import { type Harness, startHarness } from './testing/harness';
import type { SeededPost } from './testing/seed';
import { startTemporalDevServer, type TemporalDevServer } from './testing/temporal-dev-server';
import { type MainWorker, startMainWorker } from './testing/main-worker';

jest.setTimeout(120_000);

const POSTS = 100;

let server: TemporalDevServer;
let h: Harness;
let main: MainWorker;
const previousAddress = process.env.TEMPORAL_ADDRESS;

beforeAll(async () => {
  server = await startTemporalDevServer();
  // The harness (client, emulator, database, NATS) reads the address from the environment.
  process.env.TEMPORAL_ADDRESS = server.address;
  h = await startHarness({ worker: false });
  // The worker is held here, not in the harness, so the test can watch its state. It is configured
  // as main.ts configures it (its own pool, the default slots).
  main = await startMainWorker(h, server.address);
}, 90_000);

afterAll(async () => {
  try {
    // A test that failed while the server was down: bring it back so the worker can stop cleanly.
    if (server && !server.isRunning()) await server.start();
    await main?.close();
    await h?.close();
  } finally {
    await server?.dispose();
    process.env.TEMPORAL_ADDRESS = previousAddress;
  }
}, 60_000);

/** Runs `fn` over `items`, `width` at a time. */
async function inBatches<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width)
    out.push(...(await Promise.all(items.slice(i, i + width).map(fn))));
  return out;
}

describe('the Temporal server restarts while posts wait (private dev server, SQLite file)', () => {
  test(`${POSTS} scheduled posts are each published exactly once after a SIGTERM and restart`, async () => {
    const began = Date.now();
    const seeded: SeededPost[] = await inBatches(
      Array.from({ length: POSTS }, (_, i) => i),
      10,
      (i) => h.seed({ scheduledAt: null, text: `restart test post ${i} ${randomUUID()}` }),
    );
    const seededIn = Date.now() - began;
    // Due once seeding is done, so a slow machine does not eat into the time the posts wait.
    const due = new Date(Date.now() + 15_000);
    await h.orm.em
      .fork()
      .nativeUpdate(Post, { id: { $in: seeded.map((s) => s.postId) } }, { scheduledAt: due });
    const handles = await inBatches(seeded, 20, (s) => h.start(s, { scheduledAt: due.toISOString() }));
    const startedIn = Date.now() - began - seededIn;
    const acceptedBefore = h.emulator.stats().creates.accepted;

    // Every workflow has loaded its post and sleeps on a durable timer before the server goes away.
    // Checked in start order, stopping at the first still busy, to keep the polling light.
    let pending = handles;
    while (pending.length > 0) {
      if (Date.now() > due.getTime() - 3_000)
        throw new Error(
          `${pending.length} workflows had not reached their timers 3 s before the posts were due`,
        );
      let asleep = 0;
      while (
        asleep < pending.length &&
        (await pending[asleep]!.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes)
      )
        asleep++;
      pending = pending.slice(asleep);
      if (pending.length > 0) await sleep(250);
    }
    console.info(
      `${POSTS} posts seeded in ${seededIn} ms; their workflows started in ${startedIn} ms and asleep on their timers ${due.getTime() - Date.now()} ms before due`,
    );

    const stopping = Date.now();
    await server.stop();
    console.info(
      `temporal stopped (SIGTERM) in ${Date.now() - stopping} ms, ${due.getTime() - Date.now()} ms before the posts were due`,
    );
    // Down past the due time: the timers can only fire after the restart.
    await sleep(Math.max(0, due.getTime() - Date.now()) + 2_000);
    expect(h.emulator.stats().creates.accepted).toBe(acceptedBefore);
    expect(main.worker.getState()).toBe('RUNNING');

    const restarting = Date.now();
    await server.start();
    console.info(`temporal restarted on the same port and db file in ${Date.now() - restarting} ms`);
    // The same NativeConnection answers again: it reconnected by itself.
    await main.connection.withDeadline(Date.now() + 10_000, () =>
      main.connection.workflowService.describeNamespace({ namespace: 'default' }),
    );
    console.info(`the worker's connection answered ${Date.now() - restarting} ms after the restart began`);

    const targetIds = seeded.map((s) => s.targetId);
    const deadline = Date.now() + 75_000;
    for (;;) {
      const published = await h.orm.em
        .fork()
        .count(PostTarget, { id: { $in: targetIds }, status: 'published' });
      if (published === POSTS) break;
      if (Date.now() > deadline) throw new Error(`only ${published} of ${POSTS} posts were published`);
      await sleep(250);
    }
    const reached = seeded.map((s) => Date.parse(postsOf(h.emulator, s)[0]!.receivedAt) - restarting);
    console.info(
      `after the restart began: first post reached the platform in ${Math.min(...reached)} ms, the last in ${Math.max(...reached)} ms; all rows published in ${Date.now() - restarting} ms`,
    );
    expect(main.worker.getState()).toBe('RUNNING');

    const results = await Promise.all(handles.map((handle) => handle.result()));
    expect(results.map((r) => r.state)).toEqual(Array.from({ length: POSTS }, () => 'published'));

    // Exactly once: one post per account on the platform, one create call per ledger row.
    for (const s of seeded) expect([s.postId, postsOf(h.emulator, s).length]).toEqual([s.postId, 1]);
    expect(h.emulator.stats().creates.accepted - acceptedBefore).toBe(POSTS);
    const em = h.orm.em.fork();
    const posts = await em.find(Post, { id: { $in: seeded.map((s) => s.postId) } });
    expect(posts.filter((p) => p.status === 'published')).toHaveLength(POSTS);
    const targets = new Map(
      (await em.find(PostTarget, { id: { $in: targetIds } })).map((t) => [t.id, t] as const),
    );
    const ledger = await em.find(PublishLedger, { target: { $in: targetIds } });
    expect(ledger).toHaveLength(POSTS);
    for (const row of ledger) expect(row).toMatchObject({ state: 'confirmed', calls: 1 });
    for (const s of seeded) {
      expect(targets.get(s.targetId)).toMatchObject({
        status: 'published',
        platformPostId: postsOf(h.emulator, s)[0]!.id,
      });
    }
  });
});
