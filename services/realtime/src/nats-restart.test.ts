import { randomUUID } from 'node:crypto';
import { type PrivateServer, privateNats, waitUntil } from '@vibetribe/testing';
import { testKeys } from './test/harness';
import { connectTyped, replayWorld, until } from './test/stream-client';

// Its own nats-server: restarting the shared one would disturb every other test.
describe('a NATS restart under a realtime instance', () => {
  const keys = testKeys();
  let nats: PrivateServer;
  let world: Awaited<ReturnType<typeof replayWorld>>;
  let url: string;

  beforeAll(async () => {
    nats = await privateNats();
    world = await replayWorld(keys, nats.url);
    url = await world.start();
  });
  afterAll(async () => {
    await world.close();
    await nats.dispose();
  });

  it('keeps the sockets, then relays what is published once NATS is back, once each', async () => {
    const { f, pub } = world;
    const erin = await f.user();
    const org = await f.org(erin);
    const post = await f.post(org);
    const client = connectTyped(url, keys, erin);
    world.sockets.push(client.socket);
    await client.connected;
    await until(() => client.seen.synced.length === 1, 'synced');
    const disconnects: string[] = [];
    client.socket.on('disconnect', (reason) => disconnects.push(reason));
    await pub.status(org, post);
    await until(() => client.seen.events.length === 1, 'the status before the restart');

    await nats.stop();
    await nats.start();
    // The publisher is back when a publish is acknowledged by the restarted server's stream.
    const afterRestart = randomUUID();
    await waitUntil(() => pub.notification(org, afterRestart, [erin]), 20_000, 'a publish after the restart');
    await pub.status(org, post);
    await until(
      () => client.seen.events.some((e) => e.name === 'status' && e !== client.seen.events[0]),
      'the status after the restart',
      30_000,
    );

    expect(disconnects).toEqual([]);
    expect(client.socket.connected).toBe(true);
    const after = client.seen.events.slice(1);
    // waitUntil may have published more than one notification before one was acknowledged: each arrives once.
    const seqs = client.seen.events.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(after.at(-1)?.name).toBe('status');
    expect(after.some((e) => e.name === 'notification' && e.id === afterRestart)).toBe(true);
  });
});
