import { Membership, Organization, Post, SocialAccount, type User } from '@vibetribe/database';
import { createPkcePair, type PlatformOAuth } from '@vibetribe/platforms';
import { decryptAccountTokens, encryptAccountTokens } from '@vibetribe/runtime';
import type { Harness } from './harness';
import type { SeededPost } from './seed';

/**
 * Connects an emulator user through X's OAuth (the emulator consents at once) and gives the seeded
 * post's account its identity and tokens (expiring, with a refresh token). The post's author becomes
 * the organization's owner: the one a reconnect notice reaches.
 */
export async function connectThroughOAuth(
  h: Harness,
  oauth: PlatformOAuth,
  seeded: SeededPost,
  login: string,
) {
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
  Object.assign(row, { externalId: account!.externalId, tokenExpiresAt: account!.tokens.expiresAt });
  Object.assign(
    row,
    encryptAccountTokens(h.secrets, seeded.organizationId, seeded.accountId, account!.tokens),
  );
  const post = await em.findOneOrFail(Post, seeded.postId, { populate: ['author'] });
  em.persist(
    new Membership(post.author as User, em.getReference(Organization, seeded.organizationId), 'owner'),
  );
  await em.flush();
  return { externalId: account!.externalId, tokens: account!.tokens, authorId: post.author!.id };
}

/** The account's status and its stored tokens, decrypted. */
export async function storedTokens(h: Harness, seeded: Pick<SeededPost, 'accountId' | 'organizationId'>) {
  const row = await h.orm.em.fork().findOneOrFail(SocialAccount, seeded.accountId);
  return {
    status: row.status,
    expiresAt: row.tokenExpiresAt,
    ...decryptAccountTokens(h.secrets, { ...row, organizationId: seeded.organizationId, accountId: row.id }),
  };
}
