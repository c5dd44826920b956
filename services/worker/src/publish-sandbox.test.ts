import { PostTarget, SocialAccount } from '@vibetribe/database';
import { type PostStatusChanged, PostStatusChangedSchema, postSubject } from '@vibetribe/proto';
import { type Harness, startHarness } from './testing/harness';
import { eventually } from './testing/expect';

// A sandbox account's post is marked as such in its events, as in the API: a consumer of
// vt.<org>.post.status (and the Socket.IO relay) never takes it for a real one.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

test("a sandbox target's status events carry sandbox: true; a real one's false", async () => {
  const sandboxed = await h.seed({ scheduledAt: null, targets: 2 });
  const em = h.orm.em.fork();
  await em.nativeUpdate(SocialAccount, { id: sandboxed.accountId }, { sandbox: true });
  await em.nativeUpdate(PostTarget, { id: sandboxed.targetId }, { sandbox: true });
  const seen: PostStatusChanged[] = [];
  const sub = h.bus.subscribe(
    postSubject(sandboxed.organizationId, 'status'),
    PostStatusChangedSchema,
    (m) => {
      seen.push(m);
    },
  );
  try {
    expect((await (await h.start(sandboxed)).result()).state).toBe('published');
    const published = await eventually(() => seen.find((e) => e.status === 'published'));
    const byTarget = Object.fromEntries(published.targets.map((t) => [t.targetId, t.sandbox]));
    expect(byTarget).toEqual({ [sandboxed.targetIds[0]!]: true, [sandboxed.targetIds[1]!]: false });
    expect(seen.every((e) => e.targets.find((t) => t.targetId === sandboxed.targetId)?.sandbox)).toBe(true);
  } finally {
    sub.unsubscribe();
  }
});
