import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { initOrm, type MikroORM, Organization, Post, PostTarget, SocialAccount } from '@vibetribe/database';
import { createLogger, createSecretBox } from '@vibetribe/runtime';
import { createActivities } from './activities';
import type { PostStatusChangedInit } from './events';
import { tryLedgerLock } from './ledger';

jest.setTimeout(30_000);

let orm: MikroORM;
const events: PostStatusChangedInit[] = [];
let activities: ReturnType<typeof createActivities>;
beforeAll(async () => {
  orm = await initOrm(process.env.DATABASE_URL ?? '');
  activities = createActivities({
    orm,
    connectors: {},
    secrets: createSecretBox(process.env.ENCRYPTION_KEY ?? ''),
    events: { statusChanged: (e) => Promise.resolve(void events.push(e)) },
    logger: createLogger('activities-test', 'silent'),
  });
});
afterAll(() => orm?.close());

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

const mark = (attempt: number, postId: string, version = 1) =>
  new MockActivityEnvironment({ attempt }).run(activities.markPublishing, {
    postId,
    version,
    round: 1,
    reason: 'timer_fired' as const,
  });

describe('markPublishing', () => {
  test('a post the starter has not committed yet is retried, then given up on', async () => {
    await expect(mark(1, randomUUID())).rejects.toMatchObject({ type: 'PostNotCommitted' });
    await expect(mark(5, randomUUID())).resolves.toMatchObject({ kind: 'skip', reason: 'missing' });
  });

  test('a version behind the workflow is retried for a while, then the database wins', async () => {
    const { post } = await seedPost('scheduled');
    await expect(mark(1, post.id, 2)).rejects.toMatchObject({ type: 'PostNotCommitted' });
    await expect(mark(5, post.id, 2)).resolves.toMatchObject({ kind: 'ready', version: 1 });
  });

  test('moves the post and its targets to publishing, audited and announced', async () => {
    const { post, target } = await seedPost('scheduled');
    const result = await mark(1, post.id);
    expect(result).toMatchObject({
      kind: 'ready',
      version: 1,
      targets: [{ targetId: target.id, status: 'publishing' }],
    });
    expect((await orm.em.fork().findOneOrFail(Post, post.id)).status).toBe('publishing');
    expect(events.at(-1)).toMatchObject({
      postId: post.id,
      status: 'publishing',
      previousStatus: 'scheduled',
      reason: 'timer_fired',
    });
  });

  test('a deleted or draft post is not published', async () => {
    const { post } = await seedPost('scheduled');
    await orm.em.fork().nativeUpdate(Post, { id: post.id }, { deletedAt: new Date(), status: 'cancelled' });
    await expect(mark(1, post.id)).resolves.toMatchObject({ kind: 'skip', reason: 'deleted' });
    const draft = await seedPost('draft');
    await expect(mark(1, draft.post.id)).resolves.toMatchObject({ kind: 'skip', reason: 'not_publishable' });
  });
});

describe('markCancelled', () => {
  test('cancels a scheduled post and its targets; leaves a post moved back to draft alone', async () => {
    const { post, target } = await seedPost('scheduled');
    await expect(activities.markCancelled({ postId: post.id, reason: 'test' })).resolves.toEqual({
      status: 'cancelled',
    });
    expect((await orm.em.fork().findOneOrFail(PostTarget, target.id)).status).toBe('cancelled');
    const draft = await seedPost('draft');
    await expect(activities.markCancelled({ postId: draft.post.id, reason: 'unscheduled' })).resolves.toEqual(
      { status: 'draft' },
    );
  });
});

describe('the ledger lock', () => {
  test('is held by one attempt at a time', async () => {
    const ref = randomUUID();
    const knex = orm.em.getKnex();
    await knex.transaction(async (first) => {
      expect(await tryLedgerLock(first, ref)).toBe(true);
      await knex.transaction(async (second) => {
        expect(await tryLedgerLock(second, ref)).toBe(false);
      });
    });
    await knex.transaction(async (third) => {
      expect(await tryLedgerLock(third, ref)).toBe(true);
    });
  });
});
