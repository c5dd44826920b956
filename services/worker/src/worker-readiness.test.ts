import { childWorker } from './testing/child-worker';
import { startTemporalDevServer, type TemporalDevServer } from './testing/temporal-dev-server';

jest.setTimeout(90_000);

let server: TemporalDevServer;
const previousAddress = process.env.TEMPORAL_ADDRESS;
beforeAll(async () => {
  server = await startTemporalDevServer();
  process.env.TEMPORAL_ADDRESS = server.address;
}, 60_000);
afterAll(async () => {
  process.env.TEMPORAL_ADDRESS = previousAddress;
  await server?.dispose();
});

describe("the worker process's readiness (dist/main.js, private Temporal dev server)", () => {
  test('/readyz answers within a second while Temporal is down, naming it, and is ready again after', async () => {
    const worker = await childWorker({ taskQueue: `readyz-${Date.now()}`, xBaseUrl: 'http://127.0.0.1:9' });
    const readyz = async () => {
      const started = performance.now();
      const res = await fetch(`http://127.0.0.1:${worker.port}/readyz`);
      return {
        ms: performance.now() - started,
        status: res.status,
        body: (await res.json()) as { failing?: string[]; checks?: Record<string, { ok: boolean }> },
      };
    };
    try {
      await worker.start();
      const ready = await readyz();
      expect(ready.status).toBe(200);
      // Both workers poll: the publishing one and the periodic jobs' one on its own queue.
      expect(ready.body).toMatchObject({
        checks: { polling: { ok: true }, 'polling-periodic': { ok: true } },
      });
      await server.stop();
      for (let i = 0; i < 3; i++) {
        const down = await readyz();
        expect(down.status).toBe(503);
        expect(down.body.failing).toContain('temporal');
        expect(down.ms).toBeLessThan(1_000);
      }
      await server.start();
      for (let i = 0; i < 100 && (await readyz()).status !== 200; i++)
        await new Promise((r) => setTimeout(r, 200));
      expect((await readyz()).status).toBe(200);
    } finally {
      await worker.kill('SIGTERM');
    }
  });
});
