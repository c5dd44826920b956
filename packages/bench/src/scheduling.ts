/**
 * `scheduling`: the real publishing worker (`services/worker/dist/main.js`, its own process, its own
 * task queue, real activities against Postgres and NATS) publishing to an in-process X emulator,
 * against a bare Temporal worker (timer, one no-op activity) and Bull delayed jobs on the same Redis.
 */
import { capacityBench, burstBench, halfCapacityBench, searchCapacity } from './capacity';
import type { ChildService } from './children';
import type { BenchConfig } from './config';
import { baselineLatenessBench, latenessBench } from './lateness';
import { pgSnapshot, watchedDatabases } from './pg-stats';
import { progress, round } from './report';
import {
  baselineScheduler,
  type BullBaseline,
  productScheduler,
  startBaselineWorker,
  startBull,
} from './schedulers';
import { throughputBench } from './throughput';
import { reportRunningWorkflows } from './temporal';
import { calibrateStartRate, closeWorld, openWorld, startPublishers } from './world';

/** The results `scheduling` runs, in this order. */
export const SCHEDULING_RESULTS = [
  'scheduling-capacity',
  'scheduling-half-capacity',
  'scheduling-lateness',
  'scheduling-burst',
] as const;

/** Results of the `scheduling` group that run only when named (the ones above cover what they measured). */
export const SCHEDULING_BY_NAME = ['scheduling-lateness-baseline', 'publish-throughput'] as const;

/** Runs the asked results of the scheduling group (names from the two lists above), then cleans up. */
export async function schedulingBench(cfg: BenchConfig, asked: ReadonlySet<string>): Promise<void> {
  const w = await openWorld(cfg);
  await reportRunningWorkflows(w.client);
  const children: ChildService[] = [];
  let bull: BullBaseline | undefined;
  try {
    // The first worker also serves the lateness and throughput runs; capacity counts every worker's CPU.
    const publishers = await startPublishers(w);
    children.push(...publishers);
    const publisher = publishers[0]!;
    const baselineWorker = await startBaselineWorker(w);
    children.push(baselineWorker);
    const product = productScheduler(w, publishers);
    const baseline = baselineScheduler(w, baselineWorker);
    const startRate = () => w.startRate;
    const databases = watchedDatabases(cfg.temporalMode);
    const pgProbe = { snapshot: () => pgSnapshot(w.orm, databases) };
    progress(`scheduling: ${round(await calibrateStartRate(w))} workflow starts/s measured`);

    let baselineCapacity: number | undefined;
    if (asked.has('scheduling-capacity'))
      baselineCapacity = (await capacityBench(cfg, product, baseline, startRate, pgProbe)).baseline.rate;
    if (asked.has('scheduling-half-capacity')) {
      // Named without scheduling-capacity and no rate given: the baseline's capacity is searched first.
      const baselineRate = () =>
        searchCapacity(cfg, baseline, startRate, {
          start: cfg.capacityStartRate,
          growth: cfg.capacityGrowth,
        });
      const rate = cfg.halfCapacityRate || (baselineCapacity ?? (await baselineRate()).rate) / 2;
      await halfCapacityBench(cfg, product, baseline, startRate, rate);
    }
    if (asked.has('scheduling-lateness')) await latenessBench(w, publisher);
    if (asked.has('scheduling-burst')) {
      bull = await startBull(w);
      await burstBench(cfg, product, baseline, bull.scheduler, startRate);
    }
    if (asked.has('scheduling-lateness-baseline')) await baselineLatenessBench(w, baseline);
    if (asked.has('publish-throughput')) await throughputBench(w, publisher, baselineWorker);
  } finally {
    await bull?.close().catch((err: unknown) => progress(`could not clean up Bull: ${String(err)}`));
    for (const child of children.reverse()) await child.stop();
    await closeWorld(w);
  }
}
