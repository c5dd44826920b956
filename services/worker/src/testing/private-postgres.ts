import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@vibetribe/testing';

const run = promisify(execFile);
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A PostgreSQL server of one test's own, so the test can stop and restart it without touching the stack's. */
export interface PrivatePostgres {
  /** `postgres://vibetribe@127.0.0.1:<port>/vibetribe_test` (trust on loopback). */
  url: string;
  /** Stops the server the way `mode` says: `immediate` (a crash, no checkpoint) or `fast` (clients cut off). */
  stop(mode: 'immediate' | 'fast'): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** The postgres user's uid and gid, when this process is root (the server refuses to run as root). */
async function postgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [uid, gid] = await Promise.all(
    ['-u', '-g'].map(async (f) => Number((await run('id', [f, 'postgres'])).stdout)),
  );
  return { uid: uid!, gid: gid! };
}

/** Initialises a cluster in a temporary directory and starts it on a free loopback port. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'vt-pg-'));
  const data = join(dir, 'data');
  const sock = join(dir, 'run');
  mkdirSync(sock);
  const ids = await postgresIds();
  if (ids) for (const p of [dir, sock]) chownSync(p, ids.uid, ids.gid);
  const port = await freePort();
  const as = (cmd: string, args: string[]) =>
    ids
      ? run('runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args], { cwd: '/' })
      : run(join(BIN, cmd), args);
  await as('initdb', ['-D', data, '-U', 'vibetribe', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const opts = `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = async () => {
    await as('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'postgres.log'), '-w', 'start']);
  };
  await start();
  await as('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'vibetribe', 'vibetribe_test']);
  return {
    url: `postgres://vibetribe@127.0.0.1:${port}/vibetribe_test`,
    async stop(mode) {
      await as('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
    },
    start,
    async dispose() {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
