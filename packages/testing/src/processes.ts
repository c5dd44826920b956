import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when `probe` succeeds, or rejects after `timeoutMs`. */
export async function waitUntil(
  probe: () => Promise<unknown>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if ((await probe()) !== false) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${what} not reached within ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}

/** A private server process for tests that stop and restart a dependency (redis-server, nats-server). */
export interface PrivateServer {
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Starts `command` with args built from a port, restartable on the same port. */
export async function privateServer(
  command: string,
  args: (port: number) => string[],
  ready: (port: number) => Promise<unknown>,
): Promise<PrivateServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const server: PrivateServer = {
    port,
    async start() {
      child = spawn(command, args(port), { stdio: 'ignore' });
      await waitUntil(() => ready(port), 10_000, `${command} on ${port}`);
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      });
    },
  };
  await server.start();
  return server;
}
