import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import {
  type Actor,
  cancelSignal,
  PERIODIC_JOB_NAMES,
  type PeriodicJobName,
  periodicScheduleId,
  publishNowSignal,
  publishWorkflowId,
  rescheduleUpdate,
  retrySignal,
  statusQuery,
} from '@vibetribe/workflows';

/** What a command printed and how the process should exit. */
export interface OpsResult {
  code: 0 | 1 | 2;
  output: string;
}

export const USAGE = `usage: npm run ops -- post status|cancel|reschedule|retry|publish-now <post id> [time]
       npm run ops -- job trigger ${PERIODIC_JOB_NAMES.join('|')}`;

const POST_ACTIONS = ['status', 'cancel', 'reschedule', 'retry', 'publish-now'] as const;
type PostAction = (typeof POST_ACTIONS)[number];

const isPostAction = (v: string | undefined): v is PostAction => POST_ACTIONS.includes(v as PostAction);
const isJob = (v: string | undefined): v is PeriodicJobName =>
  PERIODIC_JOB_NAMES.includes(v as PeriodicJobName);

/** Sends one action to the post's workflow, then reads its status back (the row follows the workflow). */
async function postCommand(
  client: Client,
  action: PostAction,
  postId: string,
  time: string | undefined,
  actor: Actor,
) {
  const handle = client.workflow.getHandle(publishWorkflowId(postId));
  switch (action) {
    case 'status':
      break;
    case 'cancel':
      await handle.signal(cancelSignal, { reason: time ?? 'operator', actor });
      break;
    case 'reschedule':
      if (!time) return { code: 1 as const, output: `reschedule needs a time (ISO 8601)\n${USAGE}` };
      // The update answers: a refused time is an error here, not a silent timeline entry.
      await handle.executeUpdate(rescheduleUpdate, { args: [{ scheduledAt: time, actor }] });
      break;
    case 'retry':
      await handle.signal(retrySignal, { actor });
      break;
    case 'publish-now':
      await handle.signal(publishNowSignal, { actor });
      break;
  }
  const status = await handle.query(statusQuery);
  return { code: 0 as const, output: JSON.stringify({ postId, action, ...status }, null, 2) };
}

/**
 * The operator's commands, as `npm run ops` runs them: each signals or queries a post's workflow
 * through the Temporal client, with the same effect as the README's `temporal workflow signal`
 * lines (the actor is an operator), or triggers a periodic job's schedule.
 */
export async function runOps(client: Client, argv: readonly string[], actor: Actor): Promise<OpsResult> {
  const [noun, verb, id, time] = argv;
  try {
    if (noun === 'post' && isPostAction(verb) && id) return await postCommand(client, verb, id, time, actor);
    if (noun === 'job' && verb === 'trigger' && isJob(id)) {
      await client.schedule.getHandle(periodicScheduleId(id)).trigger();
      return { code: 0, output: `triggered ${periodicScheduleId(id)}` };
    }
    return { code: 1, output: USAGE };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { code: 2, output: `no workflow for post ${id}` };
    if (err instanceof WorkflowUpdateFailedError) {
      return { code: 1, output: `refused: ${err.cause?.message ?? err.message}` };
    }
    throw err;
  }
}
