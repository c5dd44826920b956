import { randomUUID } from 'node:crypto';
import { enqueueEvents, type OutboxEvent } from '@vibetribe/database';
import {
  create,
  eventRecord,
  notificationSubject,
  NotificationSchema,
  NotificationSeverity,
  PostCreatedSchema,
  PostDeletedSchema,
  PostStatusChangedSchema,
  PostUpdatedSchema,
  postSubject,
  targetState,
  timestampFromDate,
  timestampNow,
} from '@vibetribe/proto';
import type { EventSink, NotificationInit, PostEventName } from '../context';
import type { PresentedPost } from '../routes/posts/presenters';

const targetsOf = (p: PresentedPost) =>
  p.targets.map((t) =>
    targetState({
      targetId: t.id,
      accountId: t.account_id,
      platform: t.platform,
      status: t.status,
      platformPostId: t.platform_post_id,
      url: t.platform_url,
      lastError: t.last_error,
      attempts: t.attempts,
      sandbox: t.sandbox,
    }),
  );

/** A post event, built from the post as the API presents it. */
export function postEventRecord(orgId: string, event: PostEventName, p: PresentedPost): OutboxEvent {
  const common = { postId: p.id, organizationId: orgId, version: p.version, occurredAt: timestampNow() };
  const scheduledAt = p.scheduled_at ? { scheduledAt: timestampFromDate(new Date(p.scheduled_at)) } : {};
  const subject = postSubject(orgId, event);
  switch (event) {
    case 'created':
      return eventRecord(
        subject,
        PostCreatedSchema,
        create(PostCreatedSchema, {
          ...common,
          ...scheduledAt,
          status: p.status,
          authorId: p.author_id ?? '',
          actor: p.author_id ?? '',
          targets: targetsOf(p),
        }),
      );
    case 'updated':
      return eventRecord(
        subject,
        PostUpdatedSchema,
        create(PostUpdatedSchema, { ...common, ...scheduledAt, status: p.status, targets: targetsOf(p) }),
      );
    case 'deleted':
      return eventRecord(subject, PostDeletedSchema, create(PostDeletedSchema, common));
    case 'status':
      return eventRecord(
        subject,
        PostStatusChangedSchema,
        create(PostStatusChangedSchema, {
          ...common,
          ...scheduledAt,
          status: p.status,
          targets: targetsOf(p),
          reason: 'requested',
        }),
      );
  }
}

/**
 * Writes the gateway's events to the outbox in the request's transaction: they go out (through the
 * relay) if and only if the change commits, and a NATS outage never fails a request.
 */
export const outboxEventSink: EventSink = {
  post: (em, orgId, event, payload) =>
    enqueueEvents(em, [postEventRecord(orgId, event, payload as unknown as PresentedPost)]),
  notify: (em, orgId, note) =>
    enqueueEvents(em, [
      eventRecord(
        notificationSubject(orgId, 'created'),
        NotificationSchema,
        create(NotificationSchema, {
          notificationId: randomUUID(),
          organizationId: orgId,
          kind: note.kind,
          severity: SEVERITIES[note.severity],
          text: note.text,
          userIds: note.userIds,
          postIds: note.postIds ?? [],
          accountId: note.accountId ?? '',
          occurredAt: timestampNow(),
        }),
      ),
    ]),
};

const SEVERITIES: Record<NotificationInit['severity'], NotificationSeverity> = {
  info: NotificationSeverity.INFO,
  warning: NotificationSeverity.WARNING,
  error: NotificationSeverity.ERROR,
};
