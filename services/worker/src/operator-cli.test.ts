import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Post } from '@vibetribe/database';
import { PostStatusChangedSchema, postSubject } from '@vibetribe/proto';
import { publishWorkflowId, statusQuery } from '@vibetribe/workflows';
import { type Harness, startHarness } from './testing/harness';
import { eventually, postsOf, readRows, timelineOf } from './testing/expect';
import type { SeededPost } from './testing/seed';

// Operators act with the real `temporal` CLI the set-up installs (deploy/scripts/setup.sh), exactly as
// the README's operating section shows; the post's row, timeline and events must follow.
const CLI =
  process.env.TEMPORAL_CLI_PATH ?? join(__dirname, '..', '..', '..', '.tools', 'venv', 'bin', 'temporal');
const run = promisify(execFile);

/** `temporal workflow <args>` against the test's server; resolves with stdout. */
async function temporal(...args: string[]): Promise<string> {
  const { stdout } = await run(CLI, [
    'workflow',
    ...args,
    '--address',
    process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
  ]);
  return stdout;
}

const signal = (post: SeededPost, name: string, input: unknown) =>
  temporal(
    'signal',
    '--workflow-id',
    publishWorkflowId(post.postId),
    '--name',
    name,
    '--input',
    JSON.stringify(input),
  );

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
afterEach(() => h.emulator.clearFaults());

const inMs = (ms: number) => new Date(Date.now() + ms);

/** The post's timeline entries as (action, actor type, data). */
const timeline = async (post: SeededPost) =>
  (await timelineOf(h.orm, post.postId)).map(({ action, actor, data }) => ({ action, actor, data }));

describe('operators act through the temporal CLI; the post follows', () => {
  test('signal reschedule (no version): the row, its timeline and its event move; published at the new time', async () => {
    const seeded = await h.seed({ scheduledAt: inMs(60_000) });
    const handle = await h.start(seeded, { scheduledAt: inMs(60_000).toISOString() });
    const seen: { reason: string; scheduledAt?: number }[] = [];
    const sub = h.bus.subscribe(
      postSubject(seeded.organizationId, 'status'),
      PostStatusChangedSchema,
      (m) => {
        seen.push({
          reason: m.reason,
          scheduledAt: m.scheduledAt ? Number(m.scheduledAt.seconds) : undefined,
        });
      },
    );
    const due = inMs(3_000);
    await signal(seeded, 'reschedule', { scheduledAt: due.toISOString() });
    const row = await eventually(async () => {
      const p = await h.orm.em.fork().findOneOrFail(Post, seeded.postId);
      return p.version === 2 ? p : undefined;
    });
    expect(row.scheduledAt?.toISOString()).toBe(due.toISOString());
    expect((await handle.query(statusQuery)).nextFireAt).toBe(due.toISOString());
    expect((await handle.result()).state).toBe('published');
    expect(Date.parse(postsOf(h.emulator, seeded)[0]!.receivedAt)).toBeGreaterThanOrEqual(due.getTime());
    const entries = await timeline(seeded);
    expect(entries[0]).toMatchObject({ action: 'rescheduled', actor: 'operator', data: { version: 2 } });
    sub.unsubscribe();
    expect(seen[0]).toEqual({ reason: 'rescheduled', scheduledAt: Math.floor(due.getTime() / 1000) });
  });

  test('signal reschedule to a past or invalid time: refused on the timeline, the timer and the row unchanged', async () => {
    const due = inMs(60_000);
    const seeded = await h.seed({ scheduledAt: due });
    const handle = await h.start(seeded, { scheduledAt: due.toISOString() });
    await signal(seeded, 'reschedule', { scheduledAt: new Date(Date.now() - 60_000).toISOString() });
    await signal(seeded, 'reschedule', { scheduledAt: 'tomorrow-ish' });
    const entries = await eventually(async () => {
      const t = await timeline(seeded);
      return t.length === 2 ? t : undefined;
    });
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['reschedule_refused', 'operator'],
      ['reschedule_refused', 'operator'],
    ]);
    expect(await handle.query(statusQuery)).toMatchObject({
      state: 'waiting',
      nextFireAt: due.toISOString(),
    });
    const row = await h.orm.em.fork().findOneOrFail(Post, seeded.postId);
    expect(row).toMatchObject({ version: 1, scheduledAt: due });
    await expect(
      temporal(
        'update',
        'execute',
        '--workflow-id',
        publishWorkflowId(seeded.postId),
        '--name',
        'rescheduleSync',
        '--input',
        JSON.stringify({ scheduledAt: '2000-01-01T00:00:00Z' }),
      ),
    ).rejects.toThrow(/not in the future/);
    await handle.cancel();
  });

  test('signal cancel: the post and its target cancelled, by an operator', async () => {
    const seeded = await h.seed({ scheduledAt: inMs(60_000) });
    const handle = await h.start(seeded, { scheduledAt: inMs(60_000).toISOString() });
    await signal(seeded, 'cancel', { reason: 'operator' });
    expect((await handle.result()).state).toBe('cancelled');
    const rows = await readRows(h.orm, seeded);
    expect([rows.post.status, rows.target.status]).toEqual(['cancelled', 'cancelled']);
    expect((await timeline(seeded)).map((e) => [e.action, e.actor])).toEqual([['cancelled', 'operator']]);
  });

  test('workflow cancel (the Web UI Cancel button): the post cancelled, the workflow Canceled', async () => {
    const seeded = await h.seed({ scheduledAt: inMs(60_000) });
    const handle = await h.start(seeded, { scheduledAt: inMs(60_000).toISOString() });
    await temporal('cancel', '--workflow-id', publishWorkflowId(seeded.postId));
    await eventually(async () => ((await handle.describe()).status.name === 'CANCELLED' ? true : undefined));
    expect((await readRows(h.orm, seeded)).post.status).toBe('cancelled');
    expect((await timeline(seeded)).map((e) => [e.action, e.actor])).toEqual([['cancelled', 'operator']]);
  });

  test('signal publishNow: published at once, the round started by an operator', async () => {
    const seeded = await h.seed({ scheduledAt: inMs(3_600_000) });
    const handle = await h.start(seeded, { scheduledAt: inMs(3_600_000).toISOString() });
    await signal(seeded, 'publishNow', {});
    expect((await handle.result()).state).toBe('published');
    const entries = await timeline(seeded);
    expect(entries[0]).toMatchObject({
      action: 'publishing',
      actor: 'operator',
      data: { reason: 'publish_now' },
    });
  });

  test('signal retry after a failure: published, the round started by an operator', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    h.emulator.setFaults({ failNext: { status: 503, count: 2 } });
    const handle = await h.start(seeded, {
      retry: { maximumAttempts: 2, initialIntervalMs: 100 },
      retryWindowMs: 60_000,
    });
    await eventually(async () => ((await handle.query(statusQuery)).state === 'failed' ? true : undefined));
    expect((await readRows(h.orm, seeded)).post.status).toBe('failed');
    await signal(seeded, 'retry', {});
    expect((await handle.result()).state).toBe('published');
    const entries = (await timeline(seeded)).map((e) => [e.action, e.actor]);
    expect(entries).toEqual([
      ['publishing', 'workflow'],
      ['failed', 'workflow'],
      ['publishing', 'operator'],
      ['target_published', 'workflow'],
      ['published', 'workflow'],
    ]);
  });
});
