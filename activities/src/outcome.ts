import type { PostStatus, TargetError } from '@vibetribe/database';
import type {
  PublishOutcome,
  RecordOutcomeInput,
  RecordOutcomeResult,
  TargetFailure,
} from '@vibetribe/workflows';
import type { ActivityDeps } from './deps';
import { announce, auditActor, targetOutcome } from './post-rows';
import { auditInsert, query, readPost, sqlOf, type TargetRow } from './rows';

/** published when every live target is, partially_published when some are, failed when none is. */
export function outcomeOf(targets: Pick<TargetRow, 'status'>[]): PublishOutcome {
  const live = targets.filter((t) => t.status !== 'cancelled');
  const published = live.filter((t) => t.status === 'published').length;
  if (published === live.length) return 'published';
  return published > 0 ? 'partially_published' : 'failed';
}

const REASONS: Record<PublishOutcome, string> = {
  published: 'all_targets_published',
  partially_published: 'some_targets_failed',
  failed: 'all_targets_failed',
};

/** The error a failed target keeps: the activity recorded the platform's own words; keep them unless it never got the chance (a timeout). */
function failedError(target: TargetRow, failure: TargetFailure): TargetError {
  if (target.lastError && failure.kind !== 'timeout') return target.lastError;
  return { kind: failure.kind, message: failure.message, at: new Date().toISOString() };
}

/** Ends a round: failed targets marked failed, the post's outcome written, audited and announced. */
export function recordOutcome(deps: ActivityDeps) {
  return async (input: RecordOutcomeInput): Promise<RecordOutcomeResult> => {
    const actor = auditActor(undefined);
    const failures = new Map(input.failures.map((f) => [f.targetId, f]));
    const done = await sqlOf(deps).transaction(async (tx) => {
      const post = await readPost(tx, input.postId, true);
      if (!post) throw new Error(`post ${input.postId} vanished during publishing`);
      const failed: { id: string; error: TargetError }[] = [];
      for (const t of post.targets) {
        const failure = failures.get(t.id);
        if (!failure || t.status === 'published') continue;
        t.status = 'failed';
        t.lastError = failedError(t, failure);
        failed.push({ id: t.id, error: t.lastError });
      }
      const status = outcomeOf(post.targets);
      const previous: PostStatus = post.status;
      post.status = status;
      if (status !== 'failed' && !post.publishedAt) {
        const times = post.targets.map((t) => (t.publishedAt ? Date.parse(t.publishedAt) : 0));
        post.publishedAt = new Date(Math.max(...times, 0) || Date.now());
      }
      const [audit, auditArgs] = auditInsert(
        post,
        status,
        actor,
        { round: input.round, version: input.version, failures: input.failures },
        previous !== status,
      );
      await query(
        tx,
        `with failed as (
           update post_targets t set status = 'failed', last_error = f.error, updated_at = now()
           from jsonb_to_recordset(?::jsonb) as f(id uuid, error jsonb) where t.id = f.id
         ), post as (
           update posts set status = ?, published_at = ?, updated_at = now() where id = ?
         )
         ${audit}`,
        [JSON.stringify(failed), status, post.publishedAt, post.id, ...auditArgs],
      );
      return { post, previous, status, targets: post.targets.map(targetOutcome) };
    });
    await announce(deps, done.post, {
      previousStatus: done.previous,
      reason: REASONS[done.status],
      actor,
      msgId: `post-status:${input.postId}:${input.round}:${done.status}`,
    });
    return { status: done.status, targets: done.targets };
  };
}
