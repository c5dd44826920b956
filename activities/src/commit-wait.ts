import { ApplicationFailure } from '@temporalio/common';
import { PUBLISH_ERROR_TYPES } from '@vibetribe/workflows';
import { currentAttempt } from './context';
import type { ActivityDeps } from './deps';

/**
 * The gateway starts or signals the workflow before its transaction commits, so for the first few
 * attempts a missing post, or one whose version is behind the workflow's, is "not yet": retry. After
 * that the database is the truth.
 */
export function stillWaitingForCommit(deps: ActivityDeps, what: string): void {
  if (currentAttempt() < (deps.commitWaitAttempts ?? 2)) {
    throw ApplicationFailure.create({ type: PUBLISH_ERROR_TYPES.notCommitted, message: what });
  }
  deps.logger.warn({ what }, 'gave up waiting for the starter to commit; going by the database');
}
