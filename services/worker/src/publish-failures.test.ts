import type { WorkflowHandle } from '@temporalio/client';
import { postStatusKey, retrySignal, statusQuery } from '@vibetribe/workflows';
import { type Harness, startHarness } from './testing/harness';
import { eventually, postsOf, readRows, sleep } from './testing/expect';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
afterEach(() => h.emulator.clearFaults());

const fastRetry = { maximumAttempts: 3, initialIntervalMs: 200, backoffCoefficient: 2 };

/** The workflow's `VtPostStatus`, as the Web UI and `temporal workflow describe` show it. */
const visibleStatus = async (handle: WorkflowHandle) =>
  (await handle.describe()).typedSearchAttributes.get(postStatusKey);

describe('publishing failures (dev server, X emulator, Postgres)', () => {
  test('a 503, then success: exactly one post, two attempts', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    h.emulator.setFaults({ failNext: { status: 503, count: 1 } });
    const handle = await h.start(seeded, { retry: fastRetry });
    const result = await handle.result();
    expect(result.state).toBe('published');
    expect(postsOf(h.emulator, seeded)).toHaveLength(1);
    const rows = await readRows(h.orm, seeded);
    expect(rows.target).toMatchObject({ status: 'published', attempts: 2, lastError: null });
    // The 503 may have taken effect, so the second attempt looked before it created again.
    expect(rows.ledger[0]).toMatchObject({ state: 'confirmed', calls: 2 });
  });

  test('duplicate content (403): failed at once, no retries', async () => {
    const seeded = await h.seed({ scheduledAt: null, text: 'The same words twice' });
    const first = await fetch(`${h.emulator.url}/2/tweets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${seeded.xToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: seeded.text }),
    });
    expect(first.status).toBe(201);
    const before = h.emulator.stats().creates.rejected['403'] ?? 0;

    const handle = await h.start(seeded, { retry: fastRetry, retryWindowMs: 500 });
    const result = await handle.result();
    expect(result.state).toBe('failed');
    expect(result.targets[0]).toMatchObject({ status: 'failed', error: { kind: 'duplicate' } });
    expect((h.emulator.stats().creates.rejected['403'] ?? 0) - before).toBe(1);
    const rows = await readRows(h.orm, seeded);
    expect(rows.post.status).toBe('failed');
    expect(rows.target).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: { kind: 'duplicate', status: 403 },
    });
    expect(rows.actions).toEqual(['publishing', 'failed']);
    expect(await visibleStatus(handle)).toBe('failed');
  });

  test('a retry signal after a failure publishes the failed target', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    h.emulator.setFaults({ failNext: { status: 503, count: 3 } });
    const handle = await h.start(seeded, { retry: fastRetry, retryWindowMs: 60_000 });
    for (let i = 0; i < 100 && (await handle.query(statusQuery)).state !== 'failed'; i++) await sleep(100);
    expect(await handle.query(statusQuery)).toMatchObject({
      state: 'failed',
      targets: [{ status: 'failed', attempts: 3 }],
    });
    expect((await readRows(h.orm, seeded)).post.status).toBe('failed');
    // An operator finds it in the Web UI or with `temporal workflow list --query …`.
    const query = `VtPostId = "${seeded.postId}" AND VtPostStatus = "failed" AND ExecutionStatus = "Running"`;
    await eventually(async () => ((await h.client.workflow.count(query)).count === 1 ? true : undefined));

    await handle.signal(retrySignal, { actor: { type: 'user', id: 'u1' } });
    const result = await handle.result();
    expect(result.state).toBe('published');
    expect(postsOf(h.emulator, seeded)).toHaveLength(1);
    const rows = await readRows(h.orm, seeded);
    expect(rows.target).toMatchObject({ status: 'published', attempts: 4 });
    expect(rows.actions).toEqual(['publishing', 'failed', 'publishing', 'target_published', 'published']);
    expect(await visibleStatus(handle)).toBe('published');
  });

  test('a rate limit (429) waits for the reset X announces before the next attempt', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    h.emulator.setFaults({ failNext: { status: 429, count: 1, resetInS: 2 } });
    const started = Date.now();
    expect((await (await h.start(seeded, { retry: fastRetry })).result()).state).toBe('published');
    const waited = Date.parse(postsOf(h.emulator, seeded)[0]!.receivedAt) - started;
    expect(waited).toBeGreaterThanOrEqual(1_000);
    expect(postsOf(h.emulator, seeded)).toHaveLength(1);
  });
});
