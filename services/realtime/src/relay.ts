import {
  type BusEvent,
  domainFilter,
  EVENT_CATALOG,
  type EventBus,
  eventToClientJson,
  type JsonObject,
  PresenceKind,
  rooms,
  SERVER_EVENTS,
  type ServerEventName,
} from '@vibetribe/proto';
import type { Logger } from '@vibetribe/runtime';
import type { Subscription } from 'nats';
import type { RealtimeMetrics } from './metrics';
import { presencePayload } from './presence';
import type { RealtimeServer } from './types';

/** Where one bus event goes: which Socket.IO event, to which rooms, with what payload. */
export interface Delivery {
  name: ServerEventName;
  rooms: string[];
  payload: JsonObject;
}

const POST_EVENT_NAMES = {
  created: SERVER_EVENTS.postCreated,
  updated: SERVER_EVENTS.postUpdated,
  deleted: SERVER_EVENTS.postDeleted,
  status: SERVER_EVENTS.postStatusUpdate,
} as const;

/**
 * Routes a bus event to rooms. Rooms come from the subject's organization (what NATS permissions can
 * police), and an event whose body names another organization is dropped rather than trusted.
 * Presence published by this instance is skipped: its sockets were told directly, without the sender.
 */
export function routeEvent(event: BusEvent, instanceId: string): Delivery | undefined {
  // System-wide events are for operators: never delivered to an organization's sockets.
  if (event.domain === 'ops') return undefined;
  const { orgId } = event;
  if (event.message.organizationId && event.message.organizationId !== orgId) return undefined;
  switch (event.domain) {
    case 'post': {
      const schema = EVENT_CATALOG.post[event.event];
      const payload = eventToClientJson(schema, event.message as never);
      return {
        name: POST_EVENT_NAMES[event.event],
        rooms: [rooms.org(orgId), rooms.post(event.message.postId)],
        payload,
      };
    }
    case 'media':
      return {
        name: SERVER_EVENTS.mediaStatusUpdate,
        rooms: [rooms.org(orgId)],
        payload: eventToClientJson(EVENT_CATALOG.media.status, event.message),
      };
    case 'analytics':
      return {
        name: SERVER_EVENTS.analyticsUpdate,
        rooms: [rooms.analytics(orgId)],
        payload: eventToClientJson(EVENT_CATALOG.analytics.updated, event.message),
      };
    case 'notification':
      // To its recipients only, each in their own room (they were checked as members when it was
      // made). No recipient, no delivery: an empty room list would reach every socket.
      if (event.message.userIds.length === 0) return undefined;
      return {
        name: SERVER_EVENTS.notification,
        rooms: event.message.userIds.map(rooms.user),
        payload: eventToClientJson(EVENT_CATALOG.notification.created, event.message),
      };
    case 'presence': {
      const { message } = event;
      if (message.origin === instanceId) return undefined;
      const payload = presencePayload(message);
      switch (message.kind) {
        case PresenceKind.CONNECTED:
          return { name: SERVER_EVENTS.userConnected, rooms: [rooms.org(orgId)], payload };
        case PresenceKind.DISCONNECTED:
          return { name: SERVER_EVENTS.userDisconnected, rooms: [rooms.org(orgId)], payload };
        case PresenceKind.TYPING_START:
        case PresenceKind.TYPING_STOP: {
          if (!message.postId) return undefined;
          const name =
            message.kind === PresenceKind.TYPING_START
              ? SERVER_EVENTS.userTyping
              : SERVER_EVENTS.userStoppedTyping;
          return { name, rooms: [rooms.post(message.postId)], payload };
        }
        case PresenceKind.UNSPECIFIED:
          return undefined;
      }
    }
  }
}

/**
 * Relays every organization's events from NATS to this instance's sockets.
 *
 * A core subscription, not a JetStream consumer: every instance must see every event for its own sockets
 * (fan-out, so no queue group), the view is live (a client loads current state over REST when it
 * connects, so replaying what it missed while away would repeat what it already has), and core
 * subscriptions keep no per-instance consumer state on the server to clean up when an instance dies.
 * Events published into the stream with JetStream reach core subscribers too.
 */
export function startRelay(deps: {
  io: RealtimeServer;
  bus: EventBus;
  instanceId: string;
  metrics: RealtimeMetrics;
  logger: Logger;
}): Subscription[] {
  const { io, bus, instanceId, metrics, logger } = deps;
  const deliver = (event: BusEvent): void => {
    const delivery = routeEvent(event, instanceId);
    if (!delivery) return;
    io.to(delivery.rooms).emit(delivery.name, delivery.payload);
    metrics.relayed.inc({ type: delivery.name });
  };
  const onError = (err: unknown, msg: { subject: string }) => {
    metrics.relayErrors.inc();
    logger.warn({ err, subject: msg.subject }, 'event not relayed');
  };
  return (['post', 'media', 'analytics', 'presence', 'notification'] as const).map((domain) =>
    bus.subscribeEvents(domainFilter(domain), deliver, { onError }),
  );
}
