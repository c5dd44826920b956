import type { JsonObject, ServerEventName } from '@vibetribe/proto';
import type { DefaultEventsMap, Server, Socket } from 'socket.io';

/** What the server may emit: every payload is a JSON object (protobuf JSON for relayed events). */
export type ServerToClientEvents = { [K in ServerEventName]: (payload: JsonObject) => void };

/** What the realtime server remembers about each socket. */
export interface SocketData {
  userId: string;
  /** Access-token expiry, seconds since the epoch: the socket is closed once it passes. */
  tokenExp: number;
  /** The organizations the user belonged to at the last check. */
  orgIds: string[];
  /** Post rooms joined, with the organization each post belongs to, so a lost membership drops them. */
  postOrgs: Map<string, string>;
  /** Posts this socket is typing on, so a disconnect can announce the stop. */
  typing: Map<string, string>;
}

/** The Socket.IO server, typed. Client events are checked by zod at runtime, so they stay untyped here. */
export type RealtimeServer = Server<DefaultEventsMap, ServerToClientEvents, DefaultEventsMap, SocketData>;
/** One connected socket. */
export type RealtimeSocket = Socket<DefaultEventsMap, ServerToClientEvents, DefaultEventsMap, SocketData>;
