import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { waitUntil } from '@vibetribe/testing';
import { progress } from './report';

/** A service the benchmark runs in its own process, so it has its own event loop (as in production). */
export interface ChildService {
  readonly name: string;
  readonly process: ChildProcess;
  /** What the child said when it was ready (IPC children), else undefined. */
  readonly ready: unknown;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
// Whatever happens to the benchmark, it leaves no process behind: an interrupted run exits (so the
// 'exit' handler runs) instead of dying on the signal with its children still polling.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * Starts `script` with Node and `env` on top of ours. Its stdout goes to our stderr (`stdout: 'stderr'`) or
 * nowhere, never to our stdout, which holds only results. Ready when `readyWhen` resolves, or, for an IPC
 * child (`ipc: true`), when it sends its first message.
 */
export async function startChild(opts: {
  name: string;
  script: string;
  env: Record<string, string>;
  stdout: 'ignore' | 'stderr';
  ipc?: boolean;
  readyWhen?: () => Promise<boolean>;
  timeoutMs?: number;
  /** Node flags for the child, e.g. `--cpu-prof` to profile it. */
  execArgv?: string[];
}): Promise<ChildService> {
  const child = fork(opts.script, [], {
    execArgv: opts.execArgv ?? [],
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', opts.stdout === 'ignore' ? 'ignore' : 'pipe', 'inherit', 'ipc'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.stdout?.pipe(process.stderr);
  const died = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`${opts.name} exited during start-up (code ${code}, signal ${signal})`)),
    );
  });
  died.catch(() => undefined);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let ready: unknown;
  try {
    if (opts.ipc) {
      ready = await Promise.race([
        new Promise((resolve) => child.once('message', resolve)),
        died,
        new Promise((_, reject) =>
          setTimeout(
            () => reject(new Error(`${opts.name} not ready within ${timeoutMs} ms`)),
            timeoutMs,
          ).unref(),
        ),
      ]);
    } else if (opts.readyWhen) {
      const probe = opts.readyWhen;
      await Promise.race([waitUntil(probe, timeoutMs, `${opts.name} ready`), died]);
    }
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  progress(`${opts.name} started (pid ${child.pid})`);
  return {
    name: opts.name,
    process: child,
    ready,
    async stop(graceMs = 20_000) {
      if (exited(child)) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          progress(`${opts.name} did not stop within ${graceMs} ms: SIGKILL`);
          child.kill('SIGKILL');
        }, graceMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
}

/** True when `url` answers 200 (a readiness probe). */
export async function answers200(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Clock ticks per second in /proc's CPU times (USER_HZ, 100 on Linux). */
const TICK_MS = 1000 / 100;

/**
 * A `/proc/<pid>/stat` (or a thread's `/proc/<pid>/task/<tid>/stat`): the command's name and its CPU
 * times in ms: its own (utime + stime) and its exited children's (cutime + cstime). Throws when the
 * file cannot be read (not Linux, or the process is gone).
 */
function readStat(path: string): { name: string; ownMs: number; childrenMs: number } {
  const stat = readFileSync(path, 'utf8');
  // The fields after the command (which may hold spaces and parentheses): state is field 3, utime
  // 14, stime 15, cutime 16, cstime 17.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return {
    name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    ownMs: (fields[11]! + fields[12]!) * TICK_MS,
    childrenMs: (fields[13]! + fields[14]!) * TICK_MS,
  };
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
export function cpuTimeMs(pid: number | undefined): number {
  try {
    return readStat(`/proc/${pid}/stat`).ownMs;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time (ms) the whole machine has spent busy so far, over all its cores (user, nice, system, irq,
 * softirq and steal from /proc/stat): every process of the system under test and of the benchmark.
 * NaN off Linux.
 */
export function machineCpuMs(): number {
  try {
    const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]!
      .trim()
      .split(/\s+/)
      .map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time (ms) every PostgreSQL process on this machine has used so far: each server process's own
 * time plus what its exited children used (a backend's time goes to the postmaster when it exits).
 * From /proc (Linux); NaN elsewhere.
 */
export function postgresCpuMs(): number {
  let ms = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readStat(`/proc/${pid}/stat`);
        if (stat.name === 'postgres') ms += stat.ownMs + stat.childrenMs;
      } catch {
        /* the process is gone */
      }
    }
  } catch {
    return Number.NaN;
  }
  return ms;
}

/** CPU time (ms) per thread name of a process, largest first, e.g. the JS main thread vs native pools. */
export function cpuByThread(pid: number | undefined): [string, number][] {
  const byName = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const { name, ownMs } = readStat(`/proc/${pid}/task/${tid}/stat`);
      byName.set(name, (byName.get(name) ?? 0) + ownMs);
    }
  } catch {
    /* not Linux, or the process is gone */
  }
  return [...byName.entries()].sort((a, b) => b[1] - a[1]);
}

/** A post done by a baseline child: its key and when (epoch ms), sent over IPC. */
export interface Stamp {
  key: string;
  at: number;
}

/** Collects the stamps a baseline child sends, from now on: times per key, in arrival order. */
export function collectStamps(child: ChildService): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  child.process.on('message', (m: Partial<Stamp>) => {
    if (typeof m.key !== 'string' || typeof m.at !== 'number') return;
    const list = byKey.get(m.key);
    if (list) list.push(m.at);
    else byKey.set(m.key, [m.at]);
  });
  return byKey;
}

/** The entries of `all` whose keys are asked about. */
export function pick(all: ReadonlyMap<string, number[]>, keys: ReadonlySet<string>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const key of keys) {
    const times = all.get(key);
    if (times) out.set(key, times);
  }
  return out;
}
