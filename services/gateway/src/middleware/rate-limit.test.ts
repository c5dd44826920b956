import { privateRedis, waitUntil } from '@vibetribe/testing';
import { startTestGateway } from '../test-support/harness';

test('requests that arrive together share Redis calls yet are counted exactly, one by one', async () => {
  const gw = await startTestGateway({ RATE_LIMIT_PER_USER: '5', RATE_LIMIT_WINDOW_S: '30' });
  try {
    const u = await gw.register();
    await gw.deps.redis.del(`rl:user:${u.userId}`);
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => gw.api('GET', '/api/v1/auth/me', { token: u.token })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(5).fill(200), ...Array(7).fill(429)]);
    // Each admitted request saw its own count: remaining 4, 3, 2, 1, 0, once each.
    const remaining = responses
      .filter((r) => r.status === 200)
      .map((r) => /remaining=(\d+)/.exec(r.headers.get('ratelimit-user') ?? '')?.[1])
      .sort();
    expect(remaining).toEqual(['0', '1', '2', '3', '4']);
    expect(Number(await gw.deps.redis.get(`rl:user:${u.userId}`))).toBe(12);
    for (const r of responses.filter((x) => x.status === 429))
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  } finally {
    await gw.close();
  }
});

test('while Redis is down the limits let requests through, and count again once it is back', async () => {
  const redis = await privateRedis();
  const gw = await startTestGateway({
    REDIS_URL: redis.url,
    RATE_LIMIT_PER_USER: '2',
    RATE_LIMIT_WINDOW_S: '30',
  });
  try {
    const u = await gw.register();
    await redis.stop();
    await waitUntil(() => Promise.resolve(gw.deps.redis.status !== 'ready'), 10_000, 'redis seen down');
    const down = await Promise.all(
      Array.from({ length: 4 }, () => gw.api('GET', '/api/v1/auth/me', { token: u.token })),
    );
    expect(down.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await redis.start();
    await waitUntil(() => Promise.resolve(gw.deps.redis.status === 'ready'), 15_000, 'redis back');
    // Whatever the restart kept: the window starts afresh.
    await gw.deps.redis.del(`rl:user:${u.userId}`);
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await gw.api('GET', '/api/v1/auth/me', { token: u.token })).status);
    expect(statuses).toEqual([200, 200, 429]);
  } finally {
    await gw.close();
    await redis.dispose();
  }
}, 40_000);
