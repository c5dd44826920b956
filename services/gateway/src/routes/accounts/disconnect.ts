import { LockMode } from '@mikro-orm/core';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  type EntityManager,
  Membership,
  Post,
  recordPostAudit,
  roundOutcome,
  SocialAccount,
  WORKFLOW_POST_STATUSES,
} from '@vibetribe/database';
import type { Actor } from '@vibetribe/workflows';
import type { GatewayDeps } from '../../context';
import { notFound } from '../../errors';
import { presentPost } from '../posts/presenters';

/** What a disconnect changed, for the events sent once it committed. */
export interface Disconnected {
  account: SocialAccount;
  /** Posts whose targets on the account were cancelled. */
  posts: Post[];
  /** Owners, admins and the affected posts' authors who are members: who is told. */
  recipients: string[];
}

/**
 * Disconnects an account and keeps its history: the account is marked `disconnected` (its tokens
 * wiped), every target on it whose platform call has not begun is `cancelled` with the reason
 * `account_disconnected`, and a post left with no live target is cancelled and its workflow told.
 * Published targets, their ledger rows and the posts' timelines stay; the events are written with the
 * change. The posts are locked as the
 * publishing activities lock them, so a target's attempt either began its call first or finds it
 * cancelled. Already disconnected: nothing to do.
 */
export async function disconnectAccount(
  em: EntityManager,
  deps: Pick<GatewayDeps, 'scheduler' | 'events'>,
  userId: string,
  orgId: string,
  accountId: string,
): Promise<Disconnected | null> {
  const account = await em.findOne(
    SocialAccount,
    { id: accountId, organization: orgId },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  if (!account) throw notFound('Account');
  if (account.status === 'disconnected') return null;
  const actor: Actor = { type: 'user', id: userId };
  const posts = await em.find(
    Post,
    {
      organization: orgId,
      deletedAt: null,
      targets: { account: accountId, status: { $in: ['pending', 'failed'] } },
    },
    { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
  );
  await em.populate(posts, ['targets']);
  const at = new Date().toISOString();
  const toCancel: Post[] = [];
  for (const post of posts) {
    for (const t of post.targets.getItems()) {
      if (t.account.id !== accountId || (t.status !== 'pending' && t.status !== 'failed')) continue;
      t.status = 'cancelled';
      t.lastError = { kind: 'account_disconnected', message: 'The account was disconnected.', at };
      recordPostAudit(em, post, 'target_cancelled', actor, {
        target_id: t.id,
        reason: 'account_disconnected',
      });
    }
    const noLiveTarget = roundOutcome(post.targets.getItems()) === 'cancelled';
    if (noLiveTarget && WORKFLOW_POST_STATUSES.includes(post.status) && post.status !== 'publishing') {
      post.status = 'cancelled';
      recordPostAudit(em, post, 'cancelled', actor, { reason: 'account_disconnected' });
      toCancel.push(post);
    }
  }
  account.status = 'disconnected';
  account.disconnectedAt = new Date();
  account.accessTokenEnc = '';
  account.refreshTokenEnc = null;
  account.tokenExpiresAt = null;
  await em.flush();
  // Inside the transaction, as every command signals: Temporal down means 503 and nothing written.
  for (const post of toCancel)
    await deps.scheduler.cancel(post.id, 'account_disconnected', actor).catch(ignoreMissing);
  const admins = await em.find(Membership, { organization: orgId, role: { $in: ['owner', 'admin'] } });
  const authors = posts.flatMap((p) => (p.author ? [p.author.id] : []));
  const members = authors.length
    ? await em.find(Membership, { organization: orgId, user: { $in: authors } })
    : [];
  const recipients = [...new Set([...admins, ...members].map((m) => m.user.id))];
  const done = { account, posts, recipients };
  await writeDisconnectEvents(em, deps, orgId, done);
  return done;
}

/** A workflow already closed (its post ended, or its retry window passed) needs no cancel. */
function ignoreMissing(err: unknown): void {
  if (!(err instanceof WorkflowNotFoundError)) throw err;
}

/** The events of a disconnect, in its transaction: each affected post's status, and one notification. */
async function writeDisconnectEvents(
  em: EntityManager,
  deps: Pick<GatewayDeps, 'events'>,
  orgId: string,
  done: Disconnected,
): Promise<void> {
  for (const post of done.posts) await deps.events.post(em, orgId, 'status', presentPost(post));
  const cancelled = done.posts.filter((p) => p.status === 'cancelled').length;
  await deps.events.notify(em, orgId, {
    kind: 'account_disconnected',
    severity: 'warning',
    text:
      `${done.account.displayName} (${done.account.platform}) was disconnected: ` +
      `${done.posts.length} post(s) lost it as a target, ${cancelled} of them had no other and were cancelled.`,
    userIds: done.recipients,
    postIds: done.posts.map((p) => p.id),
    accountId: done.account.id,
  });
}
