import { type ResyncRequiredPayload, rooms, SERVER_EVENTS } from '@vibetribe/proto';
import type { EventBus } from '@vibetribe/proto';
import type { Logger } from '@vibetribe/runtime';
import type { Access } from './access';
import { SocketError } from './errors';
import type { RealtimeMetrics } from './metrics';
import { emitDelivery, type Relay, routeEvent } from './relay';
import { readMissed } from './replay';
import { type AuthorizedRoom, authorizeRoom } from './rooms';
import type { RealtimeSocket } from './types';

/** What a socket's first moments need. */
export interface SyncDeps {
  relay: Relay;
  bus: EventBus;
  access: Access;
  instanceId: string;
  /** How long a client may be away and still be replayed what it missed. */
  windowMs: number;
  metrics: RealtimeMetrics;
  logger: Logger;
}

/** At most this many missed events are replayed; more, and the client resyncs over REST. */
const MAX_REPLAY = 5000;
/** How long a replay waits for this instance's live relay to reach the replay's end. */
const CATCH_UP_MS = 10_000;

/** The rooms a reconnecting client asks back, each checked again now; those refused are dropped. */
async function authorizeAll(
  deps: SyncDeps,
  socket: RealtimeSocket,
  asked: string[],
): Promise<AuthorizedRoom[]> {
  const granted: AuthorizedRoom[] = [];
  for (const room of new Set(asked)) {
    try {
      granted.push(await authorizeRoom(deps.access, socket, room));
    } catch (err) {
      if (!(err instanceof SocketError)) throw err;
    }
  }
  return granted;
}

/**
 * Brings a new socket into its rooms. A fresh connection joins at once. A reconnecting one (`lastSeq` in
 * its handshake) is first replayed, from the stream, what its rooms received since, in order; the live
 * events that arrive meanwhile are held and sent after, without those the replay already covered; only
 * then does it join its rooms, in the same tick as the last held event is sent, so nothing slips between
 * replay and live and nothing comes twice. Every connection ends with `synced` and its position.
 * Its token and memberships were checked in the handshake; the rooms it asks back are checked here.
 */
export function createSync(deps: SyncDeps) {
  const { relay, bus, instanceId, windowMs, logger } = deps;

  return async function sync(socket: RealtimeSocket): Promise<void> {
    const { userId, orgIds, resume } = socket.data;
    let granted: AuthorizedRoom[] = [];
    let upTo = 0;
    let replayed = 0;
    const resyncRequired = (payload: ResyncRequiredPayload) => {
      socket.emit(SERVER_EVENTS.resyncRequired, payload);
      upTo = 0;
    };
    const wanted = new Set([rooms.user(userId), ...orgIds.map((id) => rooms.org(id))]);
    const held = relay.hold(wanted);
    try {
      granted = await authorizeAll(deps, socket, resume.rooms);
      for (const g of granted) wanted.add(g.room);
      if (resume.lastSeq !== undefined) {
        upTo = resume.lastSeq;
        const missed = await readMissed(bus, { orgIds, afterSeq: upTo, windowMs, maxEvents: MAX_REPLAY });
        if (missed.kind === 'resync') {
          resyncRequired({ reason: missed.reason, since: missed.since });
        } else {
          for (const { seq, event } of missed.events) {
            const delivery = routeEvent(event, instanceId);
            if (!delivery?.rooms.some((room) => wanted.has(room))) continue;
            emitDelivery(socket, delivery, seq);
            replayed += 1;
          }
          upTo = missed.upTo;
          if (!(await relay.reached(upTo, CATCH_UP_MS))) {
            logger.warn({ upTo, position: relay.position() }, 'live relay behind the replay');
          }
        }
      }
    } catch (err) {
      logger.warn({ err, userId }, 'replay failed');
      resyncRequired({ reason: 'unavailable', since: null });
    } finally {
      // No await from here on: the held events, the joins and `synced` go out in one tick.
      const live = held.release();
      if (socket.connected) {
        for (const event of live) if (event.seq > upTo) emitDelivery(socket, event, event.seq);
        for (const g of granted) if (g.postId) socket.data.postOrgs.set(g.postId, g.orgId);
        // The in-memory adapter joins synchronously, so no live event falls between release and join.
        void socket.join([...wanted]);
        socket.data.syncing = false;
        const seq = Math.max(relay.position(), upTo, ...live.map((e) => e.seq));
        socket.emit(SERVER_EVENTS.synced, { seq, replayed });
        deps.metrics.replayed.inc(replayed);
      }
    }
  };
}
