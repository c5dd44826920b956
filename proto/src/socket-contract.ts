import type { AnalyticsUpdatedJson } from './gen/vibetribe/events/v1/analytics_pb';
import type { MediaStatusChangedJson } from './gen/vibetribe/events/v1/media_pb';
import type { NotificationJson } from './gen/vibetribe/events/v1/notification_pb';
import type {
  PostCreatedJson,
  PostDeletedJson,
  PostStatusChangedJson,
  PostUpdatedJson,
} from './gen/vibetribe/events/v1/post_pb';
import type { PresenceChangedJson } from './gen/vibetribe/events/v1/presence_pb';
import type {
  CLIENT_EVENTS,
  ClientEventName,
  SERVER_EVENTS,
  ServerEventName,
  SocketAck,
} from './socket-events';

/**
 * The Socket.IO contract, typed for `socket.io-client` and used by the realtime server itself, so the two
 * cannot drift: `io<ServerToClientEvents, ClientToServerEvents>(url, { auth })`.
 */

/**
 * What a client sends in the handshake's `auth`. To recover after a disconnect, it sends the last `seq` it
 * saw (from an event or from `synced`) and the rooms it had joined beyond its defaults (its user room and
 * its organizations' rooms); the server checks the token and every room again before replaying.
 */
export interface SocketAuth {
  /** An access token from the gateway (`Bearer ` prefix optional). */
  token: string;
  /** The highest `seq` received; the server replays what came after it in the client's rooms. */
  lastSeq?: number;
  /** Rooms joined on request before the disconnect: `post:<id>`, `analytics:<orgId>`, `org:<id>`. */
  rooms?: string[];
}

/** A stream event as a client receives it: the event's protobuf JSON plus its position in the event stream. */
export type Sequenced<T> = T & {
  /** The event stream's sequence: increasing, the same on every realtime node; the `lastSeq` to resume from. */
  seq: number;
};

/** Presence and typing: live only, never replayed, no `seq`. */
export type PresencePayload = Omit<PresenceChangedJson, 'origin'>;

/** `synced`: sent once per connection, after any replay and before live events. */
export interface SyncedPayload {
  /** Everything of the client's rooms up to this sequence has been delivered (or predates the connection). */
  seq: number;
  /** How many missed events were replayed on this connection. */
  replayed: number;
}

/** `resync-required`: what the client missed could not be replayed; it reloads over REST, then goes on live. */
export interface ResyncRequiredPayload {
  /** `expired`: away longer than the replay window; `unknown`: the stream no longer has that position; `unavailable`: the stream could not be read. */
  reason: 'expired' | 'unknown' | 'unavailable';
  /** When the client's last seen event happened, when known: `GET /api/v1/posts/changes?since=` from there. */
  since: string | null;
}

/** A refusal: `type` is stable (`unauthorized`, `validation`, `forbidden`, `unavailable`, `internal`). */
export interface ErrorPayload {
  type: string;
  message: string;
  /** The client event refused, when it sent no acknowledgement callback. */
  event?: string;
}

type Events<T> = { [K in keyof T]: (payload: T[K]) => void };
type S = typeof SERVER_EVENTS;

/** Each server event's payload. */
export interface ServerEventPayloads {
  [SERVER_EVENTS.postCreated]: Sequenced<PostCreatedJson>;
  [SERVER_EVENTS.postUpdated]: Sequenced<PostUpdatedJson>;
  [SERVER_EVENTS.postDeleted]: Sequenced<PostDeletedJson>;
  [SERVER_EVENTS.postStatusUpdate]: Sequenced<PostStatusChangedJson>;
  [SERVER_EVENTS.mediaStatusUpdate]: Sequenced<MediaStatusChangedJson>;
  [SERVER_EVENTS.analyticsUpdate]: Sequenced<AnalyticsUpdatedJson>;
  [SERVER_EVENTS.notification]: Sequenced<NotificationJson>;
  [SERVER_EVENTS.userConnected]: PresencePayload;
  [SERVER_EVENTS.userDisconnected]: PresencePayload;
  [SERVER_EVENTS.userTyping]: PresencePayload;
  [SERVER_EVENTS.userStoppedTyping]: PresencePayload;
  [SERVER_EVENTS.pong]: { ts: number };
  [SERVER_EVENTS.error]: ErrorPayload;
  [SERVER_EVENTS.synced]: SyncedPayload;
  [SERVER_EVENTS.resyncRequired]: ResyncRequiredPayload;
}

/** The events the server replays after a reconnect: those carried by the event stream. */
export type ReplayableEventName =
  | S['postCreated']
  | S['postUpdated']
  | S['postDeleted']
  | S['postStatusUpdate']
  | S['mediaStatusUpdate']
  | S['analyticsUpdate']
  | S['notification'];

/** Server-to-client events, for `Socket<ServerToClientEvents, ...>` on the client and `Server<..., ServerToClientEvents>`. */
export type ServerToClientEvents = Events<ServerEventPayloads>;

type Room = { room: string };
type Post = { postId: string };
type Organization = { organizationId: string };
type C = typeof CLIENT_EVENTS;

/** Each client event's payload and the extra fields of its successful acknowledgement. */
export interface ClientEventContract {
  [CLIENT_EVENTS.joinRoom]: [Room, object];
  [CLIENT_EVENTS.leaveRoom]: [Room, object];
  [CLIENT_EVENTS.subscribePostUpdates]: [Post, object];
  [CLIENT_EVENTS.unsubscribePostUpdates]: [Post, object];
  [CLIENT_EVENTS.subscribeAnalyticsUpdates]: [Organization, object];
  [CLIENT_EVENTS.unsubscribeAnalyticsUpdates]: [Organization, object];
  [CLIENT_EVENTS.typingStart]: [Post, object];
  [CLIENT_EVENTS.typingStop]: [Post, object];
  [CLIENT_EVENTS.ping]: [{ ts?: number }, { ts: number }];
}

/** Client-to-server events: a payload and an acknowledgement (`socket.emitWithAck(name, payload)`). */
export type ClientToServerEvents = {
  [K in ClientEventName]: (
    payload: ClientEventContract[K][0],
    ack: (reply: SocketAck<ClientEventContract[K][1]>) => void,
  ) => void;
};

// Compile-time checks that the contract names exactly the events of SERVER_EVENTS and CLIENT_EVENTS.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const serverNamesMatch: Same<keyof ServerEventPayloads, ServerEventName> = true;
const clientNamesMatch: Same<keyof ClientEventContract, C[keyof C]> = true;
void serverNamesMatch;
void clientNamesMatch;
