/**
 * The scheduling benchmarks that compare schedulers on waves of posts created ahead of their time:
 * `scheduling-capacity` (the highest due rate each keeps up with), `scheduling-half-capacity` (lateness
 * at half the baseline's capacity) and `scheduling-burst` (posts all due in the same second).
 */
import type { BenchConfig } from './config';
import { type PgSnapshot, PgTally } from './pg-stats';
import { emit, progress, quantile, round, sleep } from './report';
import { type SearchResult, searchRate } from './search';
import { describe, evenlyDue, keptUp, leadMs, runWave, type Scheduler, type Wave } from './waves';

/**
 * A scheduler's capacity, with the worker's CPU, the whole machine's and PostgreSQL's work per post
 * over the steps that kept up.
 */
export interface Capacity extends SearchResult {
  cpuMsPerPost: number;
  machineCpuMsPerPost: number;
  /** The local dev server's CPU per post (NaN in cluster mode). */
  serverCpuMsPerPost: number;
  pg?: ReturnType<PgTally['perPost']>;
}

/** Where searchCapacity reads PostgreSQL's counters (pg-stats.ts); none: not measured. */
export interface PgProbe {
  snapshot(): Promise<PgSnapshot>;
}

/** `n` posts due evenly over `windowS`, far enough ahead to create them (and take their first tasks) first. */
function windowAhead(
  cfg: BenchConfig,
  s: Scheduler,
  startRate: number,
  n: number,
  windowS: number,
): number[] {
  return evenlyDue(n, Date.now() + leadMs(n, startRate, s.queuesFirstTasks, cfg), windowS * 1000);
}

/** One line per wave on stderr: what it asked, how it went, what it cost. */
function report(bench: string, s: Scheduler, what: string, wave: Wave, verdict = ''): void {
  progress(
    `${bench} ${s.name}: ${what}: ${describe(wave, wave.stoppedEarly)}; ` +
      `created in ${round(wave.createMs / 1000)} s, ` +
      (wave.backlogAtDue >= 0
        ? `${wave.backlogAtDue} first tasks still queued at the first due time, `
        : '') +
      `worker CPU ${round(wave.cpuMs / wave.posts, 2)} ms/post, PostgreSQL ` +
      `${round(wave.postgresCpuMs / wave.posts, 2)}, Temporal server ${round(wave.serverCpuMs / wave.posts, 2)}, ` +
      `machine ${round(wave.machineCpuMs / wave.posts, 2)}${verdict}`,
  );
}

/**
 * Searches the highest due rate `s` keeps up with (see `searchRate`): each step schedules rate ×
 * `capacityStepS` posts due evenly over `capacityStepS`, created before the step's first due time,
 * and passes with lateness p99 under `capacityP99Ms` and none lost or duplicated.
 */
export async function searchCapacity(
  cfg: BenchConfig,
  s: Scheduler,
  startRate: () => number,
  from: { start: number; growth: number },
  pg?: PgProbe,
): Promise<Capacity> {
  let cpuMs = 0;
  let machineMs = 0;
  let serverMs = 0;
  let cpuPosts = 0;
  const tally = new PgTally();
  let step = 0;
  const tryRate = async (rate: number) => {
    const n = Math.max(1, Math.round(rate * cfg.capacityStepS));
    const due = windowAhead(cfg, s, startRate(), n, cfg.capacityStepS);
    const deadline = due[due.length - 1]! + cfg.capacityGraceS * 1000;
    const pgBefore = await pg?.snapshot();
    const wave = await runWave(s, `capacity-${++step}`, due, {
      deadline,
      limitMs: cfg.capacityP99Ms,
      serverPid: cfg.temporalPid,
    });
    const ok = keptUp(wave, cfg.capacityP99Ms);
    if (ok) {
      cpuMs += wave.cpuMs;
      machineMs += wave.machineCpuMs;
      serverMs += wave.serverCpuMs;
      cpuPosts += wave.posts;
      if (pg && pgBefore) tally.add(pgBefore, await pg.snapshot());
    }
    const what = `step ${step}, ${round(rate)} posts/s (${n} over ${cfg.capacityStepS} s)`;
    report('scheduling-capacity', s, what, wave, ok ? ': kept up' : ': did not keep up');
    // What a failed step left in flight (its terminated workflows' last tasks) must not meet the next.
    if (!ok) await sleep(cfg.stepLeadS * 1000);
    return ok;
  };
  const found = await searchRate(tryRate, {
    ...from,
    precision: cfg.capacityPrecision,
    min: cfg.capacityMinRate,
    max: cfg.capacityMaxRate,
    maxSteps: cfg.capacityMaxSteps,
  });
  const rate = (r: number | null) => (r === null ? 'none' : round(r));
  progress(
    `scheduling-capacity ${s.name}: ${round(found.rate)} posts/s (kept up at ${rate(found.passed)}, ` +
      `not at ${rate(found.failed)}${found.converged ? '' : '; not bracketed to the precision'}); steps: ` +
      found.steps.map((t) => `${round(t.rate)} ${t.ok ? 'ok' : 'failed'}`).join(', '),
  );
  return {
    ...found,
    cpuMsPerPost: cpuPosts ? cpuMs / cpuPosts : Number.NaN,
    machineCpuMsPerPost: cpuPosts ? machineMs / cpuPosts : Number.NaN,
    serverCpuMsPerPost: cpuPosts ? serverMs / cpuPosts : Number.NaN,
    ...(pg ? { pg: tally.perPost(cpuPosts) } : {}),
  };
}

/** Rounds a figure for the JSON line; null when there is none (NaN). */
const figure = (n: number | null, digits = 1): number | null =>
  n === null || Number.isNaN(n) ? null : round(n, digits);

/**
 * scheduling-capacity: the baseline's capacity first (from `capacityStartRate`), then the product's,
 * starting at the baseline's. Resolves with both, for the half-capacity run.
 */
export async function capacityBench(
  cfg: BenchConfig,
  product: Scheduler,
  baseline: Scheduler,
  startRate: () => number,
  pg?: PgProbe,
): Promise<{ product: Capacity; baseline: Capacity }> {
  const base = await searchCapacity(
    cfg,
    baseline,
    startRate,
    { start: cfg.capacityStartRate, growth: cfg.capacityGrowth },
    pg,
  );
  const prod = await searchCapacity(
    cfg,
    product,
    startRate,
    { start: base.rate || cfg.capacityStartRate, growth: cfg.capacityRefineGrowth },
    pg,
  );
  emit({
    bench: 'scheduling-capacity',
    temporal: cfg.temporalMode,
    workers: cfg.workers,
    posts_per_s: figure(prod.rate),
    baseline_posts_per_s: figure(base.rate),
    ratio: base.rate ? figure(prod.rate / base.rate, 3) : null,
    cpu_ms_per_post: figure(prod.cpuMsPerPost, 2),
    baseline_cpu_ms_per_post: figure(base.cpuMsPerPost, 2),
    machine_cpu_ms_per_post: figure(prod.machineCpuMsPerPost, 2),
    baseline_machine_cpu_ms_per_post: figure(base.machineCpuMsPerPost, 2),
    server_cpu_ms_per_post: figure(prod.serverCpuMsPerPost, 2),
    baseline_server_cpu_ms_per_post: figure(base.serverCpuMsPerPost, 2),
    p99_limit_ms: cfg.capacityP99Ms,
    step_s: cfg.capacityStepS,
    kept_up_at: figure(prod.passed),
    failed_at: figure(prod.failed),
    baseline_kept_up_at: figure(base.passed),
    baseline_failed_at: figure(base.failed),
    converged: prod.converged && base.converged,
    steps: prod.steps.length,
    baseline_steps: base.steps.length,
    // PostgreSQL per post over the steps that kept up, by database (the product's, and Temporal's in
    // cluster mode), and the most connections open to them at a step's end.
    ...(prod.pg
      ? {
          pg_writes_per_post: prod.pg.writes,
          pg_commits_per_post: prod.pg.commits,
          pg_connections: prod.pg.connections,
          baseline_pg_writes_per_post: base.pg?.writes,
        }
      : {}),
  });
  return { product: prod, baseline: base };
}

/** The lateness figures of one wave, keys prefixed for the JSON line. */
function latenessFields(prefix: string, wave: Wave): Record<string, number> {
  return {
    [`${prefix}p50_ms`]: quantile(wave.late, 0.5),
    [`${prefix}p99_ms`]: quantile(wave.late, 0.99),
    [`${prefix}max_ms`]: quantile(wave.late, 1),
  };
}

/**
 * scheduling-half-capacity: `rate` posts/s due evenly over `capacityStepS`, for the product and then
 * the baseline; lateness p50/p99/max of each, and the product's lost and duplicated posts.
 */
export async function halfCapacityBench(
  cfg: BenchConfig,
  product: Scheduler,
  baseline: Scheduler,
  startRate: () => number,
  rate: number,
): Promise<void> {
  const n = Math.max(1, Math.round(rate * cfg.capacityStepS));
  const run = async (s: Scheduler) => {
    const due = windowAhead(cfg, s, startRate(), n, cfg.capacityStepS);
    const deadline = due[due.length - 1]! + cfg.capacityGraceS * 1000;
    const wave = await runWave(s, 'half-capacity', due, {
      deadline,
      serverPid: cfg.temporalPid,
    });
    report('scheduling-half-capacity', s, `${round(rate)} posts/s (${n} over ${cfg.capacityStepS} s)`, wave);
    return wave;
  };
  const prod = await run(product);
  const base = await run(baseline);
  emit({
    bench: 'scheduling-half-capacity',
    temporal: cfg.temporalMode,
    workers: cfg.workers,
    rate: round(rate),
    posts: n,
    ...latenessFields('', prod),
    ...latenessFields('baseline_', base),
    lost: prod.lost,
    duplicated: prod.duplicated,
    baseline_lost: base.lost,
  });
}

/** `burstPosts` posts all due at the same whole second, far enough ahead to create them first. */
async function burst(cfg: BenchConfig, s: Scheduler, startRate: number): Promise<Wave> {
  const n = cfg.burstPosts;
  const second = Math.ceil((Date.now() + leadMs(n, startRate, s.queuesFirstTasks, cfg)) / 1000) * 1000;
  const due = Array.from({ length: n }, () => second);
  const wave = await runWave(s, 'burst', due, {
    deadline: second + cfg.burstTimeoutS * 1000,
    serverPid: cfg.temporalPid,
  });
  report('scheduling-burst', s, `${n} posts due at one second`, wave);
  return wave;
}

/** Milliseconds from the burst's second until its last post was done; null when some never were. */
const lastDone = (wave: Wave): number | null => (wave.lost ? null : quantile(wave.late, 1));

/**
 * scheduling-burst: `burstPosts` posts due in the same second, for the product, the bare Temporal
 * baseline and Bull delayed jobs; the time from that second until the last was done, each one's p99
 * lateness and time to create the posts, and CPU per post.
 */
export async function burstBench(
  cfg: BenchConfig,
  product: Scheduler,
  baseline: Scheduler,
  bull: Scheduler,
  startRate: () => number,
): Promise<void> {
  const prod = await burst(cfg, product, startRate());
  const base = await burst(cfg, baseline, startRate());
  const queued = await burst(cfg, bull, startRate());
  const productMs = lastDone(prod);
  const baselineMs = lastDone(base);
  emit({
    bench: 'scheduling-burst',
    posts: cfg.burstPosts,
    product_ms: productMs,
    baseline_ms: baselineMs,
    bull_ms: lastDone(queued),
    ratio: productMs !== null && baselineMs ? round(productMs / baselineMs, 3) : null,
    product_p99_ms: quantile(prod.late, 0.99),
    baseline_p99_ms: quantile(base.late, 0.99),
    bull_p99_ms: quantile(queued.late, 0.99),
    product_create_ms: prod.createMs,
    baseline_create_ms: base.createMs,
    bull_add_ms: queued.createMs,
    product_cpu_ms_per_post: round(prod.cpuMs / prod.posts, 2),
    baseline_cpu_ms_per_post: round(base.cpuMs / base.posts, 2),
    bull_cpu_ms_per_post: round(queued.cpuMs / queued.posts, 2),
    product_machine_cpu_ms_per_post: round(prod.machineCpuMs / prod.posts, 2),
    baseline_machine_cpu_ms_per_post: round(base.machineCpuMs / base.posts, 2),
    bull_machine_cpu_ms_per_post: round(queued.machineCpuMs / queued.posts, 2),
    product_server_cpu_ms_per_post: figure(prod.serverCpuMs / prod.posts, 2),
    baseline_server_cpu_ms_per_post: figure(base.serverCpuMs / base.posts, 2),
    lost: prod.lost,
    duplicated: prod.duplicated,
    baseline_lost: base.lost,
    bull_lost: queued.lost,
  });
}
