import { startXEmulator } from './x-emulator';

// The benchmark publishes 2,000 posts within 60 s; the emulator must be a small share of that.
it('accepts 2,000 posts from 20 users well within the benchmark budget', async () => {
  const emulator = await startXEmulator({ postLimit: 1000 });
  try {
    for (let u = 0; u < 20; u++)
      emulator.addAccount({ userId: String(5000 + u), username: `u${u}`, accessToken: `t${u}` });
    const started = Date.now();
    const workers = Array.from({ length: 50 }, async (_, w) => {
      for (let i = w; i < 2000; i += 50) {
        const res = await fetch(`${emulator.url}/2/tweets`, {
          method: 'POST',
          headers: { authorization: `Bearer t${i % 20}`, 'content-type': 'application/json' },
          body: JSON.stringify({ text: `bench post ${i}` }),
        });
        expect(res.status).toBe(201);
        await res.arrayBuffer();
      }
    });
    await Promise.all(workers);
    expect(emulator.stats().creates.accepted).toBe(2000);
    expect(Date.now() - started).toBeLessThan(15_000);
  } finally {
    await emulator.close();
  }
});
