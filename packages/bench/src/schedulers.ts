/**
 * The three schedulers the scheduling benchmarks compare, each doing a post at its due time in a
 * process of its own: the product (publish workflows on the real worker, publishing to the emulator),
 * the bare Temporal baseline (a timer, then one no-op activity), and Bull delayed jobs running the same
 * no-op work.
 */
import Queue from 'bull';
import type { sleepThenStampWorkflow } from './baseline/workflows';
import { type ChildService, collectStamps, cpuTimeMs, pick, startChild } from './children';
import { mapLimit } from './report';
import { onTaskQueue, terminateRunning, workflowTaskBacklog } from './temporal';
import type { Scheduler } from './waves';
import { emulatorReceipts, seedPosts, startWorkflows, type World } from './world';

/** Keeps `w.startRate` at the last wave's own start rate, once the wave is big enough to say. */
function noteStartRate(w: World, posts: number, ms: number): void {
  if (posts >= 100) w.startRate = (posts * 1000) / Math.max(1, ms);
}

/** The product: rows in Postgres, publish workflows started as the gateway does, receipts at the emulator. */
export function productScheduler(w: World, publishers: ChildService[]): Scheduler {
  return {
    name: 'product',
    queuesFirstTasks: true,
    async schedule(label, due) {
      const t0 = Date.now();
      const posts = await seedPosts(w, label, due.length, (i) => new Date(due[i]!));
      await startWorkflows(w, posts);
      noteStartRate(w, posts.length, Date.now() - t0);
      return posts.map((p) => p.text);
    },
    receipts: (keys) => emulatorReceipts(w.emulator, keys),
    cpuMs: () => publishers.reduce((sum, p) => sum + cpuTimeMs(p.process.pid), 0),
    backlog: () => workflowTaskBacklog(w.client, w.taskQueue),
    cancelPending: () => terminateRunning(w.client, onTaskQueue(w.taskQueue)).then(() => undefined),
  };
}

/** Starts the baseline worker (no-op and timer workflows) in its own process on `w.baselineQueue`. */
export function startBaselineWorker(w: World): Promise<ChildService> {
  return startChild({
    name: 'baseline worker',
    script: require.resolve('./baseline/worker'),
    env: {
      BENCH_TASK_QUEUE: w.baselineQueue,
      WORKER_MAX_CONCURRENT_ACTIVITIES: String(w.cfg.workerActivities),
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: String(w.cfg.workerWorkflowTasks),
    },
    stdout: 'stderr',
    ipc: true,
  });
}

/** The bare Temporal baseline: one `sleepThenStampWorkflow` per post, stamped by its activity over IPC. */
export function baselineScheduler(w: World, worker: ChildService): Scheduler {
  const stamps = collectStamps(worker);
  return {
    name: 'baseline',
    queuesFirstTasks: true,
    async schedule(label, due) {
      const t0 = Date.now();
      const ids = due.map((_, i) => `bench-sleep-${w.runId}-${label}-${i}`);
      await mapLimit(due, w.cfg.startConcurrency, (dueAt, i) =>
        w.client.workflow.start<typeof sleepThenStampWorkflow>('sleepThenStampWorkflow', {
          taskQueue: w.baselineQueue,
          workflowId: ids[i]!,
          args: [dueAt],
        }),
      );
      noteStartRate(w, ids.length, Date.now() - t0);
      return ids;
    },
    receipts: (keys) => pick(stamps, keys),
    cpuMs: () => cpuTimeMs(worker.process.pid),
    backlog: () => workflowTaskBacklog(w.client, w.baselineQueue),
    cancelPending: () => terminateRunning(w.client, onTaskQueue(w.baselineQueue)).then(() => undefined),
  };
}

/** Bull delayed jobs on the run's own queue, processed by `baseline/bull-worker` in its own process. */
export interface BullBaseline {
  scheduler: Scheduler;
  /** Stops the worker; removes the queue's keys from Redis unless the run keeps its data. */
  close(): Promise<void>;
}

/** Starts the Bull worker and a producer queue on REDIS_URL, under a queue name of this run. */
export async function startBull(w: World): Promise<BullBaseline> {
  const name = `bench-bull-${w.runId}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const worker = await startChild({
    name: 'bull worker',
    script: require.resolve('./baseline/bull-worker'),
    env: {
      BENCH_BULL_QUEUE: name,
      BENCH_BULL_CONCURRENCY: String(w.cfg.workerActivities),
      REDIS_URL: redisUrl,
    },
    stdout: 'stderr',
    ipc: true,
  });
  const stamps = collectStamps(worker);
  const queue = new Queue<{ key: string }>(name, redisUrl);
  const scheduler: Scheduler = {
    name: 'bull',
    queuesFirstTasks: false,
    async schedule(label, due) {
      const keys = due.map((_, i) => `${label}-${i}`);
      // One add per post, as a request handler would, with as many in flight as workflow starts.
      await mapLimit(due, w.cfg.startConcurrency, (dueAt, i) =>
        queue.add(
          { key: keys[i]! },
          { jobId: keys[i]!, delay: Math.max(0, dueAt - Date.now()), removeOnComplete: true },
        ),
      );
      return keys;
    },
    receipts: (keys) => pick(stamps, keys),
    cpuMs: () => cpuTimeMs(worker.process.pid),
    backlog: () => Promise.resolve(-1),
    async cancelPending() {
      await queue.empty();
      await queue.clean(0, 'delayed');
    },
  };
  return {
    scheduler,
    async close() {
      await worker.stop();
      if (!w.cfg.keepData) await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}
