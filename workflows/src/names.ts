/** The task queue the worker polls for publishing workflows and activities. */
export const PUBLISHING_TASK_QUEUE = 'vibetribe-publishing';

/**
 * The task queue of the periodic jobs' workflows and activities, polled by a worker of its own in
 * the same process: a health check or a sweep never waits behind a publishing backlog.
 */
export const PERIODIC_TASK_QUEUE = 'vibetribe-periodic';

/** Workflow ids: one per post, so a double start is a conflict, not a second workflow. */
export const publishWorkflowId = (postId: string) => `post-${postId}`;

/** Custom search attributes, registered by deploy/scripts/stack.sh when the dev server starts. */
export const SEARCH_ATTRIBUTES = {
  postId: 'VtPostId',
  organizationId: 'VtOrgId',
  scheduledAt: 'VtScheduledAt',
  status: 'VtPostStatus',
} as const;
