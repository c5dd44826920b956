import { z } from 'zod';

// Strict objects: an unexpected key is a client bug worth hearing about, not something to drop silently.
const room = z.strictObject({ room: z.string().min(1).max(200) });
const post = z.strictObject({ postId: z.guid() });
const organization = z.strictObject({ organizationId: z.guid() });

/** The payload schema of each client event. */
export const clientEventSchemas = {
  joinRoom: room,
  leaveRoom: room,
  subscribePostUpdates: post,
  unsubscribePostUpdates: post,
  subscribeAnalyticsUpdates: organization,
  unsubscribeAnalyticsUpdates: organization,
  typingStart: post,
  typingStop: post,
  ping: z.strictObject({ ts: z.number().optional() }),
} as const;

/** The handshake's `auth` (the contract's `SocketAuth`; the token may come as an Authorization header instead). */
export const handshakeAuth = z.strictObject({
  token: z.string().optional(),
  lastSeq: z.number().int().min(0).optional(),
  rooms: z.array(room.shape.room).max(200).optional(),
});

/** An id inside a room name, checked like the ids of the other events. */
export const roomId = z.guid();
