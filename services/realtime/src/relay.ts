import {
  type BusEvent,
  decodeBusEvent,
  domainFilter,
  EVENT_STREAM,
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
import { DeliverPolicy, type JsMsg } from 'nats';
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

/** A delivery of a stream event: where it went, and its position in the stream. */
export interface Sequenced extends Delivery {
  seq: number;
}

/** Live events kept for a socket that is still replaying what it missed. */
export interface Held {
  /** Stops holding; returns what was held, in stream order. */
  release(): Sequenced[];
}

/** The live relay of this instance. */
export interface Relay {
  /** The stream sequence of the last stream event relayed (or the stream's end when the relay started). */
  position(): number;
  /** Keeps every live stream event for any of `rooms` until released: the seam between replay and live. */
  hold(rooms: ReadonlySet<string>): Held;
  /** Resolves true once the relay has passed `seq`, false after `timeoutMs`. */
  reached(seq: number, timeoutMs: number): Promise<boolean>;
  /** Stops the stream consumer and the presence subscription. */
  stop(): Promise<void>;
}

type Emitter = { emit(name: string, payload: unknown): unknown };

/**
 * Emits a delivery, with its stream sequence when it has one. The payload has the contract's shape by
 * construction (`routeEvent` builds it from the event's schema), which the emitter's types cannot see.
 */
export function emitDelivery(target: object, delivery: Delivery, seq?: number): void {
  const payload = seq === undefined ? delivery.payload : { ...delivery.payload, seq };
  (target as Emitter).emit(delivery.name, payload);
}

/**
 * Relays every organization's events to this instance's sockets.
 *
 * Post, media, analytics and notification events come from the JetStream stream through an ordered
 * consumer that starts at the stream's end: each carries its stream sequence to the client (`seq`), so a
 * client that reconnects, to this instance or another, can be replayed exactly what it missed (see
 * sync.ts). The ordered consumer is ephemeral (nothing to clean up when an instance dies) and, after a
 * NATS restart, is recreated from the last sequence it delivered: nothing twice, nothing skipped.
 * Presence and typing stay on a core subscription: live only, never replayed.
 */
export async function startRelay(deps: {
  io: RealtimeServer;
  bus: EventBus;
  instanceId: string;
  metrics: RealtimeMetrics;
  logger: Logger;
}): Promise<Relay> {
  const { io, bus, instanceId, metrics, logger } = deps;
  const held = new Set<{ rooms: ReadonlySet<string>; events: Sequenced[] }>();
  const waiters = new Set<{ seq: number; done: (ok: boolean) => void }>();

  const onError = (err: unknown, subject: string) => {
    metrics.relayErrors.inc();
    logger.warn({ err, subject }, 'event not relayed');
  };
  const presence = bus.subscribeEvents(
    domainFilter('presence'),
    (event) => {
      const delivery = routeEvent(event, instanceId);
      if (!delivery) return;
      emitDelivery(io.to(delivery.rooms), delivery);
      metrics.relayed.inc({ type: delivery.name });
    },
    { onError: (err, msg) => onError(err, msg.subject) },
  );

  const jsm = await bus.nc.jetstreamManager();
  let position = (await jsm.streams.info(EVENT_STREAM)).state.last_seq;
  const consumer = await bus.js.consumers.get(EVENT_STREAM, {
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: position + 1,
  });
  const messages = await consumer.consume();

  const relay = (msg: JsMsg): void => {
    const event = decodeBusEvent(msg.subject, msg.data);
    // Presence is relayed from its core subscription above; operators' events go nowhere.
    if (event.domain === 'presence') return;
    const delivery = routeEvent(event, instanceId);
    if (!delivery) return;
    emitDelivery(io.to(delivery.rooms), delivery, msg.seq);
    metrics.relayed.inc({ type: delivery.name });
    for (const h of held) {
      if (delivery.rooms.some((room) => h.rooms.has(room))) h.events.push({ ...delivery, seq: msg.seq });
    }
  };
  const loop = (async () => {
    for await (const msg of messages) {
      try {
        relay(msg);
      } catch (err) {
        onError(err, msg.subject);
      }
      position = msg.seq;
      for (const w of waiters) if (position >= w.seq) w.done(true);
    }
  })();

  return {
    position: () => position,
    hold(rooms) {
      const entry = { rooms, events: [] as Sequenced[] };
      held.add(entry);
      return {
        release() {
          held.delete(entry);
          return entry.events;
        },
      };
    },
    reached(seq, timeoutMs) {
      if (position >= seq) return Promise.resolve(true);
      return new Promise((resolve) => {
        const waiter = {
          seq,
          done: (ok: boolean) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(ok);
          },
        };
        const timer = setTimeout(() => waiter.done(false), timeoutMs);
        waiters.add(waiter);
      });
    },
    async stop() {
      presence.unsubscribe();
      messages.stop();
      await loop.catch((err: unknown) => logger.warn({ err }, 'stream relay ended with an error'));
      for (const w of waiters) w.done(false);
    },
  };
}
