import { ApplicationFailure } from '@temporalio/common';
import {
  FAILURE_KINDS,
  type FirstAttempt,
  type FirstAttemptFailure,
  isFinalPublishFailure,
  type PublishRoundInput,
  type PublishRoundResult,
} from '@vibetribe/workflows';
import type { ActivityDeps } from './deps';
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
 * One publishing round in one activity: the same three steps as `markPublishing`, `publishTarget` and
 * `recordOutcome` (same rows, audit entries, events and ledger), so a round costs the workflow one
 * activation instead of three. A target's failure is returned, not thrown, and so is a failure to record
 * the outcome (the workflow then records it): only a failed `markPublishing` fails the activity, before
 * any platform call.
 */
export function publishRound(deps: ActivityDeps) {
  const mark = markPublishing(deps);
  const publish = publishTarget(deps);
  const record = recordOutcome(deps);
  return async (input: PublishRoundInput): Promise<PublishRoundResult> => {
    const { retriesLeft, ...markInput } = input;
    const marked = await mark(markInput);
    if (marked.kind === 'skip' || marked.withMedia) return { marked, attempts: [] };
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
}
