import { Post, PostTarget, SocialAccount } from '@vibetribe/database';
import { createXOAuth, type PlatformOAuth } from '@vibetribe/platforms';
import { encryptAccountTokens } from '@vibetribe/runtime';
import {
  accountTokensStartOptions,
  accountTokensStatusQuery,
  accountTokensWorkflow,
  accountTokensWorkflowId,
  disconnectUpdate,
  organizationIdKey,
  reconnectedUpdate,
  refreshNowUpdate,
} from '@vibetribe/workflows';
import { tokenFingerprint } from '@vibetribe/activities';
import { NotificationSchema, notificationSubject } from '@vibetribe/proto';
import { type Harness, startHarness, X_TEST_CLIENT } from './testing/harness';
import { connectThroughOAuth, storedTokens } from './testing/oauth-account';
import type { SeededPost } from './testing/seed';
import { eventually, postsOf, readRows } from './testing/expect';

// The account token workflow on the dev server, with the X emulator's OAuth: a publish that meets an
// expired token gets a fresh one from it (one refresh for two publishes that met the same token), a
// refused refresh flags the account and tells its people, reconnect goes through it, disconnect ends it.

let h: Harness;
let oauth: PlatformOAuth;
beforeAll(async () => {
  h = await startHarness({ xOAuth: true });
  oauth = createXOAuth(X_TEST_CLIENT(h.emulator.url));
});
afterAll(() => h?.close());
afterEach(() => h.emulator.setFaults({}));

/** The emulator's counters, read through its inspection API. */
async function emulatorStats(): Promise<{ tokenRefreshes: number }> {
  const res = await fetch(`${h.emulator.url}/__emulator/stats`);
  return (await res.json()) as { tokenRefreshes: number };
}

const startTokens = (seeded: SeededPost) =>
  h.client.workflow.start(
    accountTokensWorkflow,
    accountTokensStartOptions(
      { accountId: seeded.accountId, organizationId: seeded.organizationId, platform: 'x' },
      h.taskQueue,
    ),
  );

/** Another post of the same author, organization and account. */
async function secondPost(first: SeededPost): Promise<SeededPost> {
  const em = h.orm.em.fork();
  const original = await em.findOneOrFail(Post, first.postId, { populate: ['author', 'organization'] });
  const post = new Post(original.organization, original.author, `${first.text} (again)`);
  post.status = 'scheduled';
  const target = new PostTarget(post, await em.findOneOrFail(SocialAccount, first.accountId));
  post.targets.add(target);
  await em.persist(post).flush();
  return { ...first, postId: post.id, targetId: target.id, targetIds: [target.id], text: post.content };
}

describe('account token workflow (X emulator)', () => {
  test('two posts meet the same expired token at once: one refresh at the platform, both publish', async () => {
    const first = await h.seed({ scheduledAt: null });
    const connected = await connectThroughOAuth(h, oauth, first, `race-${first.postId.slice(0, 6)}`);
    const second = await secondPost(first);
    h.emulator.setFaults({ expireTokens: true });
    const before = (await emulatorStats()).tokenRefreshes;

    const results = await Promise.all([(await h.start(first)).result(), (await h.start(second)).result()]);

    expect(results.map((r) => r.state)).toEqual(['published', 'published']);
    expect((await emulatorStats()).tokenRefreshes - before).toBe(1);
    expect(h.emulator.posts(connected.externalId)).toHaveLength(2);
    const stored = await storedTokens(h, first);
    expect(stored.accessToken).not.toBe(connected.tokens.accessToken);
    const status = await h.client.workflow
      .getHandle(accountTokensWorkflowId(first.accountId))
      .query(accountTokensStatusQuery);
    expect(status).toEqual({ refreshes: 1, state: 'watching' });
  });

  test('a refresh request for a token already replaced refreshes nothing', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    await connectThroughOAuth(h, oauth, seeded, `cur-${seeded.postId.slice(0, 6)}`);
    const handle = await startTokens(seeded);
    const before = (await emulatorStats()).tokenRefreshes;
    await expect(
      handle.executeUpdate(refreshNowUpdate, { args: [{ usedTokenFingerprint: tokenFingerprint('old') }] }),
    ).resolves.toBe('current');
    expect((await emulatorStats()).tokenRefreshes).toBe(before);
  });

  test('reconnected: new tokens are stored through the workflow and the account is connected again', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    const connected = await connectThroughOAuth(h, oauth, seeded, `re-${seeded.postId.slice(0, 6)}`);
    // The grant is spent elsewhere: the platform refuses the refresh.
    await oauth.refresh({ externalId: connected.externalId, ...connected.tokens });
    const handle = await startTokens(seeded);
    const refused = await handle.executeUpdate(refreshNowUpdate, {
      args: [{ usedTokenFingerprint: tokenFingerprint(connected.tokens.accessToken) }],
    });
    expect(refused).toBe('refused');
    expect((await storedTokens(h, seeded)).status).toBe('needs_reconnect');

    const expiresAt = new Date(Date.now() + 3_600_000);
    const enc = encryptAccountTokens(h.secrets, seeded.organizationId, seeded.accountId, {
      accessToken: 'new-access',
      refreshToken: 'new-refresh',
    });
    await handle.executeUpdate(reconnectedUpdate, { args: [{ ...enc, expiresAt: expiresAt.toISOString() }] });
    const stored = await storedTokens(h, seeded);
    expect(stored).toMatchObject({
      status: 'connected',
      accessToken: 'new-access',
      refreshToken: 'new-refresh',
    });
    expect(stored.expiresAt?.getTime()).toBe(expiresAt.getTime());
    // Ciphertexts only: no token in the workflow's history.
    const history = JSON.stringify(await handle.fetchHistory());
    expect(history).not.toContain('new-access');
    expect(history).not.toContain(connected.tokens.accessToken);
  });

  test('its organization finds it in visibility by VtOrgId, as it finds its posts', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    const handle = await startTokens(seeded);
    expect((await handle.describe()).typedSearchAttributes.get(organizationIdKey)).toBe(
      seeded.organizationId,
    );
    const query = `VtOrgId = '${seeded.organizationId}' AND WorkflowId = '${handle.workflowId}'`;
    await eventually(async () => ((await h.client.workflow.count(query)).count === 1 ? true : undefined));
    await handle.executeUpdate(disconnectUpdate);
  });

  test('disconnect ends the workflow', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    const handle = await startTokens(seeded);
    await handle.executeUpdate(disconnectUpdate);
    await expect(handle.result()).resolves.toBeUndefined();
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });
});

describe('token refresh at publish time (X emulator)', () => {
  test('an expired token is refreshed once and stored encrypted; the post goes out once', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    const connected = await connectThroughOAuth(h, oauth, seeded, `ada-${seeded.postId.slice(0, 6)}`);
    h.emulator.setFaults({ expireTokens: true });

    const result = await (await h.start(seeded)).result();
    expect(result.state).toBe('published');
    expect(h.emulator.posts(connected.externalId)).toHaveLength(1);
    const after = await storedTokens(h, seeded);
    expect(after.status).toBe('connected');
    expect(after.accessToken).not.toBe(connected.tokens.accessToken);
    expect(after.refreshToken).not.toBe(connected.tokens.refreshToken);
    expect((await readRows(h.orm, seeded)).target.attempts).toBe(1);
  });

  test('a refresh the platform refuses flags the account and notifies its owner, with the posts at stake', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    const connected = await connectThroughOAuth(h, oauth, seeded, `bob-${seeded.postId.slice(0, 6)}`);
    // The grant is gone: the stored refresh token is spent elsewhere.
    await oauth.refresh({ externalId: connected.externalId, ...connected.tokens });
    h.emulator.setFaults({ expireTokens: true });
    const notes: { kind: string; userIds: string[]; accountId: string; text: string }[] = [];
    const sub = h.bus.subscribe(
      notificationSubject(seeded.organizationId, 'created'),
      NotificationSchema,
      (n) => {
        notes.push(n);
      },
    );
    try {
      const result = await (await h.start(seeded, { retryWindowMs: 1_000 })).result();
      expect(result.state).toBe('failed');
      expect(result.targets[0]).toMatchObject({ status: 'failed', error: { kind: 'auth' } });
      expect(postsOf(h.emulator, seeded)).toHaveLength(0);
      expect((await storedTokens(h, seeded)).status).toBe('needs_reconnect');
      const [note] = await eventually(() => (notes.length > 0 ? notes : undefined));
      expect(note).toMatchObject({ kind: 'account_needs_reconnect', accountId: seeded.accountId });
      expect(note!.userIds).toEqual([connected.authorId]);
      // No token in what the people are told.
      const told = JSON.stringify(notes, (_key, value: unknown) =>
        typeof value === 'bigint' ? String(value) : value,
      );
      expect(told).not.toContain(connected.tokens.accessToken);
    } finally {
      sub.unsubscribe();
    }
  });
});
