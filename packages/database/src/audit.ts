import type { EntityManager } from '@mikro-orm/postgresql';
import { type ActorType, AuditEvent } from './entities/audit-event.entity';
import type { Post } from './entities/post.entity';

/** Who caused a change, as the audit trail records it. */
export interface AuditActor {
  type: ActorType;
  id?: string | null;
}

/** Appends one entry to a post's timeline, in the caller's unit of work (gateway and activities alike). */
export function recordPostAudit(
  em: EntityManager,
  post: Post,
  action: string,
  actor: AuditActor,
  data: Record<string, unknown> = {},
): void {
  em.persist(
    new AuditEvent(post.organization, {
      subjectType: 'post',
      subjectId: post.id,
      action,
      actorType: actor.type,
      actorId: actor.id ?? null,
      data,
    }),
  );
}
