/**
 * A wave: posts created ahead of their time, each due at a given moment, and how late each was done.
 * The accounting is pure; `runWave` drives a `Scheduler` (the product, bare Temporal or Bull) through one.
 */
import { cpuTimeMs, machineCpuMs, postgresCpuMs } from './children';
import type { BenchConfig } from './config';
import { progress, quantile, sleep } from './report';

/** Something that does a post at its due time: the product, the bare Temporal baseline, or Bull. */
export interface Scheduler {
  /** `product`, `baseline` or `bull`, as the results name them. */
  readonly name: string;
  /** Whether creating a post queues a workflow task a worker must take before the post's time. */
  readonly queuesFirstTasks: boolean;
  /** Creates one post per due time (epoch ms); resolves with their keys, in order, once all exist. */
  schedule(label: string, due: readonly number[]): Promise<string[]>;
  /** When each of the keys asked about was done (epoch ms, once per time it was done). */
  receipts(keys: ReadonlySet<string>): Map<string, number[]>;
  /** CPU time (ms) the process doing the posts has used so far. */
  cpuMs(): number;
  /** Workflow tasks queued that no worker has taken yet; -1 when unknown or not Temporal. */
  backlog(): Promise<number>;
  /** Drops whatever of its posts is still pending, so a failed step does not spill into the next. */
  cancelPending(): Promise<void>;
}

/** How a wave's posts fared. */
export interface WaveOutcome {
  /** Per post received: its first receipt minus its due time (ms). */
  late: number[];
  /** Posts never received. */
  lost: number;
  /** Receipts beyond each post's first. */
  duplicated: number;
}

/**
 * A wave as run: its outcome, what creating it took, and the CPU spent by the doing process, by
 * PostgreSQL and by the whole machine (the scheduler's server, the emulator, NATS and the benchmark
 * included) from the first create to the last receipt.
 */
export interface Wave extends WaveOutcome {
  posts: number;
  /** Time to create the posts (rows and workflow starts, or Bull jobs). */
  createMs: number;
  cpuMs: number;
  postgresCpuMs: number;
  machineCpuMs: number;
  /** The local Temporal dev server's CPU (NaN when none runs here: `serverPid` 0 or unset). */
  serverCpuMs: number;
  /** Workflow tasks still queued when the first post fell due (-1: unknown). */
  backlogAtDue: number;
  /** The wait ended as soon as the wave could no longer pass. */
  stoppedEarly: boolean;
}

/** Due times of `n` posts spread evenly over `windowMs` from `startMs`. */
export function evenlyDue(n: number, startMs: number, windowMs: number): number[] {
  return Array.from({ length: n }, (_, i) => startMs + Math.floor((i * windowMs) / n));
}

/** Each post's lateness (first receipt − due), the posts with no receipt, and the extra receipts. */
export function outcome(
  due: readonly number[],
  keys: readonly string[],
  got: ReadonlyMap<string, readonly number[]>,
): WaveOutcome {
  const late: number[] = [];
  let lost = 0;
  let duplicated = 0;
  keys.forEach((key, i) => {
    const times = got.get(key);
    if (!times?.length) {
      lost++;
      return;
    }
    duplicated += times.length - 1;
    late.push(Math.min(...times) - due[i]!);
  });
  return { late, lost, duplicated };
}

/** Whether a wave kept up: none lost or duplicated, lateness p99 under `limitMs`. */
export function keptUp(o: WaveOutcome, limitMs: number): boolean {
  return o.lost === 0 && o.duplicated === 0 && quantile(o.late, 0.99) < limitMs;
}

/**
 * True once a wave can no longer keep up: more posts are at least `limitMs` late than the 1% its p99
 * allows, counting a post still missing `limitMs` after its time as that late already.
 */
export function cannotKeepUp(
  due: readonly number[],
  keys: readonly string[],
  got: ReadonlyMap<string, readonly number[]>,
  now: number,
  limitMs: number,
): boolean {
  const allowed = keys.length - Math.ceil(0.99 * keys.length);
  let tooLate = 0;
  keys.forEach((key, i) => {
    const times = got.get(key);
    const doneAt = times?.length ? Math.min(...times) : now;
    if (doneAt - due[i]! >= limitMs) tooLate++;
  });
  return tooLate > allowed;
}

/**
 * Milliseconds from now to a wave's first due time: creating `n` posts at `createPerS` (with the
 * budget factor), then, where a worker must take each new workflow's first task, one second per
 * `firstTasksPerS` posts, and `stepLeadS` on top.
 */
export function leadMs(
  n: number,
  createPerS: number,
  queuesFirstTasks: boolean,
  cfg: Pick<BenchConfig, 'startBudgetFactor' | 'firstTasksPerS' | 'stepLeadS'>,
): number {
  const create = (n / createPerS) * cfg.startBudgetFactor;
  const firstTasks = queuesFirstTasks ? n / cfg.firstTasksPerS : 0;
  return Math.round((create + firstTasks + cfg.stepLeadS) * 1000);
}

/** The lateness figures a progress line shows (a wave stopped early has posts not received yet, not lost). */
export function describe(o: WaveOutcome, stoppedEarly = false): string {
  const q = (p: number) => quantile(o.late, p);
  const missing = stoppedEarly ? `stopped early with ${o.lost} not received yet` : `lost ${o.lost}`;
  return `p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms, ${missing}, duplicated ${o.duplicated}`;
}

/**
 * Creates the wave's posts (one per due time), then waits until every one is received or `deadline`
 * (epoch ms) passes, or, given `limitMs`, until the wave can no longer keep up. Whatever is still
 * pending after an early stop or a loss is dropped.
 */
export async function runWave(
  s: Scheduler,
  label: string,
  due: readonly number[],
  opts: { deadline: number; limitMs?: number; serverPid?: number },
): Promise<Wave> {
  const cpuBefore = s.cpuMs();
  const serverBefore = cpuTimeMs(opts.serverPid);
  const postgresBefore = postgresCpuMs();
  const machineBefore = machineCpuMs();
  const createdFrom = Date.now();
  const keys = await s.schedule(label, due);
  const createMs = Date.now() - createdFrom;
  const firstDue = Math.min(...due);
  if (Date.now() > firstDue)
    progress(`warning: ${s.name} ${label}: creating took past the first due time; raise the lead`);
  const backlog = sleep(Math.max(0, firstDue - Date.now())).then(() => s.backlog());

  const wanted = new Set(keys);
  let stoppedEarly = false;
  for (;;) {
    const got = s.receipts(wanted);
    if (got.size === keys.length || Date.now() >= opts.deadline) break;
    if (opts.limitMs !== undefined && cannotKeepUp(due, keys, got, Date.now(), opts.limitMs)) {
      stoppedEarly = true;
      break;
    }
    await sleep(200);
  }
  const cpuMs = s.cpuMs() - cpuBefore;
  const machineMs = machineCpuMs() - machineBefore;
  const postgresMs = postgresCpuMs() - postgresBefore;
  const serverMs = cpuTimeMs(opts.serverPid) - serverBefore;
  const result = outcome(due, keys, s.receipts(wanted));
  if (stoppedEarly || result.lost > 0) await s.cancelPending();
  return {
    ...result,
    posts: keys.length,
    createMs,
    cpuMs,
    postgresCpuMs: postgresMs,
    machineCpuMs: machineMs,
    serverCpuMs: serverMs,
    backlogAtDue: await backlog,
    stoppedEarly,
  };
}
