import { randomUUID } from 'node:crypto';
import {
  create,
  type EventBus,
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
import type { Logger } from 'pino';
import type { EventSink, NotificationInit } from '../context';
import type { presentPost } from '../routes/posts/presenters';

type PresentedPost = ReturnType<typeof presentPost>;

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

/**
 * Publishes post events on NATS after their transaction committed. The row and the audit trail are the
 * record; an event that cannot be sent is logged, never turned into a failed request.
 */
export function natsEventSink(bus: EventBus, logger: Logger): EventSink {
  return {
    async post(orgId, event, payload) {
      const p = payload as unknown as PresentedPost;
      const common = { postId: p.id, organizationId: orgId, version: p.version, occurredAt: timestampNow() };
      const scheduledAt = p.scheduled_at ? { scheduledAt: timestampFromDate(new Date(p.scheduled_at)) } : {};
      const msgId = `${p.id}:${event}:${p.version}:${p.status}`;
      try {
        switch (event) {
          case 'created':
            await bus.publish(
              postSubject(orgId, 'created'),
              PostCreatedSchema,
              create(PostCreatedSchema, {
                ...common,
                ...scheduledAt,
                status: p.status,
                authorId: p.author_id ?? '',
                actor: p.author_id ?? '',
                targets: targetsOf(p),
              }),
              msgId,
            );
            break;
          case 'updated':
            await bus.publish(
              postSubject(orgId, 'updated'),
              PostUpdatedSchema,
              create(PostUpdatedSchema, {
                ...common,
                ...scheduledAt,
                status: p.status,
                targets: targetsOf(p),
              }),
              msgId,
            );
            break;
          case 'deleted':
            await bus.publish(
              postSubject(orgId, 'deleted'),
              PostDeletedSchema,
              create(PostDeletedSchema, common),
              msgId,
            );
            break;
          case 'status':
            await bus.publish(
              postSubject(orgId, 'status'),
              PostStatusChangedSchema,
              create(PostStatusChangedSchema, {
                ...common,
                ...scheduledAt,
                status: p.status,
                targets: targetsOf(p),
                reason: 'requested',
              }),
              msgId,
            );
            break;
        }
      } catch (err) {
        logger.warn({ err, postId: p.id, event }, 'post event not published');
      }
    },
    async notify(orgId, note) {
      const id = randomUUID();
      try {
        await bus.publish(
          notificationSubject(orgId, 'created'),
          NotificationSchema,
          create(NotificationSchema, {
            notificationId: id,
            organizationId: orgId,
            kind: note.kind,
            severity: SEVERITIES[note.severity],
            text: note.text,
            userIds: note.userIds,
            postIds: note.postIds ?? [],
            accountId: note.accountId ?? '',
            occurredAt: timestampNow(),
          }),
          `notification:${id}`,
        );
      } catch (err) {
        logger.warn({ err, kind: note.kind }, 'notification not published');
      }
    },
  };
}

const SEVERITIES: Record<NotificationInit['severity'], NotificationSeverity> = {
  info: NotificationSeverity.INFO,
  warning: NotificationSeverity.WARNING,
  error: NotificationSeverity.ERROR,
};
