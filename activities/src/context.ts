import { Context } from '@temporalio/activity';

/** The running activity's context; undefined when called outside a worker (unit tests, scripts). */
export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** This attempt's number, from 1. */
export function currentAttempt(): number {
  return activityContext()?.info.attempt ?? 1;
}

/**
 * Runs `fn`, heartbeating every `everyMs` so a dead worker's attempt times out quickly (the SDK
 * throttles). The first beat comes after `everyMs`, not at once: most publishes end within a second,
 * and a beat at the start would cost each of them a round trip to the server for nothing.
 */
export async function withHeartbeat<T>(fn: () => Promise<T>, everyMs = 1_000): Promise<T> {
  const ctx = activityContext();
  // A local activity has no heartbeat of its own: the workflow task that runs it is kept alive instead.
  if (!ctx || ctx.info.isLocal) return fn();
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}
