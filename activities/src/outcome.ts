import type { PostStatus, PostTarget } from '@vibetribe/database';
import type {
  PublishOutcome,
  RecordOutcomeInput,
  RecordOutcomeResult,
  TargetFailure,
} from '@vibetribe/workflows';
import type { ActivityDeps } from './deps';
import { lockPost } from './lock-post';
import { announce, auditActor, targetOutcome } from './post-rows';
import { recordPostAudit } from '@vibetribe/database';

/** published when every live target is, partially_published when some are, failed when none is. */
export function outcomeOf(targets: PostTarget[]): PublishOutcome {
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

function markFailed(target: PostTarget, failure: TargetFailure): void {
  target.status = 'failed';
  // The activity recorded the platform's own words; keep them unless it never got the chance (a timeout).
  if (!target.lastError || failure.kind === 'timeout') {
    target.lastError = { kind: failure.kind, message: failure.message, at: new Date().toISOString() };
  }
}

/** Ends a round: failed targets marked failed, the post's outcome written, audited and announced. */
export function recordOutcome(deps: ActivityDeps) {
  return async (input: RecordOutcomeInput): Promise<RecordOutcomeResult> => {
    const em = deps.orm.em.fork();
    const actor = auditActor(undefined);
    const failures = new Map(input.failures.map((f) => [f.targetId, f]));
    const done = await em.transactional(async (tx) => {
      const post = await lockPost(tx, input.postId);
      if (!post) throw new Error(`post ${input.postId} vanished during publishing`);
      const targets = post.targets.getItems();
      for (const t of targets) {
        const failure = failures.get(t.id);
        if (failure && t.status !== 'published') markFailed(t, failure);
      }
      const status = outcomeOf(targets);
      const previous: PostStatus = post.status;
      post.status = status;
      if (status !== 'failed') {
        const times = targets.map((t) => t.publishedAt?.getTime() ?? 0);
        post.publishedAt ??= new Date(Math.max(...times, 0) || Date.now());
      }
      if (previous !== status) {
        recordPostAudit(tx, post, status, actor, {
          round: input.round,
          version: input.version,
          failures: input.failures,
        });
      }
      return { post, previous, status, targets: targets.map(targetOutcome) };
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
