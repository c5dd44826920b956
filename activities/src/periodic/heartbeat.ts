import { Context } from '@temporalio/activity';

/** Heartbeats when running as an activity, so a long job's progress shows; a no-op when called directly. */
export function beat(details?: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Not in an activity (a direct call): nothing to report to.
  }
}
