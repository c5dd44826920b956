import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/common';
import { NON_RETRYABLE_PUBLISH_ERRORS } from './publish-post.activities';
import type { PublishPostInput } from './publish-post.contract';

/** The spec's default per-target retry: 3 attempts, exponential from 1 s, doubling. */
export const DEFAULT_PUBLISH_RETRY = {
  maximumAttempts: 3,
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
} as const;

/**
 * How long before its time a post's timer fires. The round then waits out the rest inside its local
 * activity: the post goes out at its second, not when the timer, the server's task dispatch and the
 * worker's queue get to it (on the dev server under load, up to 1 s and more). The price: while a
 * round is held, its workflow task is open, so a signal or query sent in this last stretch is handled
 * after the round. Gateway edits and deletes are not affected: the round re-reads the row when the
 * wait ends.
 */
export const PUBLISH_LEAD_MS = 1_000;

/** How long a failed or partially published post waits for a `retry` signal. */
export const DEFAULT_RETRY_WINDOW_MS = 7 * 24 * 60 * 60 * 1_000;

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

/** Options of `publishTarget`: heartbeats let a dead worker's attempt time out in seconds, not minutes. */
export function publishTargetOptions(retry: PublishPostInput['retry']): ActivityOptions {
  return {
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '10 seconds',
    retry: publishRetryPolicy(retry),
  };
}

/**
 * The first attempt at a target without media, as a local activity: no retries of its own (a failure
 * that may be retried moves on to `publishFallbackOptions`), and a bound well under the platform's
 * own timeouts so a stuck call does not hold the workflow task for long.
 */
export const LOCAL_FIRST_PUBLISH_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 1 },
};

/**
 * The attempts left after a failed local first attempt: the same policy, one attempt fewer, and the
 * backoff starting where the first retry's would (the workflow waits the first interval itself).
 * Undefined when the policy allows no further attempt.
 */
export function publishFallbackOptions(retry: PublishPostInput['retry']): ActivityOptions | undefined {
  const policy = publishRetryPolicy(retry);
  const attempts = policy.maximumAttempts ?? 0;
  if (attempts === 1) return undefined;
  const initial = Number(policy.initialInterval ?? DEFAULT_PUBLISH_RETRY.initialIntervalMs);
  const coefficient = policy.backoffCoefficient ?? DEFAULT_PUBLISH_RETRY.backoffCoefficient;
  return {
    ...publishTargetOptions(retry),
    retry: {
      ...policy,
      // 0 is "unlimited" to Temporal, and stays so.
      maximumAttempts: attempts === 0 ? 0 : attempts - 1,
      initialInterval: initial * coefficient,
    },
  };
}

/** Options of the bookkeeping activities (database rows, audit, events): retried until the database answers. */
export const BOOKKEEPING_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '30 seconds' },
};

/**
 * The same bookkeeping run as local activities (in the worker that holds the workflow task). Retries
 * beyond `localRetryThreshold` become durable timers, so a database outage waits as long as it lasts.
 */
export const LOCAL_BOOKKEEPING_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '30 seconds' },
};

/**
 * A whole round (`publishRound`) as one local activity. It fails only when the post cannot be marked
 * (the database), which is retried like the bookkeeping; a platform call has its own, shorter bound.
 */
export const LOCAL_ROUND_OPTIONS: LocalActivityOptions = {
  ...LOCAL_BOOKKEEPING_OPTIONS,
  startToCloseTimeout: '90 seconds',
};
