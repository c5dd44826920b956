import { PublishLedger } from '@vibetribe/database';
import { type Harness, startHarness } from './testing/harness';
import { postsOf, readRows } from './testing/expect';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
afterEach(() => h.emulator.clearFaults());

describe('effectively-once publishing through the ledger', () => {
  test('the platform accepts, then the response is lost: reconciled, exactly one post', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    h.emulator.setFaults({ dropResponseNext: 1 });
    const result = await (await h.start(seeded, { retry: { initialIntervalMs: 200 } })).result();
    expect(result.state).toBe('published');
    const posts = postsOf(h.emulator, seeded);
    expect(posts).toHaveLength(1);
    expect(h.emulator.stats().creates.dropped).toBe(1);
    const rows = await readRows(h.orm, seeded);
    expect(rows.target).toMatchObject({ status: 'published', platformPostId: posts[0]!.id, attempts: 2 });
    // One create call: the second attempt found the post by looking, not by posting again.
    expect(rows.ledger[0]).toMatchObject({ state: 'confirmed', calls: 1, platformPostId: posts[0]!.id });
  });

  test('a confirmed ledger row is reused as is: no second call', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    await (await h.start(seeded)).result();
    const em = h.orm.em.fork();
    await em.nativeUpdate(PublishLedger, { target: seeded.targetId }, { calls: 1 });
    const { createActivities } = await import('@vibetribe/activities');
    const again = createActivities({
      orm: h.orm,
      connectors: {},
      secrets: h.secrets,
      logger: { info: () => undefined, warn: () => undefined } as never,
    });
    const out = await again.publishTarget({
      postId: seeded.postId,
      targetId: seeded.targetId,
      version: 1,
      round: 1,
      reason: 'retry',
    });
    expect(out).toMatchObject({
      kind: 'published',
      reused: true,
      platformPostId: postsOf(h.emulator, seeded)[0]!.id,
    });
    expect(postsOf(h.emulator, seeded)).toHaveLength(1);
  });
});
