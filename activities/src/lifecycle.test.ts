import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  AuditEvent,
  initOrm,
  type MikroORM,
  Organization,
  type OutboxRelay,
  Post,
  PostTarget,
  PublishLedger,
  SocialAccount,
  startOutboxRelay,
} from '@vibetribe/database';
import {
  connectEventBus,
  type EventBus,
  type PostStatusChanged,
  PostStatusChangedSchema,
} from '@vibetribe/proto';
import { createLogger, createSecretBox } from '@vibetribe/runtime';
import { waitUntil } from '@vibetribe/testing';
import { createActivities } from './activities';
import { CALL_LEASE_S, releaseLease, renewLease, takeLease } from './ledger';

jest.setTimeout(30_000);

let orm: MikroORM;
let bus: EventBus;
let relay: OutboxRelay;
/** The post status events that reached NATS (through the outbox and a relay, this one or another's). */
const events: PostStatusChanged[] = [];
let activities: ReturnType<typeof createActivities>;
beforeAll(async () => {
  orm = await initOrm(process.env.DATABASE_URL ?? '');
  bus = await connectEventBus({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  bus.subscribe('vt.*.post.status', PostStatusChangedSchema, (m) => void events.push(m));
  const logger = createLogger('activities-test', 'silent');
  relay = startOutboxRelay({ orm, publish: (e) => bus.publishStored(e), logger });
  activities = createActivities({
    orm,
    connectors: {},
    secrets: createSecretBox(process.env.ENCRYPTION_KEY ?? ''),
    logger,
  });
});
afterAll(async () => {
  await relay?.stop();
  await bus?.close();
  await orm?.close();
});

async function seedPost(status: Post['status']): Promise<{ post: Post; target: PostTarget }> {
  const em = orm.em.fork();
  const tag = randomUUID().slice(0, 8);
  const org = new Organization(`Org ${tag}`, `org-${tag}`);
  const account = new SocialAccount(org, 'x', tag, `@${tag}`, 'not-encrypted');
  const post = new Post(org, null, 'hello');
  post.status = status;
  const target = new PostTarget(post, account);
  post.targets.add(target);
  em.persist([org, account, post]);
  await em.flush();
  return { post, target };
}

const publish = (
  attempt: number,
  postId: string,
  targetId: string,
  extra: { version?: number; dueAt?: string } = {},
) =>
  new MockActivityEnvironment({ attempt }).run(activities.publishTarget, {
    postId,
    targetId,
    version: extra.version ?? 1,
    round: 1,
    reason: 'timer_fired' as const,
    ...(extra.dueAt ? { dueAt: extra.dueAt } : {}),
  });

const statusOf = async (post: Post, target: PostTarget) => {
  const em = orm.em.fork();
  const [p, t] = await Promise.all([
    em.findOneOrFail(Post, post.id),
    em.findOneOrFail(PostTarget, target.id),
  ]);
  return { post: p.status, target: t.status };
};

const auditOf = async (post: Post) =>
  (await orm.em.fork().find(AuditEvent, { subjectId: post.id }, { orderBy: { seq: 'asc' } })).map(
    (a) => a.action,
  );

// No connector is configured here, so a target that gets past the start fails as `PermanentError`
// ("no connector for x") right before its platform call: these tests are about the start.
describe('publishTarget: the start of an attempt, on the locked post row', () => {
  test('a post the starter has not committed yet is retried once, then given up on', async () => {
    await expect(publish(1, randomUUID(), randomUUID())).rejects.toMatchObject({ type: 'PostNotCommitted' });
    await expect(publish(2, randomUUID(), randomUUID())).resolves.toMatchObject({ kind: 'cancelled' });
  });

  test('a version behind the workflow is retried once, then the database wins', async () => {
    const { post, target } = await seedPost('scheduled');
    await expect(publish(1, post.id, target.id, { version: 2 })).rejects.toMatchObject({
      type: 'PostNotCommitted',
    });
    await expect(publish(2, post.id, target.id, { version: 2 })).rejects.toMatchObject({
      type: 'PermanentError',
    });
  });

  test('moves the post and the target to publishing, audited and announced, before the call', async () => {
    const { post, target } = await seedPost('scheduled');
    await expect(publish(1, post.id, target.id)).rejects.toMatchObject({ type: 'PermanentError' });
    expect(await statusOf(post, target)).toEqual({ post: 'publishing', target: 'publishing' });
    expect(await auditOf(post)).toEqual(['publishing']);
    await waitUntil(() => Promise.resolve(events.some((e) => e.postId === post.id)), 10_000, 'the event');
    expect(events.filter((e) => e.postId === post.id)).toMatchObject([
      {
        postId: post.id,
        status: 'publishing',
        previousStatus: 'scheduled',
        reason: 'timer_fired',
      },
    ]);
  });

  test('a deleted, cancelled or draft post makes no call: its target is cancelled', async () => {
    const deleted = await seedPost('scheduled');
    await orm.em
      .fork()
      .nativeUpdate(Post, { id: deleted.post.id }, { deletedAt: new Date(), status: 'cancelled' });
    await expect(publish(1, deleted.post.id, deleted.target.id)).resolves.toMatchObject({
      kind: 'cancelled',
    });
    expect(await statusOf(deleted.post, deleted.target)).toEqual({ post: 'cancelled', target: 'cancelled' });
    const draft = await seedPost('draft');
    await expect(publish(1, draft.post.id, draft.target.id)).resolves.toMatchObject({ kind: 'cancelled' });
  });

  test('a post the gateway moved later (a newer version, a later time) is not published: moved', async () => {
    const { post, target } = await seedPost('scheduled');
    const later = new Date(Date.now() + 60_000);
    await orm.em.fork().nativeUpdate(Post, { id: post.id }, { scheduledAt: later, version: 2 });
    await expect(publish(1, post.id, target.id, { dueAt: new Date().toISOString() })).resolves.toEqual({
      kind: 'moved',
      targetId: target.id,
      scheduledAt: later.toISOString(),
      version: 2,
    });
    expect(await statusOf(post, target)).toEqual({ post: 'scheduled', target: 'pending' });
  });
});

describe('markCancelled', () => {
  test('cancels a scheduled post and its targets; leaves a post moved back to draft alone', async () => {
    const { post, target } = await seedPost('scheduled');
    await expect(activities.markCancelled({ postId: post.id, reason: 'test' })).resolves.toEqual({
      status: 'cancelled',
    });
    expect(await statusOf(post, target)).toEqual({ post: 'cancelled', target: 'cancelled' });
    const draft = await seedPost('draft');
    await expect(activities.markCancelled({ postId: draft.post.id, reason: 'unscheduled' })).resolves.toEqual(
      { status: 'draft' },
    );
  });

  test('during a round: a target whose call began stays publishing; one not begun makes no call', async () => {
    const { post, target } = await seedPost('scheduled');
    await expect(publish(1, post.id, target.id)).rejects.toMatchObject({ type: 'PermanentError' });
    const em = orm.em.fork();
    const tag = randomUUID().slice(0, 8);
    const account = new SocialAccount(
      em.getReference(Organization, post.organization.id),
      'x',
      tag,
      `@${tag}`,
      'x',
    );
    const other = new PostTarget(em.getReference(Post, post.id), account);
    await em.persist([account, other]).flush();
    await activities.markCancelled({ postId: post.id, reason: 'operator', actor: { type: 'operator' } });
    expect(await statusOf(post, target)).toEqual({ post: 'cancelled', target: 'publishing' });
    expect((await orm.em.fork().findOneOrFail(PostTarget, other.id)).status).toBe('cancelled');
    // The cancel took the post row's lock first: the other target's attempt finds it and stops.
    await expect(publish(1, post.id, other.id)).resolves.toMatchObject({ kind: 'cancelled' });
    expect(await auditOf(post)).toEqual(['publishing', 'cancelled']);
  });
});

describe('the ledger lease on a platform call', () => {
  test('is held by one attempt at a time, renewed while held, and free again once released', async () => {
    const { post, target } = await seedPost('scheduled');
    const em = orm.em.fork();
    const ref = randomUUID().replaceAll('-', '');
    const ledger = new PublishLedger(em.getReference(PostTarget, target.id), post.version, ref);
    await em.persist(ledger).flush();
    const first = await takeLease(orm.em.fork(), ref);
    expect(first).toMatchObject({ id: ledger.id, state: 'intent' });
    expect(first!.leaseUntil!.getTime()).toBeGreaterThan(Date.now() + (CALL_LEASE_S - 2) * 1000);
    expect(await takeLease(orm.em.fork(), ref)).toBeNull();
    await renewLease(orm.em.fork(), ledger.id);
    expect(await takeLease(orm.em.fork(), ref)).toBeNull();
    await releaseLease(orm.em.fork(), ledger.id);
    expect(await takeLease(orm.em.fork(), ref)).toMatchObject({ id: ledger.id });
  });

  test('a lease that lapsed (its worker died) is taken by the next attempt', async () => {
    const { post, target } = await seedPost('scheduled');
    const em = orm.em.fork();
    const ledger = new PublishLedger(
      em.getReference(PostTarget, target.id),
      post.version,
      randomUUID().replaceAll('-', ''),
    );
    ledger.leaseUntil = new Date(Date.now() - 1_000);
    await em.persist(ledger).flush();
    expect(await takeLease(orm.em.fork(), ledger.clientRef)).toMatchObject({ id: ledger.id });
  });
});
