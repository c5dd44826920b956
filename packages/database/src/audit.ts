import type { EntityManager } from '@mikro-orm/postgresql';
import { type ActorType, AuditEvent } from './entities/audit-event.entity';
import { Organization } from './entities/organization.entity';

/** Who caused a change, as the audit trail records it. */
export interface AuditActor {
  type: ActorType;
  id?: string | null;
}

/** The post an audit entry is about: an entity, or its ids (the activities work on rows). */
export type AuditedPost =
  { id: string; organization: { id: string } } | { id: string; organizationId: string };

const orgIdOf = (post: AuditedPost): string =>
  'organizationId' in post ? post.organizationId : post.organization.id;

/**
 * Appends one entry to a post's timeline, in the caller's unit of work: it is written when the
 * caller's `em` flushes (at the end of `em.transactional`), so it commits with the change it
 * records. The one writer of `audit_events`: the gateway, the activities and the sweep all use it.
 */
export function recordPostAudit(
  em: EntityManager,
  post: AuditedPost,
  action: string,
  actor: AuditActor,
  data: Record<string, unknown> = {},
): AuditEvent {
  const event = new AuditEvent(em.getReference(Organization, orgIdOf(post)), {
    subjectType: 'post',
    subjectId: post.id,
    action,
    actorType: actor.type,
    actorId: actor.id ?? null,
    data,
  });
  em.persist(event);
  return event;
}
