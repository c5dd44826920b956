/** The task queue the worker polls for publishing workflows and activities. */
export const PUBLISHING_TASK_QUEUE = 'vibetribe-publishing';

/** Workflow ids: one per post, so a double start is a conflict, not a second workflow. */
export const publishWorkflowId = (postId: string) => `post-${postId}`;

/** Custom search attributes, registered by deploy/scripts/stack.sh when the dev server starts. */
export const SEARCH_ATTRIBUTES = {
  postId: 'VtPostId',
  organizationId: 'VtOrgId',
  scheduledAt: 'VtScheduledAt',
  status: 'VtPostStatus',
} as const;
