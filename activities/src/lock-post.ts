import { LockMode } from '@mikro-orm/core';
import { ApplicationFailure } from '@temporalio/common';
import { type EntityManager, Post } from '@vibetribe/database';
import { PUBLISH_ERROR_TYPES } from '@vibetribe/workflows';
import { currentAttempt } from './context';
import type { ActivityDeps } from './deps';

/** Loads a post locked FOR UPDATE (so the gateway's edits wait for us, and we for them), with its targets. */
export async function lockPost(em: EntityManager, postId: string): Promise<Post | null> {
  // Lock first, populate after: FOR UPDATE does not combine with the outer joins of a joined populate.
  const post = await em.findOne(Post, { id: postId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (post) await em.populate(post, ['targets', 'targets.account']);
  return post;
}

/**
 * The gateway starts or signals the workflow before its transaction commits, so for the first few
 * attempts a missing post, or one whose version is behind the workflow's, is "not yet": retry. After
 * that the database is the truth.
 */
export function stillWaitingForCommit(deps: ActivityDeps, what: string): void {
  if (currentAttempt() < (deps.commitWaitAttempts ?? 5)) {
    throw ApplicationFailure.create({ type: PUBLISH_ERROR_TYPES.notCommitted, message: what });
  }
  deps.logger.warn({ what }, 'gave up waiting for the starter to commit; going by the database');
}
