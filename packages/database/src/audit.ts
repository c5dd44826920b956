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
 * records. This module is the one writer of `audit_events`: the gateway, the activities and the
 * sweep all use it, or, on the publish path, its `AUDIT_INSERT` fragment.
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

/** One timeline entry for `AUDIT_INSERT`. */
export interface PostAuditEntry {
  post: AuditedPost;
  action: string;
  actor: AuditActor;
  data?: Record<string, unknown>;
}

/**
 * Inserts the timeline entries of one `?` parameter (`auditParam(...)`), in their order. A fragment,
 * as `OUTBOX_INSERT` is: the publish path folds it into a statement it runs anyway, as a
 * data-modifying CTE, so an entry costs neither a round trip nor a unit-of-work flush.
 */
export const AUDIT_INSERT = `insert into audit_events (id, created_at, updated_at, organization_id, subject_type,
    subject_id, action, actor_type, actor_id, data)
  select gen_random_uuid(), now(), now(), a.organization_id, 'post', a.subject_id, a.action, a.actor_type,
    a.actor_id, a.data
  from rows from (jsonb_to_recordset(?::jsonb) as (organization_id uuid, subject_id uuid, action text,
      actor_type text, actor_id text, data jsonb))
    with ordinality as a(organization_id, subject_id, action, actor_type, actor_id, data, n)
  order by a.n`;

/** The parameter `AUDIT_INSERT` takes. */
export const auditParam = (entries: readonly PostAuditEntry[]): string =>
  JSON.stringify(
    entries.map((e) => ({
      organization_id: orgIdOf(e.post),
      subject_id: e.post.id,
      action: e.action,
      actor_type: e.actor.type,
      actor_id: e.actor.id ?? null,
      data: e.data ?? {},
    })),
  );
