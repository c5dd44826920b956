import type { PublishPostInput } from './publish-post.contract';
import { publishWorkflowId } from './names';
import { organizationIdKey, postIdKey, postStatusKey, scheduledAtKey } from './search-attributes';

/**
 * How a post's workflow is started, by the gateway, the stalled-post sweep, the worker's test harness
 * and the benchmarks alike: the id `post-<postId>`, the `USE_EXISTING` conflict policy (a double
 * start finds the running workflow instead of starting a second one) and the search attributes the
 * visibility queries filter on.
 */
export function publishStartOptions(input: PublishPostInput, taskQueue: string) {
  const scheduledAt = input.scheduledAt ? new Date(input.scheduledAt) : undefined;
  return {
    taskQueue,
    workflowId: publishWorkflowId(input.postId),
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
    args: [input] as [PublishPostInput],
    typedSearchAttributes: [
      { key: postIdKey, value: input.postId },
      { key: organizationIdKey, value: input.organizationId },
      { key: postStatusKey, value: 'scheduled' },
      ...(scheduledAt ? [{ key: scheduledAtKey, value: scheduledAt }] : []),
    ],
  };
}
