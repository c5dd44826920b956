import { canRetry, recordPostAudit, runStatement, statement } from '@vibetribe/database';
import type { MarkCancelledInput } from '@vibetribe/workflows';
import type { ActivityDeps } from './deps';
import { announce, auditActor } from './post-rows';
import { readPost } from './rows';

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
 * stays a draft, and a failed post keeps its outcome (the cancel closes its retry window, audited).
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
      return { status: post.status, post, previous };
    });
    if (done.post) {
      await announce(deps, done.post, {
        previousStatus: done.previous ?? '',
        reason: input.reason ?? 'cancelled',
        actor,
        msgId: `post-status:${input.postId}:cancelled`,
      });
    }
    return { status: done.status };
  };
}
