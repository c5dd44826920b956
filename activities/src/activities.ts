import type { PublishActivities } from '@vibetribe/workflows';
import type { ActivityDeps } from './deps';
import { loadPostForPublish, markCancelled, markPublishing } from './lifecycle';
import { recordOutcome } from './outcome';
import { publishTarget } from './publish-target';
import { publishRound } from './round';

/** The publishing activities, bound to their dependencies; register the result with a worker. */
export function createActivities(deps: ActivityDeps) {
  return {
    loadPostForPublish: loadPostForPublish(deps),
    markPublishing: markPublishing(deps),
    publishTarget: publishTarget(deps),
    recordOutcome: recordOutcome(deps),
    markCancelled: markCancelled(deps),
    publishRound: publishRound(deps),
  } satisfies PublishActivities;
}

/** The activities' type, for `proxyActivities<Activities>()`. */
export type Activities = ReturnType<typeof createActivities>;
