import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  FAILURE_KINDS,
  type FirstAttempt,
  type FirstAttemptFailure,
  isFinalPublishFailure,
  type PublishRoundInput,
  type PublishRoundResult,
} from '@vibetribe/workflows';
import type { ActivityDeps, Gate } from './deps';
import { markPublishing } from './lifecycle';
import { recordOutcome } from './outcome';
import { publishTarget } from './publish-target';

/** A first attempt's error as data: final when the type is never retried or no attempt is left. */
export function firstAttemptFailure(
  targetId: string,
  err: unknown,
  retriesLeft: boolean,
): FirstAttemptFailure {
  if (err instanceof ApplicationFailure) {
    const type = err.type ?? '';
    return {
      targetId,
      kind: FAILURE_KINDS[type] ?? 'error',
      message: err.message,
      final: !retriesLeft || isFinalPublishFailure(err),
      ...(err.nextRetryDelay != null ? { nextRetryDelay: err.nextRetryDelay } : {}),
    };
  }
  // Not the platform's answer (the database, a bug): worth another attempt when one is left.
  const message = err instanceof Error ? err.message : String(err);
  return { targetId, kind: 'error', message, final: !retriesLeft };
}

/**
 * How long a held round still waits: `holdMs` as the workflow's clock saw it when its task started,
 * less the time since (by the worker's clock, the server's in this deployment), so a task that
 * waited in a busy worker does not wait again. A retried attempt does not wait: the first reached
 * the time.
 */
function holdFor(input: PublishRoundInput): number {
  if (!input.holdMs || input.holdMs <= 0 || Context.current().info.attempt > 1) return 0;
  const left = input.dueAt ? Date.parse(input.dueAt) - Date.now() : input.holdMs;
  // The lesser: under a time-skipping test server, the workflow's clock runs ahead of this one.
  return Math.max(0, Math.min(input.holdMs, left));
}

/**
 * One publishing round in one activity: the same three steps as `markPublishing`, `publishTarget` and
 * `recordOutcome` (same rows, audit entries, events and ledger), so a round costs the workflow one
 * activation instead of three. A target's failure is returned, not thrown, and so is a failure to record
 * the outcome (the workflow then records it): only a failed `markPublishing` fails the activity, before
 * any platform call.
 *
 * A held round (`holdMs`) first waits out the time left before the post is due, outside `gate`, which
 * bounds the rounds that use the database at once.
 */
export function publishRound(deps: ActivityDeps, gate: Gate) {
  const mark = markPublishing(deps);
  const publish = publishTarget(deps);
  const record = recordOutcome(deps);
  const round = async (input: PublishRoundInput): Promise<PublishRoundResult> => {
    const { retriesLeft, holdMs: _held, ...markInput } = input;
    const marked = await mark(markInput);
    if (marked.kind !== 'ready' || marked.withMedia) return { marked, attempts: [] };
    const attempts = await Promise.all(
      marked.targets.map(({ targetId }) =>
        publish({ postId: input.postId, targetId, version: marked.version }).then(
          (published): FirstAttempt => ({ targetId, published }),
          (err: unknown): FirstAttempt => ({
            targetId,
            failed: firstAttemptFailure(targetId, err, retriesLeft),
          }),
        ),
      ),
    );
    const failures = attempts.flatMap((a) => ('failed' in a ? [a.failed] : []));
    if (failures.some((f) => !f.final)) return { marked, attempts };
    try {
      const outcome = await record({
        postId: input.postId,
        version: marked.version,
        round: input.round,
        failures: failures.map(({ targetId, kind, message }) => ({ targetId, kind, message })),
      });
      return { marked, attempts, outcome };
    } catch (err) {
      // The attempts stand; the workflow records the outcome with its own retries rather than this
      // activity's retry attempting the targets again.
      deps.logger.warn({ err, postId: input.postId }, 'round outcome not recorded; the workflow records it');
      return { marked, attempts };
    }
  };
  return async (input: PublishRoundInput): Promise<PublishRoundResult> => {
    const hold = holdFor(input);
    if (hold > 0) {
      const held = deps.onHold?.();
      try {
        await Context.current().sleep(hold);
      } finally {
        held?.();
      }
    }
    return gate.run(() => round(input));
  };
}
