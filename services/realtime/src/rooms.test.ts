import { randomUUID } from 'node:crypto';
import type { Realtime } from './app';
import {
  type ClientSocket,
  connectAs,
  fixtures,
  migrateTestDatabase,
  nextEvent,
  request,
  startRealtime,
  testDatabase,
  type MikroORM,
  testKeys,
} from './test/harness';

describe('client events', () => {
  const keys = testKeys();
  let realtime: Realtime;
  let url: string;
  let orm: MikroORM;
  let socket: ClientSocket;
  let userId: string;
  let orgA: string;
  let orgB: string;
  let postA: string;
  let postB: string;
  let deletedPost: string;

  beforeAll(async () => {
    await migrateTestDatabase();
    orm = await testDatabase();
    const f = fixtures(orm);
    userId = await f.user();
    const stranger = await f.user();
    orgA = await f.org(userId);
    orgB = await f.org(stranger);
    postA = await f.post(orgA);
    postB = await f.post(orgB);
    deletedPost = await f.post(orgA, { deleted: true });
    ({ realtime, url } = await startRealtime(keys));
    socket = await connectAs(url, keys, userId);
  });
  afterAll(async () => {
    socket.close();
    await realtime.stop();
    await orm.close();
  });

  const roomsOfSocket = () => [...(realtime.io.of('/').sockets.get(socket.id!)?.rooms ?? [])];
  const refused = (type: string) => ({ ok: false, error: { type, message: expect.any(String) } });

  it('joins the user room and every organization room on connect', () => {
    expect(roomsOfSocket()).toEqual(expect.arrayContaining([`user:${userId}`, `org:${orgA}`]));
    expect(roomsOfSocket()).not.toContain(`org:${orgB}`);
  });

  it('joins rooms of its own organization and posts', async () => {
    await expect(request(socket, 'join-room', { room: `org:${orgA}` })).resolves.toEqual({ ok: true });
    await expect(request(socket, 'join-room', { room: `post:${postA}` })).resolves.toEqual({ ok: true });
    await expect(request(socket, 'join-room', { room: `analytics:${orgA}` })).resolves.toEqual({ ok: true });
    expect(roomsOfSocket()).toEqual(expect.arrayContaining([`post:${postA}`, `analytics:${orgA}`]));
    await expect(request(socket, 'leave-room', { room: `post:${postA}` })).resolves.toEqual({ ok: true });
    await expect(request(socket, 'leave-room', { room: `analytics:${orgA}` })).resolves.toEqual({ ok: true });
    expect(roomsOfSocket()).not.toContain(`post:${postA}`);
  });

  it('refuses foreign organizations, foreign, missing or deleted posts, and never joins them', async () => {
    for (const room of [
      `org:${orgB}`,
      `analytics:${orgB}`,
      `post:${postB}`,
      `post:${deletedPost}`,
      `post:${randomUUID()}`,
    ]) {
      await expect(request(socket, 'join-room', { room })).resolves.toEqual(refused('forbidden'));
      expect(roomsOfSocket()).not.toContain(room);
    }
    await expect(request(socket, 'subscribe-post-updates', { postId: postB })).resolves.toEqual(
      refused('forbidden'),
    );
    await expect(request(socket, 'subscribe-analytics-updates', { organizationId: orgB })).resolves.toEqual(
      refused('forbidden'),
    );
    await expect(request(socket, 'typing-start', { postId: postB })).resolves.toEqual(refused('forbidden'));
  });

  it('refuses rooms that are not ours to ask for, and malformed payloads', async () => {
    for (const room of [`user:${randomUUID()}`, 'admin', 'org:not-a-uuid', `org:${orgA}:x`, socket.id!]) {
      await expect(request(socket, 'join-room', { room })).resolves.toEqual(refused('validation'));
      expect(roomsOfSocket().filter((r) => r === room && r !== socket.id)).toEqual([]);
    }
    await expect(request(socket, 'join-room', { room: `org:${orgA}`, extra: 1 })).resolves.toEqual(
      refused('validation'),
    );
    await expect(request(socket, 'join-room')).resolves.toEqual(refused('validation'));
    await expect(request(socket, 'subscribe-post-updates', { postId: 'nope' })).resolves.toEqual(
      refused('validation'),
    );
  });

  it('subscribes to post and analytics updates', async () => {
    await expect(request(socket, 'subscribe-post-updates', { postId: postA })).resolves.toEqual({ ok: true });
    await expect(request(socket, 'subscribe-analytics-updates', { organizationId: orgA })).resolves.toEqual({
      ok: true,
    });
    expect(roomsOfSocket()).toEqual(expect.arrayContaining([`post:${postA}`, `analytics:${orgA}`]));
    await expect(request(socket, 'unsubscribe-post-updates', { postId: postA })).resolves.toEqual({
      ok: true,
    });
    await expect(request(socket, 'unsubscribe-analytics-updates', { organizationId: orgA })).resolves.toEqual(
      { ok: true },
    );
    expect(roomsOfSocket()).not.toEqual(expect.arrayContaining([`post:${postA}`]));
    expect(roomsOfSocket()).not.toContain(`analytics:${orgA}`);
  });

  it('answers ping with pong', async () => {
    const pong = nextEvent<{ ts: number }>(socket, 'pong');
    const ack = await request(socket, 'ping');
    expect(ack).toEqual({ ok: true, ts: expect.any(Number) });
    expect((await pong).ts).toBe(ack.ts);
  });

  it('reports a refusal as an error event when the client gave no callback', async () => {
    const error = nextEvent(socket, 'error');
    socket.emit('join-room', { room: `org:${orgB}` });
    await expect(error).resolves.toEqual({
      event: 'join-room',
      type: 'forbidden',
      message: expect.any(String),
    });
  });

  it('drops the rooms of an organization the user has left, at the next check', async () => {
    await expect(request(socket, 'join-room', { room: `post:${postA}` })).resolves.toEqual({ ok: true });
    await fixtures(orm).removeMember(userId, orgA);
    await realtime.sweep();
    expect(roomsOfSocket()).not.toContain(`org:${orgA}`);
    expect(roomsOfSocket()).not.toContain(`post:${postA}`);
    await expect(request(socket, 'join-room', { room: `org:${orgA}` })).resolves.toEqual(
      refused('forbidden'),
    );
    await fixtures(orm).member(userId, orgA);
    await realtime.sweep();
    expect(roomsOfSocket()).toContain(`org:${orgA}`);
  });
});
