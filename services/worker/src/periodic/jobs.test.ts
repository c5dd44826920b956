import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  AnalyticsSnapshot,
  AuditEvent,
  Media,
  Organization,
  RefreshToken,
  runStatement,
  statement,
  User,
} from '@vibetribe/database';
import { mediaKey } from '@vibetribe/media-storage';
import { AnalyticsUpdatedSchema, analyticsSubject, HealthCheckedSchema, opsSubject } from '@vibetribe/proto';
import type { AnalyticsSyncReport, CleanupReport, HealthReport } from '@vibetribe/workflows';
import { eventually } from '../testing/expect';
import { type PeriodicWorld, startPeriodicWorld } from '../testing/periodic-world';
import { ensureSchedules } from './schedules';

let w: PeriodicWorld;
beforeAll(async () => {
  w = await startPeriodicWorld();
  await ensureSchedules(w.h.client, { taskQueue: w.periodicTaskQueue, idPrefix: w.idPrefix });
}, 60_000);
afterAll(() => w?.close(), 30_000);

/** Backdates a row of `table` (a statement per table: one name, one text). */
const age = (table: string, id: string, days: number) =>
  runStatement(
    w.h.orm.em.fork(),
    statement(
      `test-age-${table}`,
      `update ${table} set created_at = now() - make_interval(days => ?) where id = ?`,
    ),
    [days, id],
  );

describe('triggering each schedule runs its job', () => {
  test('health check: pollers, dependencies and backlog reported, and published on vt.system.ops.health', async () => {
    const seen: boolean[] = [];
    const sub = w.h.bus.subscribe(opsSubject('health'), HealthCheckedSchema, (m) => {
      seen.push(m.ok);
    });
    const report = await w.trigger<HealthReport>('health-check');
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      [`pollers:${w.h.taskQueue}`, true],
      [`pollers:${w.periodicTaskQueue}`, true],
      ['postgres', true],
      ['nats', true],
      ['redis', true],
      ['storage', true],
      ['publish_backlog', true],
    ]);
    expect(report.ok).toBe(true);
    await eventually(() => (seen.length > 0 ? true : undefined));
    sub.unsubscribe();
  });

  test('analytics sync: a published target gets a snapshot per run, and an analytics-update event', async () => {
    const seeded = await w.h.seed({ scheduledAt: null });
    const result = await (await w.h.start(seeded)).result();
    expect(result.state).toBe('published');
    const tweetId = result.targets[0]!.platformPostId!;
    const events: Record<string, bigint>[] = [];
    const sub = w.h.bus.subscribe(
      analyticsSubject(seeded.organizationId, 'updated'),
      AnalyticsUpdatedSchema,
      (m) => {
        events.push(m.metrics);
      },
    );
    w.h.emulator.setMetrics(tweetId, { like_count: 4, retweet_count: 1, impression_count: 50 });
    expect(await w.trigger<AnalyticsSyncReport>('analytics-sync')).toEqual({
      targets: 1,
      snapshots: 1,
      failures: 0,
    });
    w.h.emulator.setMetrics(tweetId, { like_count: 9 });
    await w.trigger<AnalyticsSyncReport>('analytics-sync');
    const snaps = await w.h.orm.em
      .fork()
      .find(AnalyticsSnapshot, { targetId: seeded.targetId }, { orderBy: { collectedAt: 'asc' } });
    expect(snaps.map((s) => [s.granularity, s.metrics.likes, s.metrics.impressions])).toEqual([
      ['raw', 4, 50],
      ['raw', 9, 50],
    ]);
    await eventually(() => (events.length === 2 ? true : undefined));
    sub.unsubscribe();
    expect(events[1]).toMatchObject({ likes: 9n, reposts: 1n });
  });

  test('cleanup: expired tokens, orphaned media (file and row), old timelines of final posts, snapshots rolled up', async () => {
    const em = w.h.orm.em.fork();
    const org = new Organization('Cleanup', `cleanup-${randomUUID().slice(0, 8)}`);
    const user = new User(`c-${randomUUID().slice(0, 8)}@example.test`, 'C', 'x');
    const expired = new RefreshToken(
      user,
      randomUUID(),
      randomUUID().replace(/-/g, ''),
      new Date(Date.now() - 1000),
    );
    const live = new RefreshToken(
      user,
      randomUUID(),
      randomUUID().replace(/-/g, ''),
      new Date(Date.now() + 3_600_000),
    );
    const orphanId = randomUUID();
    const orphanKey = `${mediaKey({ organizationId: org.id, userId: user.id, mediaId: orphanId })}.jpg`;
    const orphan = new Media(org, {
      kind: 'image',
      mime: 'image/jpeg',
      bytes: 3,
      storage: 'local',
      publicId: orphanKey,
      url: 'http://127.0.0.1/x',
      sha256: 'x',
    });
    orphan.id = orphanId;
    const young = new Media(org, { ...orphan, publicId: `${orphanKey}-young.jpg`, url: 'u', sha256: 'y' });
    young.id = randomUUID();
    em.persist([org, user, expired, live, orphan, young]);
    await em.flush();
    const file = join(w.mediaDir, orphanKey);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'abc');
    await age('media', orphan.id, 8);

    // A final post's timeline, its last change 400 days ago, goes; a waiting post's, as old, stays.
    const done = await w.h.seed({ scheduledAt: null });
    const waiting = await w.h.seed({ scheduledAt: new Date(Date.now() + 3_600_000) });
    await runStatement(
      em,
      statement(
        'test-final',
        `update posts set status = 'published', updated_at = now() - interval '400 days' where id = ?`,
      ),
      [done.postId],
    );
    for (const post of [done, waiting]) {
      const entry = new AuditEvent(em.getReference(Organization, post.organizationId), {
        subjectType: 'post',
        subjectId: post.postId,
        action: 'created',
        actorType: 'user',
      });
      await em.persist(entry).flush();
      await age('audit_events', entry.id, 400);
    }

    // Three readings on one day 10 days ago roll up into that day's last; today's stays raw.
    const at = (daysAgo: number, hour: number) => {
      const d = new Date(Date.now() - daysAgo * 86_400_000);
      d.setUTCHours(hour, 0, 0, 0);
      return d;
    };
    const snap = (collectedAt: Date, likes: number) =>
      new AnalyticsSnapshot(org, {
        postId: done.postId,
        targetId: done.targetId,
        accountId: done.accountId,
        platform: 'x',
        collectedAt,
        metrics: { likes },
      });
    em.persist([snap(at(10, 1), 1), snap(at(10, 2), 2), snap(at(10, 3), 3), snap(at(0, 0), 4)]);
    await em.flush();

    const report = await w.trigger<CleanupReport>('cleanup');
    expect(report).toMatchObject({
      refreshTokens: 1,
      orphanedMedia: 1,
      auditEvents: 1,
      snapshotsRolledUp: 1,
    });
    expect(report.snapshotsDeleted).toBe(2);

    const after = w.h.orm.em.fork();
    expect(await after.count(RefreshToken, { id: [expired.id, live.id] })).toBe(1);
    expect(await after.count(Media, { id: [orphan.id, young.id] })).toBe(1);
    expect(existsSync(file)).toBe(false);
    expect(await after.count(AuditEvent, { subjectId: done.postId })).toBe(0);
    expect(await after.count(AuditEvent, { subjectId: waiting.postId })).toBe(1);
    const snaps = await after.find(
      AnalyticsSnapshot,
      { targetId: done.targetId },
      { orderBy: { collectedAt: 'asc' } },
    );
    expect(snaps.map((s) => [s.granularity, s.metrics.likes])).toEqual([
      ['day', 3],
      ['raw', 4],
    ]);
  });
});
