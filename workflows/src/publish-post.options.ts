import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/common';
import { NON_RETRYABLE_PUBLISH_ERRORS } from './publish-post.activities';
import type { PublishPostInput } from './publish-post.contract';

/** The spec's default per-target retry: 3 attempts, exponential from 1 s, doubling. */
export const DEFAULT_PUBLISH_RETRY = {
  maximumAttempts: 3,
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
} as const;

/** How long a failed or partially published post waits for a `retry` signal. */
export const DEFAULT_RETRY_WINDOW_MS = 7 * 24 * 60 * 60 * 1_000;

/**
 * How long a due post waits for media that are still processing (the media service's `mediaStatus`
 * signal wakes it); past it, the targets that wait fail as `media_not_ready`.
 */
export const DEFAULT_MEDIA_WAIT_MS = 10 * 60 * 1_000;

/** Manual retries per workflow: keeps the history bounded even if someone retries in a loop. */
export const MAX_PUBLISH_ROUNDS = 10;

/** The retry policy of each target's publish activity, from the post's input. */
export function publishRetryPolicy(retry: PublishPostInput['retry'] = {}): RetryPolicy {
  return {
    maximumAttempts: retry.maximumAttempts ?? DEFAULT_PUBLISH_RETRY.maximumAttempts,
    initialInterval: retry.initialIntervalMs ?? DEFAULT_PUBLISH_RETRY.initialIntervalMs,
    backoffCoefficient: retry.backoffCoefficient ?? DEFAULT_PUBLISH_RETRY.backoffCoefficient,
    nonRetryableErrorTypes: [...NON_RETRYABLE_PUBLISH_ERRORS],
  };
}

/**
 * Options of `publishTarget`. Heartbeats let a dead worker's attempt time out in seconds, not minutes.
 * A cancel waits for the attempt to end (`WAIT_CANCELLATION_COMPLETED`): the workflow then knows
 * whether the platform call was made before it records the round.
 */
export function publishTargetOptions(retry: PublishPostInput['retry']): ActivityOptions {
  return {
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '10 seconds',
    retry: publishRetryPolicy(retry),
    cancellationType: 'WAIT_CANCELLATION_COMPLETED',
  };
}

/**
 * The bookkeeping (`recordOutcome`, `markCancelled`): one short transaction each, run as local
 * activities in the workflow task that needs them. Retried until the database answers; past one
 * second a retry waits on a durable timer, so an outage never holds the workflow task (nor its
 * signals and queries) for long.
 */
export const BOOKKEEPING_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  localRetryThreshold: '1 second',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '30 seconds' },
};
