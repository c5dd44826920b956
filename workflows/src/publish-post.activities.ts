import type { Duration } from '@temporalio/common';
import type { Actor, TargetOutcome } from './publish-post.contract';

/**
 * The activities `publishPostWorkflow` calls, declared here so the workflow imports types only and
 * `@vibetribe/activities` (which depends on this package) implements them without a cycle.
 */

/** Failure types the publish activities throw; the first four are never retried. */
export const PUBLISH_ERROR_TYPES = {
  validation: 'ValidationError',
  auth: 'AuthError',
  duplicate: 'DuplicateContentError',
  permanent: 'PermanentError',
  rateLimited: 'RateLimited',
  retryable: 'PlatformUnavailable',
  inFlight: 'PublishInFlight',
  notCommitted: 'PostNotCommitted',
} as const;

/** The stable `kind` a failed target shows (status query, outcome, audit) for each failure type. */
export const FAILURE_KINDS: Readonly<Record<string, string>> = {
  [PUBLISH_ERROR_TYPES.validation]: 'validation',
  [PUBLISH_ERROR_TYPES.auth]: 'auth',
  [PUBLISH_ERROR_TYPES.duplicate]: 'duplicate',
  [PUBLISH_ERROR_TYPES.permanent]: 'permanent',
  [PUBLISH_ERROR_TYPES.rateLimited]: 'rate_limited',
  [PUBLISH_ERROR_TYPES.retryable]: 'retryable',
  [PUBLISH_ERROR_TYPES.inFlight]: 'retryable',
};

/** Failure types a publish retry policy must not retry. */
export const NON_RETRYABLE_PUBLISH_ERRORS: readonly string[] = [
  PUBLISH_ERROR_TYPES.validation,
  PUBLISH_ERROR_TYPES.auth,
  PUBLISH_ERROR_TYPES.duplicate,
  PUBLISH_ERROR_TYPES.permanent,
];

/** A publish failure no attempt may retry: marked non-retryable, or of a type the policy never retries. */
export function isFinalPublishFailure(failure: {
  type?: string | null;
  nonRetryable?: boolean | null;
}): boolean {
  return failure.nonRetryable === true || NON_RETRYABLE_PUBLISH_ERRORS.includes(failure.type ?? '');
}

/** Why a publishing round started, as the audit trail and the status event say it. */
export type PublishReason = 'timer_fired' | 'publish_now' | 'retry';

/** The post as the workflow first sees it: its targets fill the status query while it waits. */
export interface PostSnapshot {
  status: string;
  version: number;
  deleted: boolean;
  targets: TargetOutcome[];
}

/** Input of `markPublishing`. */
export interface MarkPublishingInput {
  postId: string;
  version: number;
  /** 1 for the first round, +1 for each `retry`: keys the status event for de-duplication. */
  round: number;
  reason: PublishReason;
  actor?: Actor;
  /**
   * The time the workflow is publishing for (a timer round). A post the gateway moved later meanwhile
   * (a newer version with a later time in the row) is not published: the result is `later`.
   */
  dueAt?: string;
}

/** Either the targets to publish now (at the version to publish), or why there is nothing to do. */
export type MarkPublishingResult =
  | {
      kind: 'ready';
      version: number;
      targets: TargetOutcome[];
      /** Media to upload: the publish goes straight to a (heartbeating) activity, not a local first attempt. */
      withMedia?: boolean;
    }
  | { kind: 'skip'; status: string; reason: 'missing' | 'deleted' | 'not_publishable' }
  /** The row was rescheduled after `dueAt` while the round was held: wait again, for this time and version. */
  | { kind: 'later'; scheduledAt: string; version: number };

/** Input of `publishTarget`: content is read from the database at this version. */
export interface PublishTargetInput {
  postId: string;
  targetId: string;
  version: number;
}

/** Where one target's post now lives. */
export interface PublishTargetResult {
  targetId: string;
  platformPostId: string;
  url: string;
  /** True when the post was found on the platform (reconciled) or in the ledger, not created now. */
  reused: boolean;
  attempts: number;
}

/** One target that failed its last attempt, as the workflow saw it. */
export interface TargetFailure {
  targetId: string;
  kind: string;
  message: string;
}

/** Input of `recordOutcome`. */
export interface RecordOutcomeInput {
  postId: string;
  version: number;
  round: number;
  failures: TargetFailure[];
}

/** A post's outcome after a round. */
export type PublishOutcome = 'published' | 'partially_published' | 'failed';

/** What `recordOutcome` wrote. */
export interface RecordOutcomeResult {
  status: PublishOutcome;
  targets: TargetOutcome[];
}

/** Input of `markCancelled`. */
export interface MarkCancelledInput {
  postId: string;
  reason?: string;
  actor?: Actor;
}

/** Input of `publishRound`. */
export interface PublishRoundInput extends MarkPublishingInput {
  /** The retry policy allows attempts after the first: a retryable failure is left to them, not recorded. */
  retriesLeft: boolean;
  /**
   * Milliseconds to wait before marking the post (a round that woke ahead of its time), by the
   * workflow's clock at its task's start; the activity waits until `dueAt` by its own clock when that
   * comes sooner. Only the first attempt waits.
   */
  holdMs?: number;
}

/** A first attempt that failed, as the round saw it. */
export interface FirstAttemptFailure extends TargetFailure {
  /** Not to be retried: its type is non-retryable, or no attempts are left. */
  final: boolean;
  /** The platform's Retry-After, when it gave one. */
  nextRetryDelay?: Duration;
}

/** What one target's first attempt in a round came to. */
export type FirstAttempt =
  { targetId: string; published: PublishTargetResult } | { targetId: string; failed: FirstAttemptFailure };

/**
 * A whole round in one activity: marked, first attempts at every target (unless the post has media to
 * upload, which goes to heartbeating activities), and the outcome recorded when no attempt is left to a
 * retry. `outcome` is absent when the workflow must finish the round (media, or retries to make).
 */
export interface PublishRoundResult {
  marked: MarkPublishingResult;
  attempts: FirstAttempt[];
  outcome?: RecordOutcomeResult;
}

/** The activities of one post's publishing; implemented by `createActivities` in `@vibetribe/activities`. */
export interface PublishActivities {
  loadPostForPublish(postId: string): Promise<PostSnapshot | null>;
  markPublishing(input: MarkPublishingInput): Promise<MarkPublishingResult>;
  publishTarget(input: PublishTargetInput): Promise<PublishTargetResult>;
  recordOutcome(input: RecordOutcomeInput): Promise<RecordOutcomeResult>;
  markCancelled(input: MarkCancelledInput): Promise<{ status: string }>;
  publishRound(input: PublishRoundInput): Promise<PublishRoundResult>;
}
