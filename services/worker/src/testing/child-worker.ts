import { type ChildProcess, spawn } from 'node:child_process';
import { freePort, waitUntil } from '@vibetribe/testing';

/** The real worker process (`dist/main.js`) on a test's task queue, so a test can SIGKILL it. */
export interface ChildWorker {
  port: number;
  start(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** A restartable child worker pointed at the test's queue and emulator; `start()` waits for /readyz. */
export async function childWorker(opts: { taskQueue: string; xBaseUrl: string }): Promise<ChildWorker> {
  const port = await freePort();
  const main = require.resolve('@vibetribe/worker/dist/main.js');
  let child: ChildProcess | undefined;
  return {
    port,
    async start() {
      child = spawn(process.execPath, [main], {
        env: {
          ...process.env,
          WORKER_PORT: String(port),
          TEMPORAL_TASK_QUEUE: opts.taskQueue,
          // Its own periodic queue, and the real schedules left alone: a test never runs another's jobs.
          PERIODIC_TASK_QUEUE: `${opts.taskQueue}-periodic`,
          PERIODIC_SCHEDULES: 'false',
          X_API_BASE_URL: opts.xBaseUrl,
          LOG_LEVEL: process.env.CHILD_LOG_LEVEL ?? 'warn',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const ready = async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
      await waitUntil(ready, 45_000, 'child worker ready');
    },
    async kill(signal) {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill(signal);
      });
    },
  };
}
