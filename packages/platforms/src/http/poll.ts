import { setTimeout as sleep } from 'node:timers/promises';
import { PlatformError } from '../errors';
import { type Platform } from '../platform';

/** What one status check saw: done, still going, or failed with the platform's reason. */
export type PollState = { done: true } | { done: false; failed?: string };

/**
 * Checks `check` until it is done, waiting `intervalMs` between checks (first check at once): a
 * failure is a validation error (the media will not process), a wait past `timeoutMs` a retryable one.
 */
export async function pollUntilReady(
  platform: Platform,
  what: string,
  check: () => Promise<PollState>,
  opts: { intervalMs: number; timeoutMs: number },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const state = await check();
    if (state.done) return;
    if (state.failed !== undefined) {
      throw new PlatformError({
        platform,
        kind: 'validation',
        message: `${what}: processing failed (${state.failed})`,
        platformCode: 'media_processing_failed',
        platformMessage: state.failed,
      });
    }
    if (Date.now() + opts.intervalMs > deadline) {
      throw new PlatformError({
        platform,
        kind: 'retryable',
        message: `${what}: still processing after ${opts.timeoutMs} ms`,
        platformCode: 'processing_timeout',
      });
    }
    await sleep(opts.intervalMs);
  }
}
