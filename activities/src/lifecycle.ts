import type {
  MarkCancelledInput,
  MarkPublishingInput,
  MarkPublishingResult,
  PostSnapshot,
} from '@vibetribe/workflows';
import { Post, type PostStatus } from '@vibetribe/database';
import type { ActivityDeps } from './deps';
import { lockPost, stillWaitingForCommit } from './lock-post';
import { announce, auditActor, targetOutcome } from './post-rows';
import { recordPostAudit } from '@vibetribe/database';

/** The post and its status before, when a transaction changed it (announced after commit). */
interface Changed {
  post?: Post;
  previous?: string;
}

type Marked = { result: MarkPublishingResult } & Changed;

/** Statuses from which a round may start (`publishing` when this activity is retried after its commit). */
const PUBLISHABLE: readonly PostStatus[] = ['scheduled', 'publishing', 'failed', 'partially_published'];

/** The post when its workflow starts: targets for the status query; null when it does not exist. */
export function loadPostForPublish(deps: ActivityDeps) {
  return async (postId: string): Promise<PostSnapshot | null> => {
    const em = deps.orm.em.fork();
    const post = await em.findOne(Post, { id: postId }, { populate: ['targets'] });
    if (!post) {
      stillWaitingForCommit(deps, `post ${postId} not found`);
      return null;
    }
    return {
      status: post.status,
      version: post.version,
      deleted: post.deletedAt !== null,
      targets: post.targets.getItems().map(targetOutcome),
    };
  };
}

/** Starts a round: locks the post, moves it and its unpublished targets to `publishing`, or says why not. */
export function markPublishing(deps: ActivityDeps) {
  return async (input: MarkPublishingInput): Promise<MarkPublishingResult> => {
    const em = deps.orm.em.fork();
    const actor = auditActor(input.actor);
    const done = await em.transactional(async (tx): Promise<Marked> => {
      const post = await lockPost(tx, input.postId);
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
      const previous = post.status;
      const todo = post.targets
        .getItems()
        .filter((t) => t.status !== 'published' && t.status !== 'cancelled');
      for (const t of todo) t.status = 'publishing';
      post.status = 'publishing';
      if (previous !== 'publishing') {
        recordPostAudit(tx, post, 'publishing', actor, {
          reason: input.reason,
          round: input.round,
          version: post.version,
        });
      }
      const result = { kind: 'ready', version: post.version, targets: todo.map(targetOutcome) } as const;
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
    return done.result;
  };
}

/** Ends a post that was cancelled before publishing; a post the gateway moved back to draft stays a draft. */
export function markCancelled(deps: ActivityDeps) {
  return async (input: MarkCancelledInput): Promise<{ status: string }> => {
    const em = deps.orm.em.fork();
    const actor = auditActor(input.actor);
    const done = await em.transactional(async (tx): Promise<{ status: string } & Changed> => {
      const post = await lockPost(tx, input.postId);
      if (!post) return { status: 'missing' };
      const previous = post.status;
      if (post.status === 'scheduled') post.status = 'cancelled';
      if (post.status !== 'cancelled') return { status: post.status };
      let changed = previous !== post.status;
      for (const t of post.targets) {
        if (t.status === 'pending' || t.status === 'publishing') {
          t.status = 'cancelled';
          changed = true;
        }
      }
      if (changed) recordPostAudit(tx, post, 'cancelled', actor, { reason: input.reason ?? null });
      return { status: post.status, ...(changed ? { post, previous } : {}) };
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
