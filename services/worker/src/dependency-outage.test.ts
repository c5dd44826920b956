import { randomUUID } from 'node:crypto';
import { initOrm, migrate, Post, PostTarget, PublishLedger } from '@vibetribe/database';
import { postsOf, sleep } from './testing/expect';
import { type Harness, startHarness } from './testing/harness';
import { type MainWorker, startMainWorker } from './testing/main-worker';
import { type PrivatePostgres, startPrivatePostgres } from './testing/private-postgres';
import type { SeededPost } from './testing/seed';
import { startTemporalDevServer, type TemporalDevServer } from './testing/temporal-dev-server';

jest.setTimeout(180_000);

const POSTS = 40;

let pg: PrivatePostgres;
let server: TemporalDevServer;
let h: Harness;
let main: MainWorker;
const previous = { db: process.env.DATABASE_URL, temporal: process.env.TEMPORAL_ADDRESS };

beforeAll(async () => {
  [pg, server] = await Promise.all([startPrivatePostgres(), startTemporalDevServer()]);
  const orm = await initOrm(pg.url);
  await migrate(orm);
  await orm.close();
  // The harness and the worker read both from the environment.
  process.env.DATABASE_URL = pg.url;
  process.env.TEMPORAL_ADDRESS = server.address;
  h = await startHarness({ worker: false });
  main = await startMainWorker(h, server.address);
}, 120_000);

afterAll(async () => {
  try {
    if (server && !server.isRunning()) await server.start();
    await main?.close();
    await h?.close();
  } finally {
    await Promise.allSettled([server?.dispose(), pg?.dispose()]);
    process.env.DATABASE_URL = previous.db;
    process.env.TEMPORAL_ADDRESS = previous.temporal;
  }
}, 60_000);

describe('our own dependencies restart during a publishing burst (private PostgreSQL and Temporal)', () => {
  test(`${POSTS} posts: PostgreSQL restarts (immediate, then fast) and Temporal restarts; none lost, none twice, rows match the platform`, async () => {
    const seeded: SeededPost[] = [];
    for (let i = 0; i < POSTS; i++)
      seeded.push(await h.seed({ scheduledAt: null, text: `outage ${i} ${randomUUID()}` }));
    // Due over 12 s, from 4 s after the last start: the outages below fall inside the burst.
    const first = Date.now() + 6_000;
    const handles = await Promise.all(
      seeded.map(async (s, i) => {
        const due = new Date(first + Math.round((i * 12_000) / POSTS));
        await h.orm.em.fork().nativeUpdate(Post, { id: s.postId }, { scheduledAt: due });
        return h.start(s, { scheduledAt: due.toISOString() });
      }),
    );
    await sleep(first + 1_000 - Date.now());
    await pg.stop('immediate');
    await sleep(4_000);
    await pg.start();
    await sleep(1_500);
    await pg.stop('fast');
    await sleep(3_000);
    await pg.start();
    await sleep(1_000);
    await server.stop();
    await sleep(3_000);
    await server.start();

    const all = Promise.all(handles.map((handle) => handle.result()));
    const timedOut = await Promise.race([all.then(() => false), sleep(90_000).then(() => true)]);
    if (timedOut) {
      for (const handle of handles) {
        const d = await handle.describe();
        if (d.status.name === 'COMPLETED') continue;
        const raw = d.raw.pendingActivities?.map((a) => ({
          state: a.state,
          attempt: a.attempt,
          failure: a.lastFailure?.message,
        }));
        console.warn(`${handle.workflowId} ${d.status.name} ${JSON.stringify(raw)}`);
      }
    }
    const results = await all;
    expect(results.map((r) => r.state)).toEqual(Array.from({ length: POSTS }, () => 'published'));
    // Exactly once, and every row says what the platform received.
    for (const s of seeded) expect([s.postId, postsOf(h.emulator, s).length]).toEqual([s.postId, 1]);
    const em = h.orm.em.fork();
    const ids = seeded.map((s) => s.targetId);
    const posts = await em.find(Post, { id: { $in: seeded.map((s) => s.postId) } });
    expect(posts.filter((p) => p.status === 'published')).toHaveLength(POSTS);
    const targets = new Map((await em.find(PostTarget, { id: { $in: ids } })).map((t) => [t.id, t] as const));
    for (const s of seeded) {
      expect(targets.get(s.targetId)).toMatchObject({
        status: 'published',
        platformPostId: postsOf(h.emulator, s)[0]!.id,
      });
    }
    const ledger = await em.find(PublishLedger, { target: { $in: ids } });
    expect(ledger.filter((l) => l.state === 'confirmed')).toHaveLength(POSTS);
  });
});
