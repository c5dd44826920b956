import { randomUUID } from 'node:crypto';
import type { EventBus } from '@vibetribe/proto';
import { testKeys } from './test/harness';
import { connectTyped, replayWorld, type TypedClient, until } from './test/stream-client';

describe('recovering missed events after a reconnect, on another instance', () => {
  const keys = testKeys();
  let world: Awaited<ReturnType<typeof replayWorld>>;
  let url1: string;
  let url2: string;
  let shortWindowUrl: string;
  let f: typeof world.f;
  let pub: typeof world.pub;
  let bus: EventBus;

  beforeAll(async () => {
    world = await replayWorld(keys);
    ({ f, pub, bus } = world);
    url1 = await world.start();
    url2 = await world.start();
    shortWindowUrl = await world.start({ REALTIME_REPLAY_WINDOW_S: '1' });
  });
  afterAll(() => world.close());

  const open = async (...args: Parameters<typeof connectTyped>) => {
    const client = connectTyped(...args);
    world.sockets.push(client.socket);
    await client.connected;
    await until(() => client.seen.synced.length === 1, 'synced');
    return client;
  };
  /** Drops the connection as a network failure would: the server sees a transport close. */
  const cut = async (socket: TypedClient) => {
    const gone = new Promise((resolve) => socket.once('disconnect', resolve));
    socket.io.engine.close();
    await gone;
  };

  it('replays what was missed, in order and once each, then goes on live', async () => {
    const [alice, other] = [await f.user(), await f.user()];
    const org = await f.org(alice, other);
    const post = await f.post(org);
    const first = await open(url1, keys, alice);
    await expect(
      first.socket.timeout(5000).emitWithAck('subscribe-analytics-updates', { organizationId: org }),
    ).resolves.toEqual({ ok: true });

    await pub.status(org, post);
    await until(() => first.seen.events.length === 1, 'the live status');
    await cut(first.socket);

    // Missed while away: for its organization, its analytics room and itself; not another user's notification.
    const mine = randomUUID();
    await pub.analytics(org, post);
    await pub.notification(org, mine, [alice]);
    await pub.notification(org, randomUUID(), [other]);
    await pub.status(org, post);

    // Back on the other instance; events keep coming while it replays.
    const second = connectTyped(url2, keys, alice, {
      lastSeq: first.seen.lastSeq(),
      rooms: [`analytics:${org}`],
    });
    world.sockets.push(second.socket);
    const during = [pub.status(org, post), pub.analytics(org, post)];
    await second.connected;
    await Promise.all(during);
    await until(() => second.seen.synced.length === 1, 'synced');
    await pub.notification(org, randomUUID(), [alice]);
    await until(() => second.seen.events.length === 6, 'every missed and live event');

    const all = [...first.seen.events, ...second.seen.events];
    expect(all.map((e) => e.name)).toEqual([
      'status',
      'analytics',
      'notification',
      'status',
      'status',
      'analytics',
      'notification',
    ]);
    expect(all[2]?.id).toBe(mine);
    const seqs = all.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(second.seen.resync).toEqual([]);
    expect(second.seen.synced[0]?.replayed).toBeGreaterThanOrEqual(3);
  });

  it('replays nothing of an organization the user was removed from, even for rooms it asks back', async () => {
    const bob = await f.user();
    const [kept, lost] = [await f.org(bob), await f.org(bob)];
    const lostPost = await f.post(lost);
    const keptPost = await f.post(kept);
    const first = await open(url1, keys, bob);
    await expect(
      first.socket.timeout(5000).emitWithAck('subscribe-post-updates', { postId: lostPost }),
    ).resolves.toEqual({ ok: true });
    await cut(first.socket);

    await f.removeMember(bob, lost);
    await pub.status(lost, lostPost);
    await pub.notification(lost, randomUUID(), [bob]);
    await pub.analytics(lost, lostPost);
    await pub.status(kept, keptPost);

    const second = await open(url2, keys, bob, {
      lastSeq: first.seen.lastSeq(),
      rooms: [`post:${lostPost}`, `analytics:${lost}`, `org:${lost}`],
    });
    await until(() => second.seen.events.length === 1, 'the kept organization event');
    // A live event of the lost organization, then one of the kept: only the second arrives.
    await pub.status(lost, lostPost);
    await pub.status(kept, keptPost);
    await until(() => second.seen.events.length === 2, 'the second kept event');
    expect(second.seen.events.map((e) => e.id)).toEqual([keptPost, keptPost]);
    expect(second.seen.synced[0]?.replayed).toBe(1);
  });

  it('asks for a resync after the replay window, and for an unknown position', async () => {
    const carol = await f.user();
    const org = await f.org(carol);
    const post = await f.post(org);
    const first = await open(shortWindowUrl, keys, carol);
    await pub.status(org, post);
    await until(() => first.seen.events.length === 1, 'the live status');
    await cut(first.socket);
    const { time } = await (
      await bus.nc.jetstreamManager()
    ).streams.getMessage('VT_EVENTS', {
      seq: first.seen.lastSeq(),
    });
    await pub.status(org, post);
    // Away longer than the one-second window of this instance.
    await new Promise((r) => setTimeout(r, 1500));

    const second = await open(shortWindowUrl, keys, carol, { lastSeq: first.seen.lastSeq() });
    expect(second.seen.resync).toEqual([{ reason: 'expired', since: time.toISOString() }]);
    expect(second.seen.events).toEqual([]);
    // It is live again: the next event arrives, and its seq is past the one `synced` gave.
    await pub.status(org, post);
    await until(() => second.seen.events.length === 1, 'the live status after the resync');
    expect(second.seen.events[0]!.seq).toBeGreaterThan(second.seen.synced[0]!.seq);

    const third = await open(url1, keys, carol, { lastSeq: Number.MAX_SAFE_INTEGER });
    expect(third.seen.resync).toEqual([{ reason: 'unknown', since: null }]);
  });

  it('refuses a handshake whose resume fields are malformed', async () => {
    const dave = await f.user();
    const client = connectTyped(url1, keys, dave, { lastSeq: -1 });
    world.sockets.push(client.socket);
    await expect(client.connected).rejects.toMatchObject({ data: { type: 'validation' } });
  });
});
