import type { ClientToServerEvents, ServerToClientEvents } from '@vibetribe/proto';
import type { DefaultEventsMap, Server, Socket } from 'socket.io';

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
  /** What the handshake asked to resume: the last sequence seen and the rooms it had. */
  resume: { lastSeq?: number; rooms: string[] };
  /** True until the socket has been replayed what it missed and joined its rooms (sync.ts). */
  syncing: boolean;
}

/** The Socket.IO server, typed with the contract of `@vibetribe/proto` (client events are also checked by zod). */
export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, SocketData>;
/** One connected socket. */
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, SocketData>;
