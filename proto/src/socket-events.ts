/** Events the realtime server emits to Socket.IO clients (the spec's names). */
export const SERVER_EVENTS = {
  postCreated: 'post-created',
  postUpdated: 'post-updated',
  postDeleted: 'post-deleted',
  postStatusUpdate: 'post-status-update',
  mediaStatusUpdate: 'media-status-update',
  analyticsUpdate: 'analytics-update',
  notification: 'notification',
  userConnected: 'user-connected',
  userDisconnected: 'user-disconnected',
  userTyping: 'user-typing',
  userStoppedTyping: 'user-stopped-typing',
  pong: 'pong',
  error: 'error',
  /** After every connect: the stream position the client has everything up to (its next `lastSeq`). */
  synced: 'synced',
  /** The missed events cannot be replayed (away too long, or the stream lost them): reload over REST. */
  resyncRequired: 'resync-required',
} as const;

/** Events Socket.IO clients send to the realtime server; each takes an acknowledgement callback. */
export const CLIENT_EVENTS = {
  joinRoom: 'join-room',
  leaveRoom: 'leave-room',
  subscribePostUpdates: 'subscribe-post-updates',
  unsubscribePostUpdates: 'unsubscribe-post-updates',
  subscribeAnalyticsUpdates: 'subscribe-analytics-updates',
  unsubscribeAnalyticsUpdates: 'unsubscribe-analytics-updates',
  typingStart: 'typing-start',
  typingStop: 'typing-stop',
  ping: 'ping',
} as const;

/** A server-to-client event name. */
export type ServerEventName = (typeof SERVER_EVENTS)[keyof typeof SERVER_EVENTS];
/** A client-to-server event name. */
export type ClientEventName = (typeof CLIENT_EVENTS)[keyof typeof CLIENT_EVENTS];

/** The acknowledgement of every client event: `type` is a stable machine-readable reason. */
export type SocketAck<T extends object = object> =
  ({ ok: true } & T) | { ok: false; error: { type: string; message: string } };

/** The kinds of room a socket can be in. */
export const ROOM_KINDS = ['org', 'user', 'post', 'analytics'] as const;
/** One kind of room. */
export type RoomKind = (typeof ROOM_KINDS)[number];

/** Room names: `org:<id>`, `user:<id>`, `post:<id>`, `analytics:<orgId>`. */
export const rooms = {
  org: (organizationId: string) => `org:${organizationId}`,
  user: (userId: string) => `user:${userId}`,
  post: (postId: string) => `post:${postId}`,
  analytics: (organizationId: string) => `analytics:${organizationId}`,
} as const satisfies Record<RoomKind, (id: string) => string>;

/** Splits a room name into its kind and id; undefined for anything that is not one of ours. */
export function parseRoom(room: string): { kind: RoomKind; id: string } | undefined {
  const colon = room.indexOf(':');
  if (colon < 0) return undefined;
  const kind = room.slice(0, colon);
  const id = room.slice(colon + 1);
  if (!id || !(ROOM_KINDS as readonly string[]).includes(kind)) return undefined;
  return { kind: kind as RoomKind, id };
}
