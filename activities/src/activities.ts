import type { AccountTokenActivities, PublishActivities } from '@vibetribe/workflows';
import { createAccountTokenActivities } from './account-tokens';
import type { ActivityDeps } from './deps';
import { markCancelled, reschedulePost } from './lifecycle';
import { recordOutcome } from './outcome';
import { publishTarget } from './publish-target';

/** The publishing and account token activities, bound to their dependencies; register the result with a worker. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createAccountTokenActivities(deps),
    publishTarget: publishTarget(deps),
    recordOutcome: recordOutcome(deps),
    markCancelled: markCancelled(deps),
    reschedulePost: reschedulePost(deps),
  } satisfies PublishActivities & AccountTokenActivities;
}

/** The activities' type, for `proxyActivities<Activities>()`. */
export type Activities = ReturnType<typeof createActivities>;
