import { randomUUID } from 'node:crypto';
import {
  create,
  type EventBus,
  type MessageInitShape,
  notificationSubject,
  NotificationSchema,
  NotificationSeverity,
  postSubject,
  PostStatusChangedSchema,
  timestampFromDate,
} from '@vibetribe/proto';

/** A `PostStatusChanged` event before it is built into a message. */
export type PostStatusChangedInit = MessageInitShape<typeof PostStatusChangedSchema>;

/** Where the activities announce post transitions: NATS in production, a recorder in tests. */
export interface PostEvents {
  /** Publishes on `vt.<orgId>.post.status`; `msgId` makes a repeat within the stream's window a no-op. */
  statusChanged(event: PostStatusChangedInit & { organizationId: string }, msgId: string): Promise<void>;
  /** Publishes a `Notification` on `vt.<orgId>.notification.created` for `userIds` (their `user:<id>` rooms). */
  notify(note: {
    organizationId: string;
    kind: string;
    text: string;
    userIds: string[];
    postIds: string[];
    accountId: string;
  }): Promise<void>;
}

/** Post events on the shared JetStream event bus. */
export function natsPostEvents(bus: Pick<EventBus, 'publish'>): PostEvents {
  return {
    async statusChanged(event, msgId) {
      const subject = postSubject(event.organizationId, 'status');
      await bus.publish(subject, PostStatusChangedSchema, create(PostStatusChangedSchema, event), msgId);
    },
    async notify(note) {
      const id = randomUUID();
      await bus.publish(
        notificationSubject(note.organizationId, 'created'),
        NotificationSchema,
        create(NotificationSchema, {
          ...note,
          notificationId: id,
          severity: NotificationSeverity.WARNING,
          occurredAt: timestampFromDate(new Date()),
        }),
        `notification:${id}`,
      );
    },
  };
}
