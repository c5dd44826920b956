import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The ports this process handed out: none twice, even before their servers bind them. */
const handedOut = new Set<number>();

/** Whether a server can listen on `port` of 127.0.0.1 now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A free TCP port on loopback for a server a test starts, below the kernel's ephemeral range
 * (32768–60999). A port from that range can be taken by any process's outgoing connection between
 * this call and the server's bind (EADDRINUSE, seen in a cluster-suite run); and the Temporal
 * cluster's membership table keeps ports as PostgreSQL smallints.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = randomInt(20_000, 32_000);
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port between 20000 and 32000 on 127.0.0.1');
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
