import type { PublishPostInput } from './publish-post.contract';
import { publishWorkflowId, SEARCH_ATTRIBUTES } from './names';

/**
 * How a post's workflow is started, by the gateway and by the stalled-post sweep alike: the id
 * `post-<postId>`, the `USE_EXISTING` conflict policy (a double start finds the running workflow
 * instead of starting a second one) and the search attributes the visibility queries filter on.
 */
export function publishStartOptions(input: PublishPostInput, taskQueue: string) {
  return {
    taskQueue,
    workflowId: publishWorkflowId(input.postId),
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
    searchAttributes: {
      [SEARCH_ATTRIBUTES.postId]: [input.postId],
      [SEARCH_ATTRIBUTES.organizationId]: [input.organizationId],
      [SEARCH_ATTRIBUTES.status]: ['scheduled'],
      ...(input.scheduledAt ? { [SEARCH_ATTRIBUTES.scheduledAt]: [new Date(input.scheduledAt)] } : {}),
    },
  };
}
