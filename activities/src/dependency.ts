import { ApplicationFailure } from '@temporalio/common';
import { PUBLISH_ERROR_TYPES } from '@vibetribe/workflows';
import type { ActivityDeps } from './deps';

/**
 * How long one step of a publish waits for PostgreSQL to answer again before the attempt fails as
 * `dependency_unavailable` (a final failure: the post's `retry` publishes it once the database is
 * back). Meanwhile the activity heartbeats, so Temporal neither times it out nor counts an attempt.
 */
export const DEPENDENCY_WAIT_MS = 2 * 60_000;

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
// SQLSTATE: admin/crash shutdown, cannot connect now, too many connections; class 08 is connection exceptions.
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const MESSAGES = /Connection terminated|not queryable|Timeout acquiring a connection|terminating connection/i;

/** True when `err` says our own database could not be reached, as opposed to a statement it refused. */
export function isDependencyError(err: unknown): boolean {
  // Duck-typed, not `instanceof Error`: the driver's errors may come from another realm (a vm context).
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, name, message, cause } = e as Record<string, unknown>;
    if (
      typeof code === 'string' &&
      (SOCKET_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08'))
    )
      return true;
    if (name === 'KnexTimeoutError' || name === 'ConnectionException') return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
    e = cause;
  }
  return false;
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs a database step of a publish, and again while the database cannot be reached (backoff from
 * 200 ms to 5 s), up to `DEPENDENCY_WAIT_MS`: an outage of our own database never spends one of the
 * target's platform attempts. Any other error is the step's own, thrown at once.
 */
export async function untilAvailable<T>(
  deps: ActivityDeps,
  what: string,
  step: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + (deps.dependencyWaitMs ?? DEPENDENCY_WAIT_MS);
  for (let delay = 200; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await step();
    } catch (err) {
      if (!isDependencyError(err)) throw err;
      if (Date.now() + delay > deadline) {
        throw ApplicationFailure.create({
          type: PUBLISH_ERROR_TYPES.dependencyUnavailable,
          nonRetryable: true,
          message: `the database did not answer for ${Math.round((deps.dependencyWaitMs ?? DEPENDENCY_WAIT_MS) / 1000)} s (${what})`,
          cause: err instanceof Error ? err : undefined,
        });
      }
      deps.logger.warn({ err, what, retryInMs: delay }, 'database unreachable; waiting');
      await sleep(delay);
    }
  }
}
