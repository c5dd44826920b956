import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** True when something accepts TCP on 127.0.0.1:`port`. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A private server process for tests that stop and restart a dependency (redis-server, nats-server). */
export interface PrivateServer {
  port: number;
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its state. */
  dispose(): Promise<void>;
}

/** Starts `command` on a free port, restartable on the same port; ready when the port accepts. */
export async function privateServer(opts: {
  command: string;
  args: (port: number, stateDir: string) => string[];
  url: (port: number) => string;
}): Promise<PrivateServer> {
  const port = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), `vt-${opts.command}-`));
  let child: ChildProcess | undefined;
  const server: PrivateServer = {
    port,
    url: opts.url(port),
    async start() {
      const c = spawn(opts.command, opts.args(port, stateDir), { stdio: 'ignore' });
      child = c;
      await waitUntil(
        async () => c.exitCode === null && (await accepts(port)),
        10_000,
        `${opts.command} on ${port}`,
      );
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      });
    },
    async dispose() {
      await server.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** A private redis-server without persistence. */
export const privateRedis = () =>
  privateServer({
    command: 'redis-server',
    args: (p) => ['--bind', '127.0.0.1', '--port', String(p), '--save', '', '--appendonly', 'no'],
    url: (p) => `redis://127.0.0.1:${p}`,
  });

/** A private nats-server with JetStream, its store in a temporary folder. */
export const privateNats = () =>
  privateServer({
    command: process.env.NATS_SERVER_BIN ?? 'nats-server',
    args: (p, dir) => ['-a', '127.0.0.1', '-p', String(p), '-js', '-sd', dir],
    url: (p) => `nats://127.0.0.1:${p}`,
  });
