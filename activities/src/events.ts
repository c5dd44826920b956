import {
  create,
  eventRecord,
  type MessageInitShape,
  notificationSubject,
  NotificationSchema,
  NotificationSeverity,
  postSubject,
  PostStatusChangedSchema,
  timestampFromDate,
} from '@vibetribe/proto';
import type { OutboxEvent } from '@vibetribe/database';
import { randomUUID } from 'node:crypto';

/** A `PostStatusChanged` event before it is built into a message. */
export type PostStatusChangedInit = MessageInitShape<typeof PostStatusChangedSchema>;

/** `vt.<orgId>.post.status`, as an outbox row: written in the transaction of the transition. */
export function postStatusEvent(event: PostStatusChangedInit & { organizationId: string }): OutboxEvent {
  const subject = postSubject(event.organizationId, 'status');
  return eventRecord(subject, PostStatusChangedSchema, create(PostStatusChangedSchema, event));
}

/** A warning `Notification` on `vt.<orgId>.notification.created` for `userIds` (their `user:<id>` rooms). */
export function notificationEvent(note: {
  organizationId: string;
  kind: string;
  text: string;
  userIds: string[];
  postIds: string[];
  accountId: string;
}): OutboxEvent {
  return eventRecord(
    notificationSubject(note.organizationId, 'created'),
    NotificationSchema,
    create(NotificationSchema, {
      ...note,
      notificationId: randomUUID(),
      severity: NotificationSeverity.WARNING,
      occurredAt: timestampFromDate(new Date()),
    }),
  );
}
