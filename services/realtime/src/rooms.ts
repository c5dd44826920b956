import { parseRoom, rooms } from '@vibetribe/proto';
import type { Access } from './access';
import { forbidden, SocketError } from './errors';
import { roomId } from './schemas';
import type { RealtimeSocket } from './types';

/** A room the user may be in, with the organization it belongs to. */
export interface AuthorizedRoom {
  room: string;
  orgId: string;
  postId?: string;
}

/** Checks (in PostgreSQL, every time) that the user may see a post; returns its organization. */
export async function authorizePost(access: Access, socket: RealtimeSocket, postId: string): Promise<string> {
  const orgId = await access.postOrg(socket.data.userId, postId);
  if (!orgId) throw forbidden(`post ${postId}`);
  return orgId;
}

/** Checks that the user belongs to an organization. */
export async function authorizeOrg(access: Access, socket: RealtimeSocket, orgId: string): Promise<void> {
  if (!(await access.isMember(socket.data.userId, orgId))) throw forbidden(`organization ${orgId}`);
}

/**
 * Decides whether a socket may join `room`: an organization or its analytics when the user is a member,
 * a post of such an organization that is not deleted. User rooms are joined on connect and never on request.
 */
export async function authorizeRoom(
  access: Access,
  socket: RealtimeSocket,
  room: string,
): Promise<AuthorizedRoom> {
  const parsed = parseRoom(room);
  if (!parsed || parsed.kind === 'user') {
    throw new SocketError('validation', 'room must be org:<id>, post:<id> or analytics:<organizationId>');
  }
  if (!roomId.safeParse(parsed.id).success)
    throw new SocketError('validation', `${parsed.kind} id must be a UUID`);
  switch (parsed.kind) {
    case 'org':
      await authorizeOrg(access, socket, parsed.id);
      return { room: rooms.org(parsed.id), orgId: parsed.id };
    case 'analytics':
      await authorizeOrg(access, socket, parsed.id);
      return { room: rooms.analytics(parsed.id), orgId: parsed.id };
    case 'post': {
      const orgId = await authorizePost(access, socket, parsed.id);
      return { room: rooms.post(parsed.id), orgId, postId: parsed.id };
    }
  }
}

/** Joins an authorized room, remembering a post's organization so losing the membership drops the room. */
export async function joinRoom(socket: RealtimeSocket, target: AuthorizedRoom): Promise<void> {
  if (target.postId) socket.data.postOrgs.set(target.postId, target.orgId);
  await socket.join(target.room);
}

/** Leaves one of our rooms; the socket's own user room stays (it is how the user is reached). */
export async function leaveRoom(socket: RealtimeSocket, room: string): Promise<void> {
  const parsed = parseRoom(room);
  if (!parsed || parsed.kind === 'user') {
    throw new SocketError('validation', 'room must be org:<id>, post:<id> or analytics:<organizationId>');
  }
  if (parsed.kind === 'post') socket.data.postOrgs.delete(parsed.id);
  await socket.leave(room);
}
