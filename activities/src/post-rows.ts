import type { AuditActor } from '@vibetribe/database';
import { targetState, timestampFromDate } from '@vibetribe/proto';
import type { Actor, TargetOutcome } from '@vibetribe/workflows';
import type { ActivityDeps } from './deps';
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
  /** Stable per transition, so a retried activity's repeat is de-duplicated by JetStream. */
  msgId: string;
}

/**
 * Publishes `vt.<orgId>.post.status` after the transaction committed. Best effort: the row and the
 * audit trail are the record, so a NATS outage is logged rather than failing (and re-running) a publish.
 */
export async function announce(
  deps: Pick<ActivityDeps, 'events' | 'logger'>,
  post: PostRow,
  a: Announcement,
): Promise<void> {
  try {
    await deps.events.statusChanged(
      {
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
      },
      a.msgId,
    );
  } catch (err) {
    deps.logger.warn({ err, postId: post.id, status: post.status }, 'post status event not published');
  }
}
