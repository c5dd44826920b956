import { rooms, SERVER_EVENTS } from '@vibetribe/proto';
import type { Logger } from '@vibetribe/runtime';
import type { Access } from './access';
import type { PresenceRegistry } from './presence-registry';
import type { RealtimeServer, RealtimeSocket } from './types';

async function applyMemberships(socket: RealtimeSocket, current: string[]): Promise<void> {
  const now = new Set(current);
  for (const orgId of socket.data.orgIds) {
    if (now.has(orgId)) continue;
    await socket.leave(rooms.org(orgId));
    await socket.leave(rooms.analytics(orgId));
    for (const [postId, postOrg] of socket.data.postOrgs) {
      if (postOrg !== orgId) continue;
      socket.data.postOrgs.delete(postId);
      socket.data.typing.delete(postId);
      await socket.leave(rooms.post(postId));
    }
  }
  for (const orgId of now) await socket.join(rooms.org(orgId));
  socket.data.orgIds = current;
}

/**
 * One periodic pass over this instance's sockets: close those whose access token expired (the client
 * reconnects with a fresh one), bring rooms in line with current memberships (a removed member stops
 * hearing the organization within one pass; a new one starts), and refresh presence in Redis.
 */
export function createSweep(deps: {
  io: RealtimeServer;
  access: Access;
  registry: PresenceRegistry;
  logger: Logger;
}) {
  const { io, access, registry, logger } = deps;
  return async function sweep(): Promise<void> {
    const nowS = Date.now() / 1000;
    const live: RealtimeSocket[] = [];
    for (const socket of io.of('/').sockets.values()) {
      if (socket.data.tokenExp > nowS) {
        live.push(socket);
        continue;
      }
      socket.emit(SERVER_EVENTS.error, {
        type: 'unauthorized',
        message: 'access token expired: reconnect with a fresh one',
      });
      socket.disconnect(true);
    }
    await registry
      .refresh(live.map((s) => ({ userId: s.data.userId, socketId: s.id })))
      .catch((err: unknown) => logger.warn({ err }, 'presence refresh failed'));
    const byUser = await access.orgsOfUsers([...new Set(live.map((s) => s.data.userId))]);
    for (const socket of live) {
      // A socket still replaying joins its rooms when done; it was checked moments ago.
      if (socket.connected && !socket.data.syncing)
        await applyMemberships(socket, byUser.get(socket.data.userId) ?? []);
    }
  };
}
