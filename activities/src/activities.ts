import type { PublishActivities } from '@vibetribe/workflows';
import type { ActivityDeps } from './deps';
import { markCancelled, reschedulePost } from './lifecycle';
import { recordOutcome } from './outcome';
import { publishTarget } from './publish-target';

/** The publishing activities, bound to their dependencies; register the result with a worker. */
export function createActivities(deps: ActivityDeps) {
  return {
    publishTarget: publishTarget(deps),
    recordOutcome: recordOutcome(deps),
    markCancelled: markCancelled(deps),
    reschedulePost: reschedulePost(deps),
  } satisfies PublishActivities;
}

/** The activities' type, for `proxyActivities<Activities>()`. */
export type Activities = ReturnType<typeof createActivities>;
