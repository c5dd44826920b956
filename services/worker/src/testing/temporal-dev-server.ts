import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort, waitUntil } from '@vibetribe/testing';
import { SEARCH_ATTRIBUTE_KEYS } from '@vibetribe/workflows';

/** A private Temporal dev server a test may stop and start again: same port, same SQLite file. */
export interface TemporalDevServer {
  /** `127.0.0.1:<port>`, for `TEMPORAL_ADDRESS` and `NativeConnection.connect`. */
  address: string;
  dbFile: string;
  /** The server's own log (stdout and stderr), kept beside the store until `dispose()`. */
  logFile: string;
  start(): Promise<void>;
  /** True while the server process is alive. */
  isRunning(): boolean;
  /** SIGTERM, then waits for the process to exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** Stops it for good and removes its folder. */
  dispose(): Promise<void>;
}

/** The CLI: `TEMPORAL_CLI`, else the project's venv, else `temporal` on the PATH. */
function temporalCli(): string {
  if (process.env.TEMPORAL_CLI) return process.env.TEMPORAL_CLI;
  const venv = join(__dirname, '../../../../.tools/venv/bin/temporal');
  return existsSync(venv) ? venv : 'temporal';
}

/** The workflows' search attributes as `start-dev` takes them: `VtPostId=Keyword`, `VtScheduledAt=Datetime`, … */
const SEARCH_ATTRIBUTES = SEARCH_ATTRIBUTE_KEYS.map(
  ({ name, type }) => `${name}=${type.charAt(0)}${type.slice(1).toLowerCase()}`,
);

/**
 * A small process that SIGKILLs `pid` and removes `dir` when its stdin closes, i.e. when this process
 * ends, however it ends (a failed test, jest's forceExit, a SIGKILL): the server must not outlive the test.
 */
function guard(pid: number | undefined, dir: string): ChildProcess | undefined {
  if (pid === undefined) return undefined;
  const script = `process.stdin.resume();process.stdin.on('end',()=>{try{process.kill(${pid},'SIGKILL')}catch{}setTimeout(()=>{require('node:fs').rmSync(${JSON.stringify(dir)},{recursive:true,force:true});process.exit(0)},500)})`;
  const g = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'ignore', 'ignore'] });
  g.unref();
  (g.stdin as unknown as { unref?: () => void }).unref?.();
  return g;
}

/** Starts `temporal server start-dev` on a free port with a persistent store in a temporary folder. */
export async function startTemporalDevServer(): Promise<TemporalDevServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'vt-temporal-'));
  const dbFile = join(dir, 't.db');
  const logFile = join(dir, 'server.log');
  const address = `127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let watchdog: ChildProcess | undefined;
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--headless',
    '--db-filename',
    dbFile,
    '--namespace',
    'default',
    '--log-level',
    'warn',
    ...SEARCH_ATTRIBUTES.flatMap((sa) => ['--search-attribute', sa]),
  ];

  const server: TemporalDevServer = {
    address,
    dbFile,
    logFile,
    async start() {
      const log = openSync(logFile, 'a');
      const c = spawn(temporalCli(), args, { stdio: ['ignore', log, log] });
      closeSync(log);
      child = c;
      watchdog = guard(c.pid, dir);
      await waitUntil(
        async () => {
          if (c.exitCode !== null) throw new Error(`temporal exited with ${c.exitCode}`);
          const conn = await Connection.connect({ address, connectTimeout: 1_000 });
          try {
            await conn.workflowService.describeNamespace({ namespace: 'default' });
          } finally {
            await conn.close();
          }
        },
        30_000,
        `temporal dev server on ${address}`,
      );
    },
    isRunning: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    async stop(graceMs = 20_000) {
      const c = child;
      if (c && c.exitCode === null && c.signalCode === null) {
        await new Promise<void>((resolve) => {
          const kill = setTimeout(() => c.kill('SIGKILL'), graceMs);
          c.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          c.kill('SIGTERM');
        });
      }
      watchdog?.kill();
      watchdog = undefined;
    },
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (err) {
    await server.dispose();
    throw err;
  }
  return server;
}
