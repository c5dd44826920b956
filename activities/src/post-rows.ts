import type { AuditActor, OutboxEvent } from '@vibetribe/database';
import { targetState, timestampFromDate } from '@vibetribe/proto';
import type { Actor, TargetOutcome } from '@vibetribe/workflows';
import { postStatusEvent } from './events';
import type { PostRow, TargetRow } from './rows';

/** The actor of a transition: the signal's, or the workflow itself. */
export function auditActor(actor: Actor | undefined): AuditActor {
  return actor ?? { type: 'workflow', id: null };
}

/** A target as the workflow's status query shows it. */
export function targetOutcome(t: TargetRow): TargetOutcome {
  return {
    targetId: t.id,
    platform: t.platform,
    status: t.status,
    attempts: t.attempts,
    ...(t.platformPostId ? { platformPostId: t.platformPostId } : {}),
    ...(t.platformUrl ? { url: t.platformUrl } : {}),
    ...(t.lastError && t.status === 'failed'
      ? { error: { kind: t.lastError.kind, message: t.lastError.message } }
      : {}),
  };
}

/** What a status event says beyond the post's own row. */
export interface Announcement {
  previousStatus: string;
  reason: string;
  actor: AuditActor;
}

/**
 * The post's `vt.<orgId>.post.status` event as it stands in `post`, for the outbox: the caller writes
 * it in the transaction of the transition (`enqueueEvents`, or folded into a statement it runs anyway).
 */
export function statusEvent(post: PostRow, a: Announcement): OutboxEvent {
  return postStatusEvent({
    postId: post.id,
    organizationId: post.organizationId,
    status: post.status,
    previousStatus: a.previousStatus,
    version: post.version,
    targets: post.targets.map((t) => targetState({ ...t, targetId: t.id, url: t.platformUrl })),
    reason: a.reason,
    actor: a.actor.type === 'user' && a.actor.id ? a.actor.id : 'system',
    occurredAt: timestampFromDate(new Date()),
    ...(post.scheduledAt ? { scheduledAt: timestampFromDate(post.scheduledAt) } : {}),
  });
}
