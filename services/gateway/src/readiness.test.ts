import { freePort, privateNats, privateRedis, type PrivateServer, waitUntil } from '@vibetribe/testing';
import { startTestGateway, type TestGateway } from './test-support/harness';

// Each dependency's failure path, against real servers: a private redis-server and nats-server that the
// test stops and restarts, and closed ports for Postgres and Temporal.
describe('gateway /readyz', () => {
  let redis: PrivateServer;
  let nats: PrivateServer;
  let gw: TestGateway;

  beforeAll(async () => {
    redis = await privateRedis();
    nats = await privateNats();
    gw = await startTestGateway({
      REDIS_URL: redis.url,
      NATS_URL: nats.url,
    });
  });
  afterAll(async () => {
    await gw.close();
    await redis.dispose();
    await nats.dispose();
  });

  const readyz = async () => {
    const res = await fetch(`${gw.url}/readyz`);
    return {
      status: res.status,
      body: (await res.json()) as {
        failing: string[];
        checks: Record<string, { ok: boolean; error?: string }>;
      },
    };
  };

  test('200 when every dependency answers; /healthz and /metrics answer', async () => {
    const r = await readyz();
    expect(r.body.failing).toEqual([]);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.checks).sort()).toEqual(['nats', 'postgres', 'redis', 'temporal']);
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain('http_requests_total');
  });

  test('redis stopped: 503 naming redis; back to 200 after it returns, without a restart', async () => {
    await redis.stop();
    await waitUntil(
      async () => (await readyz()).body.failing.includes('redis'),
      10_000,
      'redis reported down',
    );
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.body.failing).toEqual(['redis']);
    await redis.start();
    await waitUntil(async () => (await readyz()).status === 200, 15_000, 'ready again');
  });

  test('nats stopped: 503 naming nats; back after restart', async () => {
    await nats.stop();
    await waitUntil(async () => (await readyz()).body.failing.includes('nats'), 10_000, 'nats reported down');
    expect((await readyz()).status).toBe(503);
    await nats.start();
    await waitUntil(async () => (await readyz()).status === 200, 20_000, 'ready again');
  });

  test('temporal unreachable: 503 naming temporal', async () => {
    const port = await freePort();
    const lost = await startTestGateway({}, { temporalAddress: `127.0.0.1:${port}` });
    try {
      const res = await fetch(`${lost.url}/readyz`);
      const body = (await res.json()) as { failing: string[] };
      expect(res.status).toBe(503);
      expect(body.failing).toEqual(['temporal']);
    } finally {
      await lost.close();
    }
  });

  test('postgres unreachable: 503 naming postgres', async () => {
    // The relay gives its LISTEN connection back first, as the gateway's shutdown does: a pool with a
    // connection still out does not close.
    await gw.relay.stop();
    await gw.deps.orm.close(true);
    const res = await fetch(`${gw.url}/readyz`);
    const body = (await res.json()) as { failing: string[] };
    expect(res.status).toBe(503);
    expect(body.failing).toContain('postgres');
    await gw.deps.orm.reconnect();
  });
});
