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
