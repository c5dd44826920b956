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

/** Failure types a publish retry policy must not retry. */
export const NON_RETRYABLE_PUBLISH_ERRORS: readonly string[] = [
  PUBLISH_ERROR_TYPES.validation,
  PUBLISH_ERROR_TYPES.auth,
  PUBLISH_ERROR_TYPES.duplicate,
  PUBLISH_ERROR_TYPES.permanent,
];

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
  | { kind: 'skip'; status: string; reason: 'missing' | 'deleted' | 'not_publishable' };

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

/** The activities of one post's publishing; implemented by `createActivities` in `@vibetribe/activities`. */
export interface PublishActivities {
  loadPostForPublish(postId: string): Promise<PostSnapshot | null>;
  markPublishing(input: MarkPublishingInput): Promise<MarkPublishingResult>;
  publishTarget(input: PublishTargetInput): Promise<PublishTargetResult>;
  recordOutcome(input: RecordOutcomeInput): Promise<RecordOutcomeResult>;
  markCancelled(input: MarkCancelledInput): Promise<{ status: string }>;
}
