import { CLIENT_EVENTS, type ClientEventName, rooms, SERVER_EVENTS, type SocketAck } from '@vibetribe/proto';
import type { Logger } from '@vibetribe/runtime';
import { ZodError, type z } from 'zod';
import type { Access } from './access';
import { errorAck, SocketError } from './errors';
import type { RealtimeMetrics } from './metrics';
import type { Presence } from './presence';
import { authorizeOrg, authorizePost, authorizeRoom, joinRoom, leaveRoom } from './rooms';
import { clientEventSchemas } from './schemas';
import type { RealtimeSocket } from './types';

type Ack = (reply: SocketAck) => void;

/** What the client event handlers need. */
export interface HandlerDeps {
  access: Access;
  presence: Presence;
  metrics: RealtimeMetrics;
  logger: Logger;
}

/**
 * Registers every client event on a socket. Each validates its payload (strict zod objects), checks access
 * in PostgreSQL, and answers through the acknowledgement callback; a client that sent none gets an
 * `error` event instead, so a refusal is never silent.
 */
export function registerHandlers(socket: RealtimeSocket, deps: HandlerDeps): void {
  const { access, presence, metrics, logger } = deps;

  const on = <S extends z.ZodType>(
    event: ClientEventName,
    schema: S,
    run: (input: z.output<S>) => Promise<object | void>,
  ): void => {
    socket.on(event, (...args: unknown[]) => {
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (args.pop() as Ack) : undefined;
      const reply = async (): Promise<SocketAck> => {
        try {
          const result = await run(schema.parse(args[0] ?? {}));
          metrics.clientEvents.inc({ event, outcome: 'ok' });
          return { ok: true, ...(result ?? {}) };
        } catch (err) {
          const known = err instanceof SocketError || err instanceof ZodError;
          metrics.clientEvents.inc({ event, outcome: known ? 'refused' : 'error' });
          if (!known) logger.error({ err, event, userId: socket.data.userId }, 'client event failed');
          return errorAck(err);
        }
      };
      void reply().then((answer) => {
        if (ack) ack(answer);
        else if (!answer.ok) socket.emit(SERVER_EVENTS.error, { event, ...answer.error });
      });
    });
  };

  const s = clientEventSchemas;
  on(CLIENT_EVENTS.joinRoom, s.joinRoom, async ({ room }) => {
    await joinRoom(socket, await authorizeRoom(access, socket, room));
  });
  on(CLIENT_EVENTS.leaveRoom, s.leaveRoom, ({ room }) => leaveRoom(socket, room));
  on(CLIENT_EVENTS.subscribePostUpdates, s.subscribePostUpdates, async ({ postId }) => {
    await joinRoom(socket, await authorizeRoom(access, socket, rooms.post(postId)));
  });
  on(CLIENT_EVENTS.unsubscribePostUpdates, s.unsubscribePostUpdates, ({ postId }) =>
    leaveRoom(socket, rooms.post(postId)),
  );
  on(CLIENT_EVENTS.subscribeAnalyticsUpdates, s.subscribeAnalyticsUpdates, async ({ organizationId }) => {
    await authorizeOrg(access, socket, organizationId);
    await joinRoom(socket, { room: rooms.analytics(organizationId), orgId: organizationId });
  });
  on(CLIENT_EVENTS.unsubscribeAnalyticsUpdates, s.unsubscribeAnalyticsUpdates, ({ organizationId }) =>
    leaveRoom(socket, rooms.analytics(organizationId)),
  );
  on(CLIENT_EVENTS.typingStart, s.typingStart, async ({ postId }) => {
    await presence.typing(socket, await authorizePost(access, socket, postId), postId, true);
  });
  on(CLIENT_EVENTS.typingStop, s.typingStop, async ({ postId }) => {
    await presence.typing(socket, await authorizePost(access, socket, postId), postId, false);
  });
  on(CLIENT_EVENTS.ping, s.ping, () => {
    const ts = Date.now();
    socket.emit(SERVER_EVENTS.pong, { ts });
    return Promise.resolve({ ts });
  });
}
