import {
  create,
  type EventBus,
  eventToClientJson,
  type JsonObject,
  type PresenceChanged,
  PresenceChangedSchema,
  PresenceKind,
  presenceSubject,
  rooms,
  SERVER_EVENTS,
  timestampNow,
} from '@vibetribe/proto';
import type { Logger } from '@vibetribe/runtime';
import type { PresenceRegistry } from './presence-registry';
import type { RealtimeServer, RealtimeSocket } from './types';

/** What clients receive for presence: the event's JSON without `origin`, which is ours alone. */
export function presencePayload(message: PresenceChanged): JsonObject {
  const { origin: _origin, ...payload } = eventToClientJson(PresenceChangedSchema, message);
  return payload;
}

const SUBJECT_EVENT = {
  [PresenceKind.CONNECTED]: 'connected',
  [PresenceKind.DISCONNECTED]: 'disconnected',
  [PresenceKind.TYPING_START]: 'typing',
  [PresenceKind.TYPING_STOP]: 'typing',
} as const;

/** Announces presence: to this instance's sockets at once, and on NATS for the other instances. */
export interface Presence {
  connected(socket: RealtimeSocket): Promise<void>;
  disconnected(socket: RealtimeSocket): Promise<void>;
  typing(socket: RealtimeSocket, orgId: string, postId: string, started: boolean): Promise<void>;
}

/** Presence for one instance; `instanceId` marks what it publishes so its own relay skips it. */
export function createPresence(deps: {
  io: RealtimeServer;
  bus: EventBus;
  registry: PresenceRegistry;
  instanceId: string;
  logger: Logger;
}): Presence {
  const { io, bus, registry, instanceId, logger } = deps;

  const publish = async (message: PresenceChanged, kind: keyof typeof SUBJECT_EVENT): Promise<void> => {
    try {
      await bus.publish(
        presenceSubject(message.organizationId, SUBJECT_EVENT[kind]),
        PresenceChangedSchema,
        message,
      );
    } catch (err) {
      // Local sockets already know; only other instances miss it, and presence is refreshed on reconnect.
      logger.warn({ err, kind: PresenceKind[kind] }, 'presence not published on NATS');
    }
  };

  const event = (
    socket: RealtimeSocket,
    orgId: string,
    kind: PresenceKind,
    postId?: string,
  ): PresenceChanged =>
    create(PresenceChangedSchema, {
      organizationId: orgId,
      userId: socket.data.userId,
      kind,
      ...(postId ? { postId } : {}),
      occurredAt: timestampNow(),
      origin: instanceId,
    });

  // A Redis outage must not hide presence: announce as if this were the user's only socket.
  const firstOrLast = (check: Promise<boolean>): Promise<boolean> =>
    check.catch((err: unknown) => {
      logger.warn({ err }, 'presence registry unavailable');
      return true;
    });

  const typing: Presence['typing'] = async (socket, orgId, postId, started) => {
    if (started) socket.data.typing.set(postId, orgId);
    else socket.data.typing.delete(postId);
    const kind = started ? PresenceKind.TYPING_START : PresenceKind.TYPING_STOP;
    const message = event(socket, orgId, kind, postId);
    const name = started ? SERVER_EVENTS.userTyping : SERVER_EVENTS.userStoppedTyping;
    // `socket.to` leaves the sender out: nobody hears their own typing.
    socket.to(rooms.post(postId)).emit(name, presencePayload(message));
    await publish(message, kind);
  };

  return {
    async connected(socket) {
      if (!(await firstOrLast(registry.add(socket.data.userId, socket.id)))) return;
      await Promise.all(
        socket.data.orgIds.map((orgId) => {
          const message = event(socket, orgId, PresenceKind.CONNECTED);
          socket.to(rooms.org(orgId)).emit(SERVER_EVENTS.userConnected, presencePayload(message));
          return publish(message, PresenceKind.CONNECTED);
        }),
      );
    },
    async disconnected(socket) {
      const stops = [...socket.data.typing].map(([postId, orgId]) => typing(socket, orgId, postId, false));
      await Promise.all(stops);
      if (!(await firstOrLast(registry.remove(socket.data.userId, socket.id)))) return;
      await Promise.all(
        socket.data.orgIds.map((orgId) => {
          const message = event(socket, orgId, PresenceKind.DISCONNECTED);
          io.to(rooms.org(orgId)).emit(SERVER_EVENTS.userDisconnected, presencePayload(message));
          return publish(message, PresenceKind.DISCONNECTED);
        }),
      );
    },
    typing,
  };
}
