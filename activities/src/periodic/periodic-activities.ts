import type { PeriodicActivities } from '@vibetribe/workflows';
import { syncAnalytics } from './analytics';
import { cleanUp } from './cleanup';
import type { PeriodicDeps } from './deps';
import { checkHealth } from './health';
import { sweepStalledPosts } from './sweep';

/** The periodic jobs' activities, bound to their dependencies; a worker registers them beside the publishing ones. */
export function createPeriodicActivities(deps: PeriodicDeps) {
  return {
    syncAnalytics: syncAnalytics(deps),
    sweepStalledPosts: sweepStalledPosts(deps),
    cleanUp: cleanUp(deps),
    checkHealth: checkHealth(deps),
  } satisfies PeriodicActivities;
}
