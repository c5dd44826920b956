import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Post } from '@vibetribe/database';
import { type Harness, startHarness } from '../testing/harness';
import { eventually, readRows, timelineOf } from '../testing/expect';
import type { SeededPost } from '../testing/seed';

// `npm run ops -- post …` runs this script (the root package.json's `ops`); the test runs the built
// script the same way, against the test's server, and checks the post follows as for CLI signals.
const SCRIPT = join(__dirname, '..', '..', 'dist', 'ops', 'ops-main.js');
const run = promisify(execFile);

/** Runs `npm run ops -- <args>`; resolves with the exit code and what it printed. */
async function ops(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [SCRIPT, ...args], { env: process.env });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
afterEach(() => h.emulator.clearFaults());

const inMs = (ms: number) => new Date(Date.now() + ms);

/** The timeline as (action, actor type, whether the CLI was the actor). */
const timeline = async (post: SeededPost) =>
  (await timelineOf(h.orm, post.postId)).map((e) => [
    e.action,
    e.actor,
    e.actorId?.startsWith('cli:') ?? false,
  ]);

describe('npm run ops -- post …', () => {
  test('status, reschedule (and a refused one), publish-now: the workflow acts, the row and timeline follow', async () => {
    const seeded = await h.seed({ scheduledAt: inMs(60_000) });
    const handle = await h.start(seeded, { scheduledAt: inMs(60_000).toISOString() });
    const status = await ops('post', 'status', seeded.postId);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({ postId: seeded.postId, state: 'waiting', version: 1 });

    const later = inMs(3_600_000).toISOString();
    const moved = await ops('post', 'reschedule', seeded.postId, later);
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.out)).toMatchObject({ nextFireAt: later, version: 2 });
    expect((await h.orm.em.fork().findOneOrFail(Post, seeded.postId)).scheduledAt?.toISOString()).toBe(later);

    const refused = await ops('post', 'reschedule', seeded.postId, '2000-01-01T00:00:00Z');
    expect(refused).toMatchObject({ code: 1, out: expect.stringMatching(/refused: .*not in the future/) });

    expect((await ops('post', 'publish-now', seeded.postId)).code).toBe(0);
    expect((await handle.result()).state).toBe('published');
    expect(await timeline(seeded)).toEqual([
      // The refused time was answered as an error (an update); it changed nothing.
      ['rescheduled', 'operator', true],
      ['publishing', 'operator', true],
      ['target_published', 'workflow', false],
      ['published', 'workflow', false],
    ]);
  });

  test('cancel: the post and its target cancelled by the operator', async () => {
    const seeded = await h.seed({ scheduledAt: inMs(60_000) });
    const handle = await h.start(seeded, { scheduledAt: inMs(60_000).toISOString() });
    expect((await ops('post', 'cancel', seeded.postId)).code).toBe(0);
    expect((await handle.result()).state).toBe('cancelled');
    const rows = await readRows(h.orm, seeded);
    expect([rows.post.status, rows.target.status]).toEqual(['cancelled', 'cancelled']);
    expect(await timeline(seeded)).toEqual([['cancelled', 'operator', true]]);
  });

  test('retry after a failure: published, the round started by the operator', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    h.emulator.setFaults({ failNext: { status: 503, count: 2 } });
    const handle = await h.start(seeded, {
      retry: { maximumAttempts: 2, initialIntervalMs: 100 },
      retryWindowMs: 60_000,
    });
    await eventually(async () =>
      (await readRows(h.orm, seeded)).post.status === 'failed' ? true : undefined,
    );
    expect((await ops('post', 'retry', seeded.postId)).code).toBe(0);
    expect((await handle.result()).state).toBe('published');
    expect((await timeline(seeded))[2]).toEqual(['publishing', 'operator', true]);
  });

  test('an unknown post, or a wrong command: a message and a non-zero exit', async () => {
    expect(await ops('post', 'status', '00000000-0000-4000-8000-000000000000')).toEqual({
      code: 2,
      out: expect.stringContaining('no workflow for post'),
    });
    expect(await ops('post', 'explode', 'x')).toMatchObject({
      code: 1,
      out: expect.stringContaining('usage:'),
    });
  });
});
