import { Context } from '@temporalio/activity';
import { Semaphore } from '@vibetribe/runtime';
import type { PublishActivities } from '@vibetribe/workflows';
import type { ActivityDeps, Gate } from './deps';
import { loadPostForPublish, markCancelled, markPublishing } from './lifecycle';
import { recordOutcome } from './outcome';
import { publishTarget } from './publish-target';
import { publishRound } from './round';

/** True inside a local activity (false outside any activity, as when a test calls one directly). */
function runningLocally(): boolean {
  try {
    return Context.current().info.isLocal;
  } catch {
    return false;
  }
}

/** Runs `fn` through `gate` when it runs as a local activity; a regular activity has the worker's slots. */
function localThrough<I, O>(gate: Gate, fn: (input: I) => Promise<O>): (input: I) => Promise<O> {
  return (input) => (runningLocally() ? gate.run(() => fn(input)) : fn(input));
}

const UNGATED: Gate = { run: (fn) => fn() };

/** The publishing activities, bound to their dependencies; register the result with a worker. */
export function createActivities(deps: ActivityDeps) {
  const gate = deps.localConcurrency ? new Semaphore(deps.localConcurrency) : UNGATED;
  return {
    loadPostForPublish: localThrough(gate, loadPostForPublish(deps)),
    markPublishing: localThrough(gate, markPublishing(deps)),
    publishTarget: localThrough(gate, publishTarget(deps)),
    recordOutcome: localThrough(gate, recordOutcome(deps)),
    markCancelled: localThrough(gate, markCancelled(deps)),
    // Always local: waits out its hold, then goes through the gate itself.
    publishRound: publishRound(deps, gate),
  } satisfies PublishActivities;
}

/** The activities' type, for `proxyActivities<Activities>()`. */
export type Activities = ReturnType<typeof createActivities>;
