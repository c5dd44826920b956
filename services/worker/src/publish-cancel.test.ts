import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { cancelSignal, postStatusKey, rescheduleUpdate, statusQuery } from '@vibetribe/workflows';
import { type Harness, startHarness } from './testing/harness';
import { eventually, postsOf, readRows, sleep } from './testing/expect';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
afterEach(() => h.emulator.clearFaults());

const inMs = (ms: number) => new Date(Date.now() + ms);

/** How long `fn` took, with its result. */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

describe('handlers never wait for a round (dev server, idle worker)', () => {
  test("a query and an update in the post's last second are handled within 250 ms", async () => {
    const due = inMs(2_000);
    const seeded = await h.seed({ scheduledAt: due });
    const handle = await h.start(seeded, { scheduledAt: due.toISOString() });
    await sleep(due.getTime() - 600 - Date.now());
    const query = await timed(() => handle.query(statusQuery));
    expect(query.value.state).toBe('waiting');
    expect(query.ms).toBeLessThan(250);
    const later = inMs(2_000);
    const update = await timed(() =>
      handle.executeUpdate(rescheduleUpdate, { args: [{ scheduledAt: later.toISOString(), version: 1 }] }),
    );
    expect(update.value).toMatchObject({ state: 'waiting', nextFireAt: later.toISOString() });
    expect(update.ms).toBeLessThan(250);
    await sleep(due.getTime() + 500 - Date.now());
    expect(postsOf(h.emulator, seeded)).toHaveLength(0);
    expect((await handle.result()).state).toBe('published');
    expect(Date.parse(postsOf(h.emulator, seeded)[0]!.receivedAt)).toBeGreaterThanOrEqual(later.getTime());
  });

  test('a query while the platform call is under way is answered within 250 ms', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    h.emulator.setFaults({ latencyMs: 1_500 });
    const handle = await h.start(seeded);
    await eventually(async () =>
      (await readRows(h.orm, seeded)).post.status === 'publishing' ? true : undefined,
    );
    const query = await timed(() => handle.query(statusQuery));
    expect(query.value.state).toBe('publishing');
    expect(query.ms).toBeLessThan(250);
    expect((await handle.result()).state).toBe('published');
  });
});

describe('a cancel during the round', () => {
  test('between attempts: the next platform call never starts; the post ends cancelled', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    h.emulator.setFaults({ failNext: { status: 503, count: 1 } });
    const handle = await h.start(seeded, { retry: { initialIntervalMs: 3_000 } });
    await eventually(async () => ((await readRows(h.orm, seeded)).target.attempts >= 1 ? true : undefined));
    const { ms } = await timed(() =>
      handle.signal(cancelSignal, { reason: 'operator', actor: { type: 'operator', id: 'ops' } }),
    );
    expect(ms).toBeLessThan(250);
    expect((await handle.result()).state).toBe('cancelled');
    await sleep(3_500);
    expect(h.emulator.stats().creates.attempted).toBeGreaterThanOrEqual(1);
    expect(postsOf(h.emulator, seeded)).toHaveLength(0);
    const rows = await readRows(h.orm, seeded);
    expect(rows.post.status).toBe('cancelled');
    expect(rows.target.status).toBe('cancelled');
    expect(rows.ledger[0]).toMatchObject({ state: 'intent', calls: 1 });
    expect(rows.actions).toEqual(['publishing', 'cancelled']);
  });

  test('while the platform call is in flight: the call completes and the post shows it published', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    h.emulator.setFaults({ latencyMs: 1_500 });
    const handle = await h.start(seeded);
    await eventually(async () => ((await readRows(h.orm, seeded)).ledger[0]?.calls === 1 ? true : undefined));
    await handle.signal(cancelSignal, { reason: 'operator', actor: { type: 'operator' } });
    expect((await handle.result()).state).toBe('published');
    expect(postsOf(h.emulator, seeded)).toHaveLength(1);
    const rows = await readRows(h.orm, seeded);
    expect(rows.post.status).toBe('published');
    expect(rows.target.status).toBe('published');
    expect(rows.actions).toEqual(['publishing', 'cancelled', 'target_published', 'published']);
  });

  test('a Temporal cancel request (Web UI Cancel) cancels a waiting post: row, timeline, Canceled', async () => {
    const seeded = await h.seed({ scheduledAt: inMs(60_000) });
    const handle = await h.start(seeded, { scheduledAt: inMs(60_000).toISOString() });
    await handle.cancel();
    const err: unknown = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const described = await handle.describe();
    expect(described.status.name).toBe('CANCELLED');
    expect(described.typedSearchAttributes.get(postStatusKey)).toBe('cancelled');
    const rows = await readRows(h.orm, seeded);
    expect(rows.post.status).toBe('cancelled');
    expect(rows.target.status).toBe('cancelled');
    expect(rows.actions).toEqual(['cancelled']);
  });
});
