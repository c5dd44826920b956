import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Post } from '@vibetribe/database';
import { PostStatusChangedSchema, postSubject } from '@vibetribe/proto';
import {
  cancelSignal,
  publishNowSignal,
  rescheduleSignal,
  rescheduleUpdate,
  statusQuery,
} from '@vibetribe/workflows';
import { type Harness, startHarness } from './testing/harness';
import { eventually, postsOf, readRows, sleep } from './testing/expect';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const inMs = (ms: number) => new Date(Date.now() + ms);

describe('scheduled publishing (dev server, X emulator, Postgres)', () => {
  test('a post due in 3 s reaches the platform within 1 s of its time', async () => {
    const due = inMs(3_000);
    const seeded = await h.seed({ scheduledAt: due });
    const seen: string[] = [];
    const sub = h.bus.subscribe(
      postSubject(seeded.organizationId, 'status'),
      PostStatusChangedSchema,
      (m) => {
        seen.push(m.status);
      },
    );
    const handle = await h.start(seeded, { scheduledAt: due.toISOString() });
    expect((await handle.query(statusQuery)).nextFireAt).toBe(due.toISOString());

    const result = await handle.result();
    const [post] = postsOf(h.emulator, seeded);
    const lateMs = Date.parse(post!.receivedAt) - due.getTime();
    console.info(`due-in-3s post reached the emulator ${lateMs} ms after its time`);
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(1_000);
    expect(result.state).toBe('published');
    expect(result.targets[0]).toMatchObject({ status: 'published', platformPostId: post!.id, attempts: 1 });

    const rows = await readRows(h.orm, seeded);
    expect(rows.post.status).toBe('published');
    expect(rows.target).toMatchObject({ status: 'published', platformPostId: post!.id, attempts: 1 });
    expect(rows.ledger).toHaveLength(1);
    expect(rows.ledger[0]).toMatchObject({ state: 'confirmed', platformPostId: post!.id, calls: 1 });
    expect(rows.actions).toEqual(['publishing', 'target_published', 'published']);
    await sleep(200);
    sub.unsubscribe();
    // The only target's confirmation wrote the post's outcome: one event for each status, and no
    // bookkeeping local activity in the history.
    expect(seen).toEqual(['publishing', 'published']);
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.some((e) => e.markerRecordedEventAttributes)).toBe(false);
  });

  test('a post with three targets: each published once, the post published by the last one', async () => {
    const seeded = await h.seed({ scheduledAt: null, targets: 3 });
    const handle = await h.start(seeded);
    const result = await handle.result();
    expect(result.state).toBe('published');
    expect(result.targets.map((t) => t.status)).toEqual(['published', 'published', 'published']);
    const rows = await readRows(h.orm, seeded);
    expect(rows.post.status).toBe('published');
    expect(rows.actions.filter((a) => a === 'target_published')).toHaveLength(3);
    expect(rows.actions.filter((a) => a === 'published')).toHaveLength(1);
    // Concurrent confirmations take the post row's lock in turn: exactly one of them ends the post.
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.some((e) => e.markerRecordedEventAttributes)).toBe(false);
  });

  test('reschedule earlier moves the timer forward', async () => {
    const seeded = await h.seed({ scheduledAt: inMs(60_000) });
    const handle = await h.start(seeded, { scheduledAt: inMs(60_000).toISOString() });
    const due = inMs(2_000);
    // As the gateway does: the row first (the version grows with every edit), then the signal.
    await h.orm.em.fork().nativeUpdate(Post, { id: seeded.postId }, { scheduledAt: due, version: 2 });
    await handle.signal(rescheduleSignal, { scheduledAt: due.toISOString(), version: 2 });
    expect(await handle.result()).toMatchObject({ state: 'published', version: 2 });
    const lateMs = Date.parse(postsOf(h.emulator, seeded)[0]!.receivedAt) - due.getTime();
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(1_000);
    expect((await readRows(h.orm, seeded)).ledger[0]?.contentVersion).toBe(2);
  });

  test('reschedule later (by update) moves the timer back', async () => {
    const seeded = await h.seed({ scheduledAt: inMs(1_500) });
    const handle = await h.start(seeded, { scheduledAt: inMs(1_500).toISOString() });
    const due = inMs(4_000);
    const status = await handle.executeUpdate(rescheduleUpdate, {
      args: [{ scheduledAt: due.toISOString(), version: 1 }],
    });
    expect(status).toMatchObject({ state: 'waiting', nextFireAt: due.toISOString() });
    await sleep(2_500);
    expect(postsOf(h.emulator, seeded)).toHaveLength(0);
    await handle.result();
    const lateMs = Date.parse(postsOf(h.emulator, seeded)[0]!.receivedAt) - due.getTime();
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(1_000);
  });

  // The gateway writes the row before it signals, so a round that began as the edit landed checks
  // the row (on its lock) before any platform call.
  test('a round finds the row moved later, its signal not delivered: it waits for the new time', async () => {
    const due = inMs(2_500);
    const seeded = await h.seed({ scheduledAt: due });
    const handle = await h.start(seeded, { scheduledAt: due.toISOString() });
    const later = inMs(5_000);
    // The gateway's edit, committed, with its signal not (yet) delivered.
    await h.orm.em.fork().nativeUpdate(Post, { id: seeded.postId }, { scheduledAt: later, version: 2 });
    await sleep(due.getTime() - Date.now());
    // The round begins at the old time, finds the row moved, and goes back to waiting.
    const status = await eventually(async () => {
      const s = await handle.query(statusQuery);
      return s.version === 2 ? s : undefined;
    });
    expect(status).toMatchObject({ state: 'waiting', version: 2, nextFireAt: later.toISOString() });
    expect(postsOf(h.emulator, seeded)).toHaveLength(0);
    expect(await handle.result()).toMatchObject({ state: 'published', version: 2 });
    const lateMs = Date.parse(postsOf(h.emulator, seeded)[0]!.receivedAt) - later.getTime();
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(1_000);
    const rows = await readRows(h.orm, seeded);
    expect(rows.ledger).toHaveLength(1);
    expect(rows.actions).toEqual(['publishing', 'target_published', 'published']);
  });

  test('a round finds the post deleted, its signal not delivered: never published, target cancelled', async () => {
    const due = inMs(2_000);
    const seeded = await h.seed({ scheduledAt: due });
    const handle = await h.start(seeded, { scheduledAt: due.toISOString() });
    await h.orm.em
      .fork()
      .nativeUpdate(Post, { id: seeded.postId }, { status: 'cancelled', deletedAt: new Date() });
    expect(await handle.result()).toMatchObject({ state: 'cancelled' });
    await sleep(due.getTime() + 500 - Date.now());
    expect(postsOf(h.emulator, seeded)).toHaveLength(0);
    const rows = await readRows(h.orm, seeded);
    expect(rows.post.status).toBe('cancelled');
    expect(rows.target.status).toBe('cancelled');
    // The gateway's delete wrote its own entry; the round found nothing to change.
    expect(rows.actions).toEqual([]);
  });

  test('cancel before the time: never published, the post is cancelled', async () => {
    const seeded = await h.seed({ scheduledAt: inMs(2_000) });
    const handle = await h.start(seeded, { scheduledAt: inMs(2_000).toISOString() });
    await handle.signal(cancelSignal, { reason: 'changed my mind', actor: { type: 'user', id: 'u1' } });
    expect((await handle.result()).state).toBe('cancelled');
    await sleep(2_500);
    expect(postsOf(h.emulator, seeded)).toHaveLength(0);
    const rows = await readRows(h.orm, seeded);
    expect(rows.post.status).toBe('cancelled');
    expect(rows.target.status).toBe('cancelled');
    expect(rows.actions).toEqual(['cancelled']);
  });

  test('publishNow publishes a post scheduled for next hour at once', async () => {
    const seeded = await h.seed({ scheduledAt: inMs(3_600_000) });
    const handle = await h.start(seeded, { scheduledAt: inMs(3_600_000).toISOString() });
    const asked = Date.now();
    await handle.signal(publishNowSignal, { version: 1, actor: { type: 'user', id: 'u1' } });
    expect((await handle.result()).state).toBe('published');
    expect(Date.parse(postsOf(h.emulator, seeded)[0]!.receivedAt) - asked).toBeLessThan(1_000);
  });

  test('the status query shows the targets while the post waits; its first task only sets the timer', async () => {
    const seeded = await h.seed({ scheduledAt: inMs(3_600_000) });
    const handle = await h.start(seeded, { scheduledAt: inMs(3_600_000).toISOString() });
    expect(await handle.query(statusQuery)).toMatchObject({
      state: 'waiting',
      targets: [{ targetId: seeded.targetId, platform: 'x', status: 'pending', attempts: 0 }],
    });
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.some((e) => e.markerRecordedEventAttributes)).toBe(false);
    expect(events.filter((e) => e.timerStartedEventAttributes)).toHaveLength(1);
    await handle.signal(cancelSignal, {});
    expect((await handle.result()).state).toBe('cancelled');
  });

  test('rescheduleSync is rejected once publishing has begun', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    h.emulator.setFaults({ failNext: { status: 403, count: 1 } });
    const handle = await h.start(seeded, { retryWindowMs: 60_000 });
    for (let i = 0; i < 100 && (await handle.query(statusQuery)).state !== 'failed'; i++) await sleep(100);
    const update = handle.executeUpdate(rescheduleUpdate, {
      args: [{ scheduledAt: inMs(60_000).toISOString(), version: 1 }],
    });
    await expect(update).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await handle.signal(cancelSignal, {});
    expect((await handle.result()).state).toBe('failed');
  });
});
