import { randomInt, randomUUID } from 'node:crypto';
import { type MikroORM, Organization, Post, PostTarget, SocialAccount, User } from '@vibetribe/database';
import type { XEmulator } from '@vibetribe/emulators';
import { encryptAccountTokens, type SecretBox } from '@vibetribe/runtime';

/** The rows of one seeded post with one X target, and the X account it publishes as. */
export interface SeededPost {
  postId: string;
  organizationId: string;
  targetId: string;
  /** Every target, the first one's id first (a post seeded with `targets` > 1 has more). */
  targetIds: string[];
  accountId: string;
  xUserId: string;
  xToken: string;
  text: string;
}

/** An X account of `org` with its token encrypted and bound to the organization and the account. */
export function xAccount(
  secrets: SecretBox,
  org: Organization,
  xUserId: string,
  name: string,
  token: string,
): SocialAccount {
  const account = new SocialAccount(org, 'x', xUserId, name, '');
  return Object.assign(account, encryptAccountTokens(secrets, org.id, account.id, { accessToken: token }));
}

/**
 * Creates an organization, a user, an X account (token encrypted, also registered with the emulator),
 * a scheduled post and its target, directly through the entities.
 */
export async function seedXPost(
  orm: MikroORM,
  secrets: SecretBox,
  emulator: Pick<XEmulator, 'addAccount'>,
  opts: { text?: string; scheduledAt: Date | null; targets?: number },
): Promise<SeededPost> {
  const em = orm.em.fork();
  const tag = randomUUID().slice(0, 8);
  const xUserId = String(randomInt(1_000_000, 2 ** 47));
  const xToken = `token-${randomUUID()}`;
  const org = new Organization(`Org ${tag}`, `org-${tag}`);
  const user = new User(`user-${tag}@example.test`, `User ${tag}`, 'not-a-real-hash');
  const account = xAccount(secrets, org, xUserId, `@user_${tag}`, xToken);
  const text = opts.text ?? `Hello from VibeTribe ${tag}`;
  const post = new Post(org, user, text);
  post.scheduledAt = opts.scheduledAt;
  post.status = 'scheduled';
  const target = new PostTarget(post, account);
  post.targets.add(target);
  // More X accounts of the same organization, each a target of the post.
  const more = Array.from({ length: (opts.targets ?? 1) - 1 }, (_, i) => {
    const id = String(randomInt(1_000_000, 2 ** 47));
    const token = `token-${randomUUID()}`;
    emulator.addAccount({ userId: id, username: `user_${tag}_${i}`, accessToken: token });
    const extra = xAccount(secrets, org, id, `@user_${tag}_${i}`, token);
    const t = new PostTarget(post, extra);
    post.targets.add(t);
    return { account: extra, target: t };
  });
  em.persist([org, user, account, ...more.map((m) => m.account), post]);
  await em.flush();
  emulator.addAccount({ userId: xUserId, username: `user_${tag}`, accessToken: xToken });
  return {
    postId: post.id,
    organizationId: org.id,
    targetId: target.id,
    targetIds: [target.id, ...more.map((m) => m.target.id)],
    accountId: account.id,
    xUserId,
    xToken,
    text,
  };
}
