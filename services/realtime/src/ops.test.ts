import type { Realtime } from './app';
import {
  connectAs,
  fixtures,
  migrateTestDatabase,
  startRealtime,
  testDatabase,
  testKeys,
} from './test/harness';
import { privateNats } from '@vibetribe/testing';

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('health, readiness and metrics on the Socket.IO server', () => {
  const keys = testKeys();

  beforeAll(async () => {
    await migrateTestDatabase();
  });

  it('serves /healthz, /readyz and /metrics beside Socket.IO', async () => {
    const orm = await testDatabase();
    const { realtime, url } = await startRealtime(keys);
    try {
      await expect(getJson(`${url}/healthz`)).resolves.toMatchObject({ status: 200, body: { status: 'ok' } });
      const ready = await getJson(`${url}/readyz`);
      expect(ready).toMatchObject({ status: 200, body: { status: 'ready', failing: [] } });
      expect(Object.keys(ready.body.checks as object).sort()).toEqual([
        'nats',
        'postgres',
        'redis',
        'schema',
      ]);

      const socket = await connectAs(url, keys, await fixtures(orm).user());
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/realtime_connected_sockets\{service="realtime"\} 1/);
      expect(metrics).toContain('realtime_events_relayed_total');
      socket.close();
      expect((await fetch(`${url}/nothing-here`)).status).toBe(404);
    } finally {
      await realtime.stop();
      await orm.close();
    }
  });

  it('turns not ready, naming nats, when its NATS server goes away', async () => {
    const nats = await privateNats();
    let realtime: Realtime | undefined;
    try {
      const started = await startRealtime(keys, { NATS_URL: nats.url });
      realtime = started.realtime;
      await expect(getJson(`${started.url}/readyz`)).resolves.toMatchObject({ status: 200 });
      await nats.stop();
      let answer = await getJson(`${started.url}/readyz`);
      for (let i = 0; i < 20 && answer.status === 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        answer = await getJson(`${started.url}/readyz`);
      }
      expect(answer).toMatchObject({ status: 503, body: { status: 'not_ready', failing: ['nats'] } });
    } finally {
      await realtime?.stop();
      await nats.dispose();
    }
  }, 30_000);

  it('refuses to start when NATS does not answer at all', async () => {
    const nats = await privateNats();
    await nats.dispose();
    await expect(startRealtime(keys, { NATS_URL: nats.url })).rejects.toThrow(
      /CONNECTION_REFUSED|ECONNREFUSED/,
    );
  });
});
