import { Membership, Organization, Post, SocialAccount, type User } from '@vibetribe/database';
import { createPkcePair, createXOAuth, type PlatformOAuth } from '@vibetribe/platforms';
import { NotificationSchema, notificationSubject } from '@vibetribe/proto';
import { decryptAccountTokens, encryptAccountTokens } from '@vibetribe/runtime';
import { type Harness, startHarness, X_TEST_CLIENT } from './testing/harness';
import type { SeededPost } from './testing/seed';
import { eventually, postsOf, readRows } from './testing/expect';

// An expired access token is refreshed once, on the account row's lock, and the publish goes on; a
// refresh the platform refuses flags the account for reconnection and tells its owners and the
// authors of its upcoming posts.

let h: Harness;
let oauth: PlatformOAuth;
beforeAll(async () => {
  h = await startHarness({ xOAuth: true });
  oauth = createXOAuth(X_TEST_CLIENT(h.emulator.url));
});
afterAll(() => h?.close());
afterEach(() => h.emulator.setFaults({}));

/** Connects an emulator user through X's OAuth (the emulator consents at once) and gives the seeded post's account its identity and tokens. */
async function connectThroughOAuth(seeded: SeededPost, login: string) {
  const pkce = createPkcePair();
  const redirectUri = 'http://127.0.0.1:1/cb';
  const url = new URL(oauth.authorizeUrl({ state: 's', redirectUri, codeChallenge: pkce.challenge }));
  url.searchParams.set('login', login);
  const location = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '');
  const [account] = await oauth.connect({
    code: location.searchParams.get('code') ?? '',
    redirectUri,
    codeVerifier: pkce.verifier,
  });
  const em = h.orm.em.fork();
  const row = await em.findOneOrFail(SocialAccount, seeded.accountId);
  Object.assign(row, { externalId: account!.externalId });
  Object.assign(
    row,
    encryptAccountTokens(h.secrets, seeded.organizationId, seeded.accountId, account!.tokens),
  );
  // The post's author is the organization's owner: the one a reconnect notice reaches.
  const post = await em.findOneOrFail(Post, seeded.postId, { populate: ['author'] });
  em.persist(
    new Membership(post.author as User, em.getReference(Organization, seeded.organizationId), 'owner'),
  );
  await em.flush();
  return { externalId: account!.externalId, tokens: account!.tokens, authorId: post.author!.id };
}

const storedTokens = async (seeded: SeededPost) => {
  const row = await h.orm.em.fork().findOneOrFail(SocialAccount, seeded.accountId);
  return {
    status: row.status,
    ...decryptAccountTokens(h.secrets, { ...row, organizationId: seeded.organizationId, accountId: row.id }),
  };
};

describe('token refresh at publish time (X emulator)', () => {
  test('an expired token is refreshed once and stored encrypted; the post goes out once', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    const connected = await connectThroughOAuth(seeded, `ada-${seeded.postId.slice(0, 6)}`);
    h.emulator.setFaults({ expireTokens: true });

    const result = await (await h.start(seeded)).result();
    expect(result.state).toBe('published');
    expect(h.emulator.posts(connected.externalId)).toHaveLength(1);
    const after = await storedTokens(seeded);
    expect(after.status).toBe('connected');
    expect(after.accessToken).not.toBe(connected.tokens.accessToken);
    expect(after.refreshToken).not.toBe(connected.tokens.refreshToken);
    expect((await readRows(h.orm, seeded)).target.attempts).toBe(1);
  });

  test('a refresh the platform refuses flags the account and notifies its owner, with the posts at stake', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    const connected = await connectThroughOAuth(seeded, `bob-${seeded.postId.slice(0, 6)}`);
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
      expect((await storedTokens(seeded)).status).toBe('needs_reconnect');
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
