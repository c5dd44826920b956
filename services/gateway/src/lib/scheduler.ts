import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import {
  type Actor,
  cancelSignal,
  contentUpdatedSignal,
  publishNowSignal,
  publishStartOptions,
  publishWorkflowId,
  type PublishPostInput,
  rescheduleSignal,
  retrySignal,
} from '@vibetribe/workflows';
import { dependencyUnavailable } from '../errors';

/** What the gateway asks of the publishing side. Every call has a deadline; failure means 503, nothing written. */
export interface PostScheduler {
  schedule(input: PublishPostInput, publishNow?: boolean): Promise<void>;
  reschedule(postId: string, scheduledAt: Date, version: number, actor: Actor): Promise<void>;
  contentUpdated(postId: string, version: number, actor: Actor): Promise<void>;
  cancel(postId: string, reason: string, actor: Actor): Promise<void>;
  publishNow(postId: string, version: number, actor: Actor): Promise<void>;
  retry(postId: string, actor: Actor): Promise<void>;
}

/**
 * The Temporal implementation: one workflow per post, id `post-<postId>`, on `taskQueue` (the env's
 * TEMPORAL_TASK_QUEUE; no default here, so no caller can miss the worker's queue). `mediaWaitMs`
 * (MEDIA_WAIT_MS) goes into every post's input.
 */
export function temporalScheduler(
  client: Client,
  deadlineMs: number,
  taskQueue: string,
  mediaWaitMs?: number,
): PostScheduler {
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await client.withDeadline(Date.now() + deadlineMs, fn);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw err;
      throw dependencyUnavailable('temporal');
    }
  };
  const handle = (postId: string) => client.workflow.getHandle(publishWorkflowId(postId));
  return {
    schedule: (input, publishNow = false) =>
      call(async () => {
        const options = publishStartOptions(
          mediaWaitMs === undefined ? input : { ...input, mediaWaitMs },
          taskQueue,
        );
        if (publishNow) {
          await client.workflow.signalWithStart('publishPostWorkflow', {
            ...options,
            signal: publishNowSignal,
            signalArgs: [{ version: input.version }],
          });
        } else {
          await client.workflow.start('publishPostWorkflow', options);
        }
      }),
    reschedule: (postId, scheduledAt, version, actor) =>
      call(() =>
        handle(postId).signal(rescheduleSignal, { scheduledAt: scheduledAt.toISOString(), version, actor }),
      ),
    contentUpdated: (postId, version, actor) =>
      call(() => handle(postId).signal(contentUpdatedSignal, { version, actor })),
    cancel: (postId, reason, actor) => call(() => handle(postId).signal(cancelSignal, { reason, actor })),
    publishNow: (postId, version, actor) =>
      call(() => handle(postId).signal(publishNowSignal, { version, actor })),
    retry: (postId, actor) => call(() => handle(postId).signal(retrySignal, { actor })),
  };
}
