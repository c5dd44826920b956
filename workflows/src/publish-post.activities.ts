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
  dependencyUnavailable: 'DependencyUnavailable',
  mediaFailed: 'MediaFailed',
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
  [PUBLISH_ERROR_TYPES.dependencyUnavailable]: 'dependency_unavailable',
  [PUBLISH_ERROR_TYPES.mediaFailed]: 'media_failed',
};

/** Failure types a publish retry policy must not retry. */
export const NON_RETRYABLE_PUBLISH_ERRORS: readonly string[] = [
  PUBLISH_ERROR_TYPES.validation,
  PUBLISH_ERROR_TYPES.auth,
  PUBLISH_ERROR_TYPES.duplicate,
  PUBLISH_ERROR_TYPES.permanent,
  PUBLISH_ERROR_TYPES.dependencyUnavailable,
  PUBLISH_ERROR_TYPES.mediaFailed,
];

/** Why a publishing round started, as the audit trail and the status event say it. */
export type PublishReason = 'timer_fired' | 'publish_now' | 'retry';

/** Input of `publishTarget`: which target, and the round it belongs to. Content is read at call time. */
export interface PublishTargetInput {
  postId: string;
  targetId: string;
  /** The version the workflow knows; the row's own version is what is published. */
  version: number;
  /** 1 for the first round, +1 for each `retry`: keys the status event for de-duplication. */
  round: number;
  reason: PublishReason;
  actor?: Actor;
  /**
   * The time a timer round publishes for. A post the gateway moved later meanwhile (a newer version
   * with a later time in the row) is not published: the result is `moved`.
   */
  dueAt?: string;
}

/** What one target's publish came to (a failure is thrown, as Temporal retries it). */
export type PublishTargetResult =
  | {
      kind: 'published';
      targetId: string;
      platformPostId: string;
      url: string;
      /** True when the post was found on the platform (reconciled) or in the ledger, not created now. */
      reused: boolean;
      attempts: number;
      /** Set when this target was the round's last and every one went out: the post's outcome is written. */
      postStatus?: PublishOutcome;
    }
  /** The post was cancelled or deleted before this target's platform call began: no call was made. */
  | { kind: 'cancelled'; targetId: string }
  /** The row was rescheduled after `dueAt`: wait again, for this time and version. */
  | { kind: 'moved'; targetId: string; scheduledAt: string; version: number }
  /** Some of the post's media are still processing: no call was made; wait for `mediaStatus`. */
  | { kind: 'waiting_media'; targetId: string; mediaIds: string[] };

/** One target's part in a round, as the workflow saw it end. */
export type TargetResult =
  | { targetId: string; kind: 'published' }
  | { targetId: string; kind: 'cancelled' }
  | { targetId: string; kind: 'failed'; error: { kind: string; message: string } };

/** Input of `recordOutcome`. */
export interface RecordOutcomeInput {
  postId: string;
  round: number;
  results: TargetResult[];
}

/** A post's status after a round: `cancelled` when a cancel left no live target. */
export type PublishOutcome = 'published' | 'partially_published' | 'failed' | 'cancelled';

/** What `recordOutcome` wrote. */
export interface RecordOutcomeResult {
  status: PublishOutcome;
  version: number;
  targets: TargetOutcome[];
}

/** Input of `markCancelled`. */
export interface MarkCancelledInput {
  postId: string;
  reason?: string;
  actor?: Actor;
}

/** Input of `reschedulePost`: an operator's new time, as sent (the activity checks it). */
export interface ReschedulePostInput {
  postId: string;
  scheduledAt: string;
  actor: Actor;
}

/** The row moved to the new time (at a new version), or why not (the refusal is on the timeline). */
export type ReschedulePostResult =
  { applied: true; scheduledAt: string; version: number } | { applied: false; reason: string };

/** The activities of one post's publishing; implemented by `createActivities` in `@vibetribe/activities`. */
export interface PublishActivities {
  /** One target, effectively once (a regular activity, retried by the post's policy). */
  publishTarget(input: PublishTargetInput): Promise<PublishTargetResult>;
  /** Ends a round: the post's status from its targets (a local activity). */
  recordOutcome(input: RecordOutcomeInput): Promise<RecordOutcomeResult>;
  /** Cancels the post and every target whose platform call has not begun (a local activity). */
  markCancelled(input: MarkCancelledInput): Promise<{ status: string }>;
  /** An operator's reschedule, written to the row (a local activity). */
  reschedulePost(input: ReschedulePostInput): Promise<ReschedulePostResult>;
}
