import type { PostStatus } from '@vibetribe/database';
import type {
  MarkCancelledInput,
  MarkPublishingInput,
  MarkPublishingResult,
  PostSnapshot,
} from '@vibetribe/workflows';
import type { ActivityDeps } from './deps';
import { stillWaitingForCommit } from './commit-wait';
import { announce, auditActor, targetOutcome } from './post-rows';
import { auditInsert, type PostRow, query, readPost, sqlOf } from './rows';

/** The post and its status before, when a transaction changed it (announced after commit). */
interface Changed {
  post?: PostRow;
  previous?: string;
}

type Marked = { result: MarkPublishingResult } & Changed;

/** Statuses from which a round may start (`publishing` when this activity is retried after its commit). */
const PUBLISHABLE: readonly PostStatus[] = ['scheduled', 'publishing', 'failed', 'partially_published'];

/** The post when its workflow starts: targets for the status query; null when it does not exist. */
export function loadPostForPublish(deps: ActivityDeps) {
  return async (postId: string): Promise<PostSnapshot | null> => {
    const post = await readPost(sqlOf(deps), postId);
    if (!post) {
      stillWaitingForCommit(deps, `post ${postId} not found`);
      return null;
    }
    return {
      status: post.status,
      version: post.version,
      deleted: post.deletedAt !== null,
      targets: post.targets.map(targetOutcome),
    };
  };
}

/**
 * A held timer round's post that the gateway rescheduled after the workflow's time (a newer version
 * than the workflow has seen, due later): its signal is on the way, and the round must not publish.
 * A time moved by an operator's signal alone is the workflow's, and leaves the row's older time behind.
 */
function movedLater(post: PostRow, input: MarkPublishingInput): boolean {
  if (!input.dueAt || post.status !== 'scheduled' || post.version <= input.version) return false;
  return post.scheduledAt !== null && post.scheduledAt.getTime() > Date.parse(input.dueAt);
}

/**
 * Starts a round: locks the post, moves it and its unpublished targets to `publishing`, or says why not.
 * A post found deleted has its open targets cancelled, as a cancel before its time would leave them.
 */
export function markPublishing(deps: ActivityDeps) {
  const cancel = markCancelled(deps);
  return async (input: MarkPublishingInput): Promise<MarkPublishingResult> => {
    const actor = auditActor(input.actor);
    const done = await sqlOf(deps).transaction(async (tx): Promise<Marked> => {
      const post = await readPost(tx, input.postId, true);
      if (!post) {
        stillWaitingForCommit(deps, `post ${input.postId} not found`);
        return { result: { kind: 'skip', status: 'missing', reason: 'missing' } as const };
      }
      if (post.deletedAt)
        return { result: { kind: 'skip', status: post.status, reason: 'deleted' } as const };
      if (!PUBLISHABLE.includes(post.status)) {
        return { result: { kind: 'skip', status: post.status, reason: 'not_publishable' } as const };
      }
      if (post.version < input.version)
        stillWaitingForCommit(deps, `post ${post.id} is at v${post.version}, not v${input.version}`);
      if (movedLater(post, input)) {
        const scheduledAt = post.scheduledAt!.toISOString();
        return { result: { kind: 'later', scheduledAt, version: post.version } as const };
      }
      const previous = post.status;
      const todo = post.targets.filter((t) => t.status !== 'published' && t.status !== 'cancelled');
      for (const t of todo) t.status = 'publishing';
      post.status = 'publishing';
      // Targets, post and audit entry in one statement (its parts see the same snapshot, and none overlap).
      const [audit, auditArgs] = auditInsert(
        post,
        'publishing',
        actor,
        { reason: input.reason, round: input.round, version: post.version },
        previous !== 'publishing',
      );
      await query(
        tx,
        `with targets as (
           update post_targets set status = 'publishing', updated_at = now()
           where post_id = ? and status not in ('published', 'cancelled', 'publishing')
         ), post as (
           update posts set status = 'publishing', updated_at = now() where id = ? and status <> 'publishing'
         )
         ${audit}`,
        [post.id, post.id, ...auditArgs],
      );
      const result = {
        kind: 'ready',
        version: post.version,
        targets: todo.map(targetOutcome),
        withMedia: post.mediaCount > 0,
      } as const;
      return { result, post, previous };
    });
    if (done.post) {
      await announce(deps, done.post, {
        previousStatus: done.previous ?? '',
        reason: input.reason,
        actor,
        msgId: `post-status:${input.postId}:${input.round}:publishing`,
      });
    }
    if (done.result.kind === 'skip' && done.result.reason === 'deleted') {
      await cancel({ postId: input.postId, reason: 'deleted' });
    }
    return done.result;
  };
}

/** Ends a post that was cancelled before publishing; a post the gateway moved back to draft stays a draft. */
export function markCancelled(deps: ActivityDeps) {
  return async (input: MarkCancelledInput): Promise<{ status: string }> => {
    const actor = auditActor(input.actor);
    const done = await sqlOf(deps).transaction(async (tx): Promise<{ status: string } & Changed> => {
      const post = await readPost(tx, input.postId, true);
      if (!post) return { status: 'missing' };
      const previous = post.status;
      if (post.status === 'scheduled') post.status = 'cancelled';
      if (post.status !== 'cancelled') return { status: post.status };
      const open = post.targets.filter((t) => t.status === 'pending' || t.status === 'publishing');
      for (const t of open) t.status = 'cancelled';
      const changed = previous !== post.status || open.length > 0;
      if (!changed) return { status: post.status };
      const [audit, auditArgs] = auditInsert(post, 'cancelled', actor, { reason: input.reason ?? null });
      await query(
        tx,
        `with targets as (
           update post_targets set status = 'cancelled', updated_at = now()
           where post_id = ? and status in ('pending', 'publishing')
         ), post as (
           update posts set status = 'cancelled', updated_at = now() where id = ? and status = 'scheduled'
         )
         ${audit}`,
        [post.id, post.id, ...auditArgs],
      );
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
