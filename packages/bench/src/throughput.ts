/**
 * publish-throughput: posts due at once, published end to end through the real worker, against no-op
 * workflows (one no-op activity) on the bare baseline worker.
 */
import { loadavg } from 'node:os';
import type { noopWorkflow } from './baseline/workflows';
import { type ChildService, cpuByThread, cpuTimeMs, postgresCpuMs } from './children';
import { emit, mapLimit, progress, round, sleep, until } from './report';
import { emulatorReceipts, seedPosts, settled, startWorkflows, type World } from './world';

/** Publishes `count` posts due now through the real worker; resolves with posts/s from first start to last receipt. */
async function publishNow(w: World, label: string, count: number): Promise<number> {
  const posts = await seedPosts(w, label, count, () => null);
  const texts = new Set(posts.map((p) => p.text));
  const t0 = Date.now();
  await startWorkflows(w, posts);
  const done = await until(
    () => emulatorReceipts(w.emulator, texts).size >= count,
    t0 + w.cfg.throughputTimeoutS * 1000,
    20,
  );
  const got = emulatorReceipts(w.emulator, texts);
  const last = Math.max(...[...got.values()].flat());
  if (!done) progress(`warning: ${label}: only ${got.size} of ${count} posts arrived in time`);
  await settled(w, posts, 60_000);
  return (got.size * 1000) / Math.max(1, last - t0);
}

/** Runs `count` no-op workflows on the baseline worker; resolves with workflows/s from first start to last completion. */
async function noopRuns(w: World, label: string, count: number): Promise<number> {
  const results: Promise<void>[] = [];
  const t0 = Date.now();
  await mapLimit(
    Array.from({ length: count }, (_, i) => i),
    w.cfg.startConcurrency,
    async (i) => {
      const handle = await w.client.workflow.start<typeof noopWorkflow>('noopWorkflow', {
        taskQueue: w.baselineQueue,
        workflowId: `bench-noop-${w.runId}-${label}-${i}`,
        args: [],
      });
      // The next start does not wait for this one to finish: results are collected below.
      results.push(handle.result());
    },
  );
  await Promise.race([
    Promise.all(results),
    sleep(w.cfg.throughputTimeoutS * 1000).then(() => {
      throw new Error(`${label}: the no-op workflows did not finish in time`);
    }),
  ]);
  return (count * 1000) / Math.max(1, Date.now() - t0);
}

/** The dev server's CPU per post since `before` (its ms then), as text for the progress line. */
const serverCpu = (pid: number | undefined, before: number, n: number): string =>
  pid === undefined ? '' : `; Temporal dev server CPU ${round((cpuTimeMs(pid) - before) / n, 2)} ms/post`;

/** PostgreSQL's CPU per post since `before` (its ms then), as text for the progress line. */
const postgresCpu = (before: number, n: number): string =>
  Number.isNaN(before) ? '' : `; PostgreSQL CPU ${round((postgresCpuMs() - before) / n, 2)} ms/post`;

/** A worker's CPU per post in each of its threads (by name) since `before`, the busiest first. */
function perPostByThread(child: ChildService, before: [string, number][], n: number): string {
  const start = new Map(before);
  return cpuByThread(child.process.pid)
    .map(([name, ms]): [string, number] => [name, (ms - (start.get(name) ?? 0)) / n])
    .filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${round(ms, 2)}`)
    .join(', ');
}

/**
 * publish-throughput: N posts due at once through the real worker vs N no-op workflows on the bare
 * baseline worker (both already running; neither is measured cold).
 */
export async function throughputBench(
  w: World,
  publisher: ChildService,
  baseline: ChildService,
): Promise<void> {
  const { cfg } = w;
  const n = cfg.throughputPosts;
  if (cfg.throughputWarmup > 0) await publishNow(w, 'warmup', cfg.throughputWarmup);
  const server = cfg.temporalPid || undefined;
  const cpuBefore = cpuTimeMs(publisher.process.pid);
  const serverBefore = cpuTimeMs(server);
  const pgBefore = postgresCpuMs();
  const threadsBefore = cpuByThread(publisher.process.pid);
  const postsPerS = await publishNow(w, 'now', n);
  const cpuMs = cpuTimeMs(publisher.process.pid) - cpuBefore;
  progress(
    `publish-throughput: ${round(postsPerS)} posts/s; worker CPU ${round(cpuMs / n, 2)} ms/post` +
      `${serverCpu(server, serverBefore, n)}${postgresCpu(pgBefore, n)}, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  progress(`publishing worker CPU by thread, ms/post: ${perPostByThread(publisher, threadsBefore, n)}`);

  if (cfg.throughputWarmup > 0) await noopRuns(w, 'warmup', cfg.throughputWarmup);
  const cpuBase = cpuTimeMs(baseline.process.pid);
  const serverBase = cpuTimeMs(server);
  const pgBase = postgresCpuMs();
  const baselineThreadsBefore = cpuByThread(baseline.process.pid);
  const baselinePerS = await noopRuns(w, 'measured', n);
  progress(
    `publish-throughput baseline: ${round(baselinePerS)} workflows/s; worker CPU ` +
      `${round((cpuTimeMs(baseline.process.pid) - cpuBase) / n, 2)} ms/workflow` +
      serverCpu(server, serverBase, n) +
      postgresCpu(pgBase, n),
  );
  progress(
    `baseline worker CPU by thread, ms/workflow: ${perPostByThread(baseline, baselineThreadsBefore, n)}`,
  );
  emit({
    bench: 'publish-throughput',
    posts: n,
    posts_per_s: round(postsPerS),
    baseline_per_s: round(baselinePerS),
    ratio: round(postsPerS / baselinePerS, 3),
  });
}
