import type { PostStatus } from './entities/post.entity';
import type { TargetStatus } from './entities/post-target.entity';

/**
 * The post state rules, in one place: which statuses allow which action, and how a round's targets
 * add up to the post's status. The gateway, the activities and the workflow's bookkeeping use these.
 * See the README's state diagram.
 */

/** Statuses after which a post can no longer be edited. */
export const LOCKED_POST_STATUSES: readonly PostStatus[] = [
  'publishing',
  'published',
  'partially_published',
  'cancelled',
];

/** Statuses a `retry` applies to: some target failed. */
export const RETRYABLE_POST_STATUSES: readonly PostStatus[] = ['failed', 'partially_published'];

/**
 * Statuses with a running workflow (waiting for its time, publishing, or waiting for a retry); a
 * publishing round may start from any of them (`publishing`: a round under way, or retried).
 */
export const WORKFLOW_POST_STATUSES: readonly PostStatus[] = [
  'scheduled',
  'publishing',
  'failed',
  'partially_published',
];

/** Statuses that end a post: nothing will change them but an explicit retry (for the failed ones). */
export const FINAL_POST_STATUSES: readonly PostStatus[] = [
  'published',
  'partially_published',
  'failed',
  'cancelled',
];

/** True when the post may be edited (content, time, targets). */
export const isEditable = (status: PostStatus): boolean => !LOCKED_POST_STATUSES.includes(status);

/** True when `publish now` applies: a draft, or a post still waiting for its time. */
export const canPublishNow = (status: PostStatus): boolean => status === 'draft' || status === 'scheduled';

/** True when a `retry` applies. */
export const canRetry = (status: PostStatus): boolean => RETRYABLE_POST_STATUSES.includes(status);

/**
 * A round's outcome from its targets: `published` when every live target is, `partially_published`
 * when some are, `failed` when none is, and `cancelled` when no live target is left (every one was
 * cancelled, for example by an operator before its platform call began).
 */
export function roundOutcome(
  targets: readonly { status: TargetStatus }[],
): 'published' | 'partially_published' | 'failed' | 'cancelled' {
  const live = targets.filter((t) => t.status !== 'cancelled');
  if (live.length === 0) return 'cancelled';
  const published = live.filter((t) => t.status === 'published').length;
  if (published === live.length) return 'published';
  return published > 0 ? 'partially_published' : 'failed';
}
