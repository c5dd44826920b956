import { canRetry, enqueueEvents, recordPostAudit, runStatement, statement } from '@vibetribe/database';
import type { MarkCancelledInput, ReschedulePostInput, ReschedulePostResult } from '@vibetribe/workflows';
import type { ActivityDeps } from './deps';
import { auditActor, statusEvent } from './post-rows';
import { type PostRow, readPost } from './rows';

/**
 * Cancels a post that waits or publishes: the post, and every target whose platform call has not
 * begun (`pending`, or `failed` in an earlier round). A target in `publishing` has its call under way
 * or behind it, and the round's outcome says how it ended.
 */
const CANCEL_POST = statement(
  'cancel-post',
  `with targets as (
     update post_targets set status = 'cancelled', updated_at = now()
     where post_id = ? and status in ('pending', 'failed')
   )
   update posts set status = 'cancelled', updated_at = now() where id = ?`,
);

/**
 * Ends a post that was cancelled before or while publishing; a post the gateway moved back to draft
 * stays a draft, and a failed post keeps its outcome (the cancel closes its retry window, audited and
 * announced in the same transaction).
 */
export function markCancelled(deps: ActivityDeps) {
  return async (input: MarkCancelledInput): Promise<{ status: string }> => {
    const actor = auditActor(input.actor);
    const done = await deps.orm.em.fork().transactional(async (tx) => {
      const post = await readPost(tx, input.postId, true);
      if (!post) return { status: 'missing' };
      const previous = post.status;
      if (previous === 'scheduled' || previous === 'publishing') {
        await runStatement(tx, CANCEL_POST, [post.id, post.id]);
        post.status = 'cancelled';
        for (const t of post.targets)
          if (t.status === 'pending' || t.status === 'failed') t.status = 'cancelled';
      } else if (!canRetry(previous)) {
        return { status: previous };
      }
      recordPostAudit(tx, post, 'cancelled', actor, { reason: input.reason ?? null, status: post.status });
      await enqueueEvents(tx, [
        statusEvent(post, { previousStatus: previous, reason: input.reason ?? 'cancelled', actor }),
      ]);
      return { status: post.status };
    });
    return { status: done.status };
  };
}

const RESCHEDULE_POST = statement(
  'reschedule-post',
  `update posts set scheduled_at = ?, version = ?, updated_at = now() where id = ?`,
);

/** Why an operator's new time cannot be taken, or undefined when it can. */
function refusal(post: PostRow, at: number, raw: string): string | undefined {
  if (!Number.isFinite(at)) return `not a time: ${raw}`;
  if (at <= Date.now()) return `${raw} is not in the future`;
  if (post.deletedAt || post.status !== 'scheduled') {
    return `the post is ${post.deletedAt ? 'deleted' : post.status}; only a scheduled post can be rescheduled`;
  }
  return undefined;
}

/**
 * An operator's reschedule (a signal with no version), written as the gateway writes an edit: the row
 * at a new version, audited and announced. A time not ahead, or a post no longer waiting, is refused,
 * and the refusal goes on the post's timeline.
 */
export function reschedulePost(deps: ActivityDeps) {
  return async (input: ReschedulePostInput): Promise<ReschedulePostResult> => {
    const actor = auditActor(input.actor);
    const at = Date.parse(input.scheduledAt);
    const done = await deps.orm.em.fork().transactional(async (tx) => {
      const post = await readPost(tx, input.postId, true);
      if (!post) return { result: { applied: false, reason: 'the post does not exist' } as const };
      const reason = refusal(post, at, input.scheduledAt);
      if (reason) {
        recordPostAudit(tx, post, 'reschedule_refused', actor, { scheduled_at: input.scheduledAt, reason });
        return { result: { applied: false, reason } as const };
      }
      const previous = post.scheduledAt;
      post.scheduledAt = new Date(at);
      post.version += 1;
      await runStatement(tx, RESCHEDULE_POST, [post.scheduledAt, post.version, post.id]);
      recordPostAudit(tx, post, 'rescheduled', actor, {
        scheduled_at: post.scheduledAt.toISOString(),
        previous_scheduled_at: previous?.toISOString() ?? null,
        version: post.version,
      });
      await enqueueEvents(tx, [
        statusEvent(post, { previousStatus: post.status, reason: 'rescheduled', actor }),
      ]);
      return {
        result: {
          applied: true,
          scheduledAt: post.scheduledAt.toISOString(),
          version: post.version,
        } as const,
      };
    });
    return done.result;
  };
}
