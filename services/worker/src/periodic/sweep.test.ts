import { Client, Connection } from '@temporalio/client';
import { createPeriodicActivities } from '@vibetribe/activities';
import { AuditEvent, Post, PostTarget, runStatement, statement } from '@vibetribe/database';
import { freePort } from '@vibetribe/testing';
import { PostStatusChangedSchema, postSubject } from '@vibetribe/proto';
import { publishWorkflowId, type SweepReport } from '@vibetribe/workflows';
import { eventually } from '../testing/expect';
import { type PeriodicWorld, startPeriodicWorld } from '../testing/periodic-world';
import type { SeededPost } from '../testing/seed';
import { ensureSchedules } from './schedules';

let w: PeriodicWorld;
beforeAll(async () => {
  w = await startPeriodicWorld({ publishingBoundMs: 60 * 60_000 });
  await ensureSchedules(w.h.client, { taskQueue: w.periodicTaskQueue, idPrefix: w.idPrefix });
}, 60_000);
afterAll(() => w?.close(), 30_000);

const inHours = (n: number) => new Date(Date.now() + n * 3_600_000);

/** Sets a post's status and moves its last change back, past the sweep's grace (and bound). */
const BACKDATE = statement(
  'test-backdate-post',
  `update posts set status = ?, updated_at = now() - make_interval(mins => ?) where id = ?`,
);
const backdate = (post: SeededPost, status: string, minutes: number) =>
  runStatement(w.h.orm.em.fork(), BACKDATE, [status, minutes, post.postId]);

/** Resolves once visibility lists every one of these posts' workflows as running. */
async function listedRunning(posts: SeededPost[]) {
  const ids = posts.map((p) => `'${publishWorkflowId(p.postId)}'`).join(', ');
  const query = `WorkflowId IN (${ids}) AND ExecutionStatus = 'Running'`;
  await eventually(async () =>
    (await w.h.client.workflow.count(query)).count === posts.length ? true : undefined,
  );
}

const SOFT_DELETE = statement(
  'test-soft-delete-posts',
  `update posts set deleted_at = now() where id = any(?::uuid[])`,
);

async function rows(post: SeededPost) {
  const em = w.h.orm.em.fork();
  const p = await em.findOneOrFail(Post, post.postId);
  const t = await em.findOneOrFail(PostTarget, post.targetId);
  const audit = await em.find(AuditEvent, { subjectId: post.postId, action: 'sweep_repaired' });
  return { status: p.status, target: t.status, error: t.lastError, audit: audit.map((a) => a.data) };
}

describe('the stalled-post sweep (triggered through its schedule)', () => {
  test('posts whose workflows visibility lists as running are not described one by one', async () => {
    // More than one visibility query's worth (100), all far ahead and untouched past the grace.
    const posts: SeededPost[] = [];
    for (let i = 0; i < 130; i++) posts.push(await w.h.seed({ scheduledAt: inHours(24 * 30) }));
    await Promise.all(posts.map((p) => w.h.start(p, { scheduledAt: inHours(24 * 30).toISOString() })));
    for (const p of posts) await backdate(p, 'scheduled', 5);
    await listedRunning(posts);

    const report = await w.trigger<SweepReport>('stalled-sweep');
    expect(report).toEqual({ checked: 130, described: 0, repairs: [] });

    // Out of the next test's way: no longer candidates, nor running.
    await runStatement(w.h.orm.em.fork(), SOFT_DELETE, [posts.map((p) => p.postId)]);
    await Promise.all(
      posts.map((p) => w.h.client.workflow.getHandle(publishWorkflowId(p.postId)).terminate('test over')),
    );
  }, 60_000);

  test('repairs each kind of inconsistency, audited and announced; a consistent post is left alone', async () => {
    // 1. scheduled, no workflow at all (its start was lost): restarted under the same id.
    const missing = await w.h.seed({ scheduledAt: inHours(1) });
    await backdate(missing, 'scheduled', 5);
    // 2. scheduled, but the workflow was terminated (the Web UI's Terminate): failed with a reason.
    const terminated = await w.h.seed({ scheduledAt: inHours(1) });
    const handle = await w.h.start(terminated, { scheduledAt: inHours(1).toISOString() });
    await handle.terminate('operator terminated it from the Web UI');
    await backdate(terminated, 'scheduled', 5);
    // 3. publishing for longer than the bound, its workflow still running: failed.
    const stalled = await w.h.seed({ scheduledAt: inHours(1) });
    await w.h.start(stalled, { scheduledAt: inHours(1).toISOString() });
    await backdate(stalled, 'publishing', 90);
    // 4. publishing, and no workflow: failed (its round is lost).
    const lost = await w.h.seed({ scheduledAt: null });
    await backdate(lost, 'publishing', 5);
    // 5. consistent: scheduled with its workflow waiting.
    const fine = await w.h.seed({ scheduledAt: inHours(1) });
    await w.h.start(fine, { scheduledAt: inHours(1).toISOString() });
    await backdate(fine, 'scheduled', 5);
    await listedRunning([fine, stalled]);

    const seen: { postId: string; reason: string; status: string; actor: string }[] = [];
    const subs = [missing, terminated, stalled, lost, fine].map((p) =>
      w.h.bus.subscribe(postSubject(p.organizationId, 'status'), PostStatusChangedSchema, (m) => {
        seen.push({ postId: m.postId, reason: m.reason, status: m.status, actor: m.actor });
      }),
    );

    const report = await w.trigger<SweepReport>('stalled-sweep');
    expect(report.checked).toBe(5);
    // Visibility lists `fine` as running and in order: only the other four were described.
    expect(report.described).toBe(4);
    const byPost = Object.fromEntries(
      report.repairs.map((r) => [r.postId, [r.kind, r.repair, r.workflowStatus]]),
    );
    expect(byPost).toEqual({
      [missing.postId]: ['workflow_missing', 'restarted', 'NOT_FOUND'],
      [terminated.postId]: ['workflow_closed', 'marked_failed', 'TERMINATED'],
      [stalled.postId]: ['publishing_stalled', 'marked_failed', 'RUNNING'],
      [lost.postId]: ['workflow_missing', 'marked_failed', 'NOT_FOUND'],
    });

    const restarted = await w.h.client.workflow.getHandle(publishWorkflowId(missing.postId)).describe();
    expect(restarted.status.name).toBe('RUNNING');
    expect(restarted.taskQueue).toBe(w.h.taskQueue);
    expect(await rows(missing)).toMatchObject({
      status: 'scheduled',
      target: 'pending',
      audit: [{ kind: 'workflow_missing', repair: 'restarted', workflow_status: 'NOT_FOUND' }],
    });
    expect(await rows(terminated)).toMatchObject({
      status: 'failed',
      target: 'failed',
      error: { kind: 'stalled', message: 'the workflow closed (terminated) while the post was scheduled' },
      audit: [{ kind: 'workflow_closed', repair: 'marked_failed', workflow_status: 'TERMINATED' }],
    });
    expect(await rows(stalled)).toMatchObject({
      status: 'failed',
      audit: [{ kind: 'publishing_stalled', repair: 'marked_failed', workflow_status: 'RUNNING' }],
    });
    expect(await rows(lost)).toMatchObject({ status: 'failed', audit: [{ kind: 'workflow_missing' }] });
    expect(await rows(fine)).toMatchObject({ status: 'scheduled', audit: [] });

    await eventually(() => (seen.length >= 4 ? true : undefined));
    subs.forEach((s) => s.unsubscribe());
    expect(seen.map((e) => [e.postId, e.reason, e.status, e.actor]).sort()).toEqual(
      [
        [missing.postId, 'sweep_workflow_missing', 'scheduled', 'system'],
        [terminated.postId, 'sweep_workflow_closed', 'failed', 'system'],
        [stalled.postId, 'sweep_publishing_stalled', 'failed', 'system'],
        [lost.postId, 'sweep_workflow_missing', 'failed', 'system'],
      ].sort(),
    );

    // A second sweep finds nothing more to repair: the restarted post now has its workflow.
    const again = await w.trigger<SweepReport>('stalled-sweep');
    expect(again.repairs).toEqual([]);
    await Promise.all(
      [missing, stalled, fine].map((p) =>
        w.h.client.workflow.getHandle(publishWorkflowId(p.postId)).terminate('test over'),
      ),
    );
  });

  test('Temporal refusing connections: the run fails and repairs nothing', async () => {
    // A post whose workflow is missing: a sweep that could reach Temporal would restart it.
    const missing = await w.h.seed({ scheduledAt: inHours(1) });
    await backdate(missing, 'scheduled', 5);
    // Nothing listens on this port; no retry interceptor, so each call is refused at once.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, interceptors: [] });
    const { sweepStalledPosts } = createPeriodicActivities({
      ...w.periodic,
      temporal: new Client({ connection }),
    });
    await expect(sweepStalledPosts()).rejects.toThrow('Failed to list workflows');
    expect(await rows(missing)).toMatchObject({ status: 'scheduled', target: 'pending', audit: [] });
    await connection.close();
  });
});
