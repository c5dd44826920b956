import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { type google, temporal } from '@temporalio/proto';
import { initOrm, type MikroORM, Organization, SocialAccount, User } from '@vibetribe/database';
import { startXEmulator, type XEmulator } from '@vibetribe/emulators';
import { createSecretBox } from '@vibetribe/runtime';
import { freePort } from '@vibetribe/testing';
import {
  organizationIdKey,
  postIdKey,
  postStatusKey,
  publishPostWorkflow,
  type PublishPostInput,
  publishWorkflowId,
  scheduledAtKey,
} from '@vibetribe/workflows';
import type { noopWorkflow, sleepThenStampWorkflow } from './baseline/workflows';
import { answers200, type ChildService, cpuByThread, cpuTimeMs, startChild } from './children';
import type { BenchConfig } from './config';
import { emit, mapLimit, progress, quantile, round, sleep } from './report';
import { deleteBenchData, insertPosts, type WrittenPost } from './seed';

/** Everything the two scheduling benchmarks share: one organization, its X accounts, the emulator. */
interface World {
  cfg: BenchConfig;
  runId: string;
  orm: MikroORM;
  client: Client;
  emulator: XEmulator;
  organizationId: string;
  userId: string;
  accountIds: string[];
  taskQueue: string;
  /** Workflow starts per second, as the lateness run measured them (the baseline's window uses it too). */
  startRate?: number;
}

/** A seeded post and what the benchmark expects of it. */
interface BenchPost extends WrittenPost {
  text: string;
  scheduledAt: Date | null;
}

/** Writes `count` scheduled posts round-robin over the accounts; `due(i)` is post i's time (null: now). */
async function seedPosts(
  w: World,
  label: string,
  count: number,
  due: (i: number) => Date | null,
): Promise<BenchPost[]> {
  const texts = Array.from({ length: count }, (_, i) => `Bench ${label} ${w.runId} #${i}`);
  const now = Date.now();
  const rows = texts.map((text, i) => ({
    organizationId: w.organizationId,
    authorId: w.userId,
    accountId: w.accountIds[i % w.accountIds.length]!,
    content: text,
    status: 'scheduled' as const,
    scheduledAt: due(i),
    createdAt: new Date(now + i),
  }));
  const written = await insertPosts(w.orm, rows);
  return written.map((ids, i) => ({ ...ids, text: texts[i]!, scheduledAt: rows[i]!.scheduledAt }));
}

/** Starts each post's workflow as the gateway's scheduler does (same id, conflict policy, search attributes). */
async function startWorkflows(w: World, posts: readonly BenchPost[]): Promise<void> {
  await mapLimit(posts, w.cfg.startConcurrency, async (post) => {
    const input: PublishPostInput = {
      postId: post.postId,
      organizationId: w.organizationId,
      scheduledAt: post.scheduledAt?.toISOString() ?? null,
      version: 1,
      targets: [{ targetId: post.targetId, platform: 'x' }],
    };
    await w.client.workflow.start(publishPostWorkflow, {
      taskQueue: w.taskQueue,
      workflowId: publishWorkflowId(post.postId),
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [input],
      typedSearchAttributes: [
        { key: postIdKey, value: post.postId },
        { key: organizationIdKey, value: w.organizationId },
        { key: postStatusKey, value: 'scheduled' },
        ...(post.scheduledAt ? [{ key: scheduledAtKey, value: post.scheduledAt }] : []),
      ],
    });
  });
}

/** Receipts (emulator `receivedAt`, ms) per post text, for the texts asked about. */
function receipts(emulator: XEmulator, texts: ReadonlySet<string>): Map<string, number[]> {
  const byText = new Map<string, number[]>();
  for (const p of emulator.posts()) {
    if (!texts.has(p.text)) continue;
    const list = byText.get(p.text);
    const at = Date.parse(p.receivedAt);
    if (list) list.push(at);
    else byText.set(p.text, [at]);
  }
  return byText;
}

/** Polls `probe` every `everyMs` until it is true or `deadline` (epoch ms) passes; false on timeout. */
async function until(probe: () => boolean | Promise<boolean>, deadline: number, everyMs = 100) {
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await sleep(everyMs);
  }
  return probe();
}

/** Waits until no seeded post of this run is still scheduled or publishing (their workflows are done with them). */
async function settled(w: World, posts: readonly BenchPost[], timeoutMs: number): Promise<void> {
  const ids = posts.map((p) => p.postId);
  const knex = w.orm.em.getKnex();
  let open = ids.length;
  await until(
    async () => {
      open = 0;
      for (let i = 0; i < ids.length; i += 1_000) {
        const rows = await knex('posts')
          .whereIn('id', ids.slice(i, i + 1_000))
          .whereIn('status', ['scheduled', 'publishing'])
          .count<{ count: string }[]>({ count: '*' });
        open += Number(rows[0]?.count ?? 0);
      }
      return open === 0;
    },
    Date.now() + timeoutMs,
    500,
  );
  if (open > 0) progress(`warning: ${open} posts still scheduled or publishing after ${timeoutMs} ms`);
}

/**
 * Workflow tasks waiting on the task queue itself (not a worker's sticky queue): after seeding, the
 * first tasks of started workflows that no worker has picked up yet. -1 when the server cannot say.
 */
async function workflowTaskBacklog(w: World): Promise<number> {
  const { TaskQueueKind, TaskQueueType } = temporal.api.enums.v1;
  try {
    const res = await w.client.workflowService.describeTaskQueue({
      namespace: w.client.options.namespace,
      taskQueue: { name: w.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      reportStats: true,
    });
    return Number(res.stats?.approximateBacklogCount ?? 0);
  } catch {
    return -1;
  }
}

/** Milliseconds in a protobuf Timestamp (since the epoch) or Duration. */
function protoMs(t: google.protobuf.ITimestamp | google.protobuf.IDuration): number {
  return Number(t.seconds ?? 0) * 1000 + Math.round((t.nanos ?? 0) / 1e6);
}

/** Milliseconds since the epoch of a history event's time. */
function eventMs(e: temporal.api.history.v1.IHistoryEvent): number {
  return e.eventTime ? protoMs(e.eventTime) : Number.NaN;
}

/**
 * Where the lateness of `sample` came from, read from their histories: the server firing the timer
 * late (timer fired − the time it was set for, which is `PUBLISH_LEAD_MS` before the post's), handing
 * the woken workflow task to the worker (task started − timer fired), the round waiting in the worker
 * for the post's time (held), and the round after that up to the emulator's receipt (receipt − the
 * later of task started and due).
 */
async function latenessParts(w: World, sample: { post: BenchPost; receivedAt: number }[]): Promise<string> {
  const { EventType } = temporal.api.enums.v1;
  const parts = {
    timer: [] as number[],
    dispatch: [] as number[],
    held: [] as number[],
    round: [] as number[],
  };
  await mapLimit(sample, 8, async ({ post, receivedAt }) => {
    const history = await w.client.workflow.getHandle(publishWorkflowId(post.postId)).fetchHistory();
    const events = history.events ?? [];
    // The last timer (a workflow woken early, as by a reschedule, sets another).
    const fired = events.findLastIndex((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED);
    const set = events.findLastIndex(
      (e, i) => i < fired && e.eventType === EventType.EVENT_TYPE_TIMER_STARTED,
    );
    const started = events.findIndex(
      (e, i) => i > fired && e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    );
    if (fired < 0 || set < 0 || started < 0) return;
    const timeout = events[set]!.timerStartedEventAttributes?.startToFireTimeout;
    const target = eventMs(events[set]!) + (timeout ? protoMs(timeout) : 0);
    const firedAt = eventMs(events[fired]!);
    const startedAt = eventMs(events[started]!);
    const due = post.scheduledAt!.getTime();
    parts.timer.push(firedAt - target);
    parts.dispatch.push(startedAt - firedAt);
    parts.held.push(Math.max(0, due - startedAt));
    parts.round.push(receivedAt - Math.max(startedAt, due));
  });
  const show = (ms: number[]) => `p50 ${quantile(ms, 0.5)} / max ${quantile(ms, 1)}`;
  return (
    `timer ${show(parts.timer)}, dispatch ${show(parts.dispatch)}, held ${show(parts.held)}, ` +
    `round after due ${show(parts.round)} ms`
  );
}

/** Reports the first workflow tasks still queued every 2 s after seeding, until none are or the window opens. */
async function watchFirstTasks(w: World, seeded: number, windowStart: number): Promise<void> {
  const seen: string[] = [];
  for (;;) {
    const backlog = await workflowTaskBacklog(w);
    const at = Date.now();
    seen.push(`+${Math.round((at - seeded) / 1000)}s ${backlog}`);
    const late = at >= windowStart && backlog > 0;
    if (backlog <= 0 || late) {
      progress(
        `${late ? 'warning: ' : ''}scheduling-lateness: first workflow tasks queued after seeding: ` +
          `${seen.join(', ')}${late ? ' as the window opened (raise BENCH_SCHEDULING_LEAD_S)' : ''}`,
      );
      return;
    }
    await sleep(Math.min(2_000, Math.max(0, windowStart - at)));
  }
}

/**
 * Starts `calibrationStarts` workflows due in an hour (they never fire during the run and are terminated
 * at the end) and returns the measured starts per second, so the window can open `schedulingLeadS`
 * after seeding ends.
 */
async function startRate(w: World): Promise<number> {
  const n = w.cfg.calibrationStarts;
  if (n === 0) return Number.POSITIVE_INFINITY;
  const inAnHour = new Date(Date.now() + 3_600_000);
  const posts = await seedPosts(w, 'calibration', n, () => inAnHour);
  const t0 = Date.now();
  await startWorkflows(w, posts);
  return (n * 1000) / Math.max(1, Date.now() - t0);
}

/**
 * scheduling-lateness: 2,000 posts due evenly over one 60 s window that opens `schedulingLeadS` after
 * seeding (rows and workflow starts) ends; lateness = the emulator's receipt time minus the post's
 * scheduled time.
 */
async function lateness(w: World, publisher: ChildService): Promise<void> {
  const { cfg } = w;
  const n = cfg.schedulingPosts;
  const windowMs = cfg.schedulingWindowS * 1000;
  const rate = await startRate(w);
  w.startRate = rate;
  const budgetMs = Math.round(((n * 1000) / rate) * cfg.startBudgetFactor);
  progress(`scheduling-lateness: ${round(rate)} workflow starts/s measured; ${budgetMs} ms allowed for ${n}`);
  const windowStart = Date.now() + budgetMs + cfg.schedulingLeadS * 1000;
  const due = (i: number) => new Date(windowStart + Math.floor((i * windowMs) / n));
  const posts = await seedPosts(w, 'scheduled', n, due);
  const startedAt = Date.now();
  await startWorkflows(w, posts);
  const seeded = Date.now();
  progress(
    `scheduling-lateness: ${n} workflows started in ${seeded - startedAt} ms; the window opens ` +
      `${round((windowStart - seeded) / 1000)} s after seeding ended and lasts ${cfg.schedulingWindowS} s`,
  );
  if (windowStart - seeded < cfg.schedulingLeadS * 500)
    progress('warning: starting took most of the lead; raise BENCH_START_BUDGET_FACTOR');

  // How fast the system works off the seeding: a queue left when the window opens is measured too.
  void watchFirstTasks(w, seeded, windowStart);
  const texts = new Set(posts.map((p) => p.text));
  const lastDue = windowStart + windowMs;
  const cpuBefore = cpuTimeMs(publisher.process.pid);
  let logged = Date.now();
  await until(
    () => {
      const count = receipts(w.emulator, texts).size;
      if (Date.now() - logged >= 30_000) {
        logged = Date.now();
        progress(`scheduling-lateness: ${count} of ${n} received`);
      }
      return count >= n;
    },
    lastDue + cfg.schedulingDeadlineS * 1000,
    1_000,
  );
  const cpuMs = cpuTimeMs(publisher.process.pid) - cpuBefore;
  // Once a post's row has left `publishing` nothing publishes it again: a duplicate would be in by then.
  await settled(w, posts, 30_000);

  const got = receipts(w.emulator, texts);
  const late: number[] = [];
  const arrivals: { post: BenchPost; receivedAt: number; late: number }[] = [];
  const bySlice = new Map<number, number[]>();
  let lost = 0;
  let duplicated = 0;
  for (const post of posts) {
    const times = got.get(post.text);
    if (!times?.length) {
      lost++;
      continue;
    }
    duplicated += times.length - 1;
    const receivedAt = Math.min(...times);
    const ms = receivedAt - post.scheduledAt!.getTime();
    late.push(ms);
    arrivals.push({ post, receivedAt, late: ms });
    const slice = Math.floor((post.scheduledAt!.getTime() - windowStart) / 5_000);
    const inSlice = bySlice.get(slice);
    if (inSlice) inSlice.push(ms);
    else bySlice.set(slice, [ms]);
  }
  // Where in the window the late ones were: a stall shows as a few slices, a slow system as all of them.
  progress(
    `scheduling-lateness: max lateness (ms) per 5 s of due time: ` +
      [...bySlice.entries()].map(([slice, ms]) => `${slice * 5}s ${quantile(ms, 1)}`).join(', '),
  );
  const latest = [...arrivals].sort((a, b) => b.late - a.late).slice(0, 40);
  const everyFiftieth = arrivals.filter((_, i) => i % 50 === 0);
  progress(`scheduling-lateness: the 40 latest: ${await latenessParts(w, latest)}`);
  progress(`scheduling-lateness: every 50th: ${await latenessParts(w, everyFiftieth)}`);
  if (lost > 0)
    progress(
      `scheduling-lateness: ${lost} posts not received within ${cfg.schedulingDeadlineS} s of the last due ` +
        `time (see the warning above for how many were still in flight)`,
    );
  progress(
    `scheduling-lateness: worker CPU ${round(cpuMs / n, 2)} ms/post, load average ` +
      `${loadavg()[0]!.toFixed(1)}, lateness min ${quantile(late, 0)} ms, p90 ${quantile(late, 0.9)} ms`,
  );
  emit({
    bench: 'scheduling-lateness',
    posts: n,
    p50_ms: quantile(late, 0.5),
    p99_ms: quantile(late, 0.99),
    max_ms: quantile(late, 1),
    lost,
    duplicated,
  });
}

/** Publishes `count` posts due now through the real worker; resolves with posts/s from first start to last receipt. */
async function publishNow(w: World, label: string, count: number): Promise<number> {
  const posts = await seedPosts(w, label, count, () => null);
  const texts = new Set(posts.map((p) => p.text));
  const t0 = Date.now();
  await startWorkflows(w, posts);
  const done = await until(
    () => receipts(w.emulator, texts).size >= count,
    t0 + w.cfg.throughputTimeoutS * 1000,
    20,
  );
  const got = receipts(w.emulator, texts);
  const last = Math.max(...[...got.values()].flat());
  if (!done) progress(`warning: ${label}: only ${got.size} of ${count} posts arrived in time`);
  await settled(w, posts, 60_000);
  return (got.size * 1000) / Math.max(1, last - t0);
}

/** Runs `count` no-op workflows on the baseline worker; resolves with workflows/s from first start to last completion. */
async function noopRuns(w: World, taskQueue: string, label: string, count: number): Promise<number> {
  const results: Promise<void>[] = [];
  const t0 = Date.now();
  await mapLimit(
    Array.from({ length: count }, (_, i) => i),
    w.cfg.startConcurrency,
    async (i) => {
      const handle = await w.client.workflow.start<typeof noopWorkflow>('noopWorkflow', {
        taskQueue,
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

/**
 * scheduling-lateness-baseline: the lateness scenario with the bare minimum of a post workflow (a durable
 * timer, then one no-op activity) on the same server and a worker with the same slots, so the product's
 * lateness can be read against what this server and machine give with no work of ours at all.
 */
async function baselineLateness(w: World, taskQueue: string): Promise<void> {
  const { cfg } = w;
  const n = cfg.schedulingPosts;
  const windowMs = cfg.schedulingWindowS * 1000;
  const rate = w.startRate ?? (await startRate(w));
  const budgetMs = Math.round(((n * 1000) / rate) * cfg.startBudgetFactor);
  const windowStart = Date.now() + budgetMs + cfg.schedulingLeadS * 1000;
  const due = Array.from({ length: n }, (_, i) => windowStart + Math.floor((i * windowMs) / n));
  const handles = await mapLimit(due, cfg.startConcurrency, (dueAt, i) =>
    w.client.workflow.start<typeof sleepThenStampWorkflow>('sleepThenStampWorkflow', {
      taskQueue,
      workflowId: `bench-sleep-${w.runId}-${i}`,
      args: [dueAt],
    }),
  );
  progress(
    `scheduling-lateness-baseline: ${n} timer workflows started; the window opens in ${round((windowStart - Date.now()) / 1000)} s`,
  );
  const late: number[] = [];
  let lost = 0;
  const deadline = windowStart + windowMs + cfg.schedulingDeadlineS * 1000;
  for (const [i, handle] of handles.entries()) {
    const ran = await Promise.race([
      handle.result(),
      sleep(Math.max(0, deadline - Date.now())).then(() => null),
    ]);
    if (ran === null) lost++;
    else late.push(ran - due[i]!);
  }
  emit({
    bench: 'scheduling-lateness-baseline',
    posts: n,
    p50_ms: quantile(late, 0.5),
    p99_ms: quantile(late, 0.99),
    max_ms: quantile(late, 1),
    lost,
  });
}

/** publish-throughput: N posts due at once through the real worker vs N no-op workflows on a bare worker. */
async function throughput(w: World, publisher: ChildService): Promise<void> {
  const { cfg } = w;
  const n = cfg.throughputPosts;
  if (cfg.throughputWarmup > 0) await publishNow(w, 'warmup', cfg.throughputWarmup);
  const cpuBefore = cpuTimeMs(publisher.process.pid);
  const postsPerS = await publishNow(w, 'now', n);
  const cpuMs = cpuTimeMs(publisher.process.pid) - cpuBefore;
  progress(
    `publish-throughput: ${round(postsPerS)} posts/s; worker CPU ${round(cpuMs / n, 2)} ms/post, ` +
      `load average ${loadavg()[0]!.toFixed(1)}`,
  );
  const threads = cpuByThread(publisher.process.pid).slice(0, 6);
  progress(
    `publishing worker CPU by thread since start (ms): ${threads.map(([t, ms]) => `${t} ${ms}`).join(', ')}`,
  );
  await publisher.stop();

  const taskQueue = `bench-baseline-${w.runId}`;
  const baseline = await startChild({
    name: 'baseline worker',
    script: require.resolve('./baseline/worker'),
    env: {
      BENCH_TASK_QUEUE: taskQueue,
      WORKER_MAX_CONCURRENT_ACTIVITIES: String(cfg.workerActivities),
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: String(cfg.workerWorkflowTasks),
    },
    stdout: 'stderr',
    ipc: true,
  });
  try {
    if (cfg.throughputWarmup > 0) await noopRuns(w, taskQueue, 'warmup', cfg.throughputWarmup);
    const cpuBase = cpuTimeMs(baseline.process.pid);
    const baselinePerS = await noopRuns(w, taskQueue, 'measured', n);
    progress(
      `publish-throughput baseline: ${round(baselinePerS)} workflows/s; worker CPU ` +
        `${round((cpuTimeMs(baseline.process.pid) - cpuBase) / n, 2)} ms/workflow`,
    );
    emit({
      bench: 'publish-throughput',
      posts: n,
      posts_per_s: round(postsPerS),
      baseline_per_s: round(baselinePerS),
      ratio: round(postsPerS / baselinePerS, 3),
    });
    if (cfg.schedulingBaseline) await baselineLateness(w, taskQueue);
  } finally {
    await baseline.stop();
  }
}

/** Terminates whatever this run left running on its task queues (a failed post waits days for a retry). */
async function terminateLeftovers(client: Client, taskQueues: string[]): Promise<void> {
  for (const queue of taskQueues) {
    const ids: string[] = [];
    for await (const wf of client.workflow.list({
      query: `TaskQueue = '${queue}' AND ExecutionStatus = 'Running'`,
    })) {
      ids.push(wf.workflowId);
    }
    const done = await mapLimit(ids, 16, (id) =>
      client.workflow
        .getHandle(id)
        .terminate('benchmark finished')
        .then(
          () => true,
          () => false, // it completed meanwhile (the visibility store lags a little)
        ),
    );
    const terminated = done.filter(Boolean).length;
    if (terminated) progress(`terminated ${terminated} workflows left running on ${queue}`);
  }
}

/**
 * Deletes every workflow this run started (histories and visibility rows; a running one is terminated
 * first): the dev server keeps closed histories for the namespace's retention, and a run leaves ~5,000.
 * In one SQLite file they add up (lateness p99 2.6 s on a 2.4 GB file, 0.52 s after wiping it).
 */
async function deleteWorkflows(client: Client, taskQueues: string[]): Promise<void> {
  for (const queue of taskQueues) {
    const runs: { workflowId: string; runId: string }[] = [];
    for await (const wf of client.workflow.list({ query: `TaskQueue = '${queue}'` })) {
      runs.push({ workflowId: wf.workflowId, runId: wf.runId });
    }
    const done = await mapLimit(runs, 8, (execution) =>
      client.workflowService
        .deleteWorkflowExecution({ namespace: client.options.namespace, workflowExecution: execution })
        .then(
          () => true,
          () => false,
        ),
    );
    progress(`deleted ${done.filter(Boolean).length} of ${runs.length} workflows of ${queue}`);
  }
}

/**
 * `scheduling`: the real publishing worker (`services/worker/dist/main.js`, its own process, unique task
 * queue, real activities against Postgres and NATS) publishing to an in-process X emulator. Prints
 * `scheduling-lateness`, then `publish-throughput` against a no-op workflow baseline.
 */
export async function schedulingBench(cfg: BenchConfig): Promise<void> {
  const runId = randomUUID().slice(0, 8);
  const taskQueue = `bench-publish-${runId}`;
  const secrets = createSecretBox(process.env.ENCRYPTION_KEY ?? '');
  // X allows 100 posts per account per 15 minutes; the benchmark measures the scheduler, not that limit.
  const emulator = await startXEmulator({ postLimit: 1_000_000_000 });
  const orm = await initOrm(process.env.DATABASE_URL ?? '');
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  const created = { organizationIds: [] as string[], userIds: [] as string[] };
  let publisher: ChildService | undefined;
  try {
    const em = orm.em.fork();
    const org = new Organization(`Bench ${runId}`, `bench-${runId}`);
    const user = new User(`bench-${runId}@example.test`, 'Bench', 'not-a-real-hash');
    const accounts = Array.from({ length: cfg.schedulingAccounts }, (_, i) => {
      const xUserId = `${Date.now()}${i}`;
      const token = `bench-${runId}-${i}`;
      emulator.addAccount({ userId: xUserId, username: `bench_${runId}_${i}`, accessToken: token });
      return new SocialAccount(org, 'x', xUserId, `@bench_${i}`, secrets.encrypt(token));
    });
    em.persist([org, user, ...accounts]);
    await em.flush();
    created.organizationIds.push(org.id);
    created.userIds.push(user.id);

    const workerPort = await freePort();
    progress(
      `scheduling: publishing worker on ${taskQueue}: ${cfg.workerActivities} activity slots, ` +
        `${cfg.workerWorkflowTasks} workflow-task slots, ${cfg.workerLocalActivities} local-activity slots, ` +
        `database pool ${cfg.workerDatabasePool || 'by the slots'}`,
    );
    publisher = await startChild({
      name: 'publishing worker',
      script: require.resolve('@vibetribe/worker/dist/main.js'),
      env: {
        WORKER_PORT: String(workerPort),
        TEMPORAL_TASK_QUEUE: taskQueue,
        X_API_BASE_URL: emulator.url,
        WORKER_MAX_CONCURRENT_ACTIVITIES: String(cfg.workerActivities),
        WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: String(cfg.workerWorkflowTasks),
        WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: String(cfg.workerLocalActivities),
        ...(cfg.workerDatabasePool > 0 ? { DATABASE_POOL_MAX: String(cfg.workerDatabasePool) } : {}),
        LOG_LEVEL: 'warn',
      },
      stdout: 'stderr',
      execArgv: cfg.serviceNodeArgs,
      readyWhen: () => answers200(`http://127.0.0.1:${workerPort}/readyz`),
    });

    const w: World = {
      cfg,
      runId,
      orm,
      client,
      emulator,
      organizationId: org.id,
      userId: user.id,
      accountIds: accounts.map((a) => a.id),
      taskQueue,
    };
    await lateness(w, publisher);
    // Whatever is still in flight (and the calibration timers) must not compete with the next measurement.
    await terminateLeftovers(client, [taskQueue]);
    await throughput(w, publisher);
  } finally {
    await publisher?.stop();
    const queues = [taskQueue, `bench-baseline-${runId}`];
    // Deleting a running workflow terminates it first, so only kept workflows need terminating.
    const cleanup = cfg.keepData ? terminateLeftovers(client, queues) : deleteWorkflows(client, queues);
    await cleanup.catch((err: unknown) => progress(`could not clean up the run's workflows: ${String(err)}`));
    if (!cfg.keepData)
      await deleteBenchData(orm, created).catch((err: unknown) => progress(`cleanup: ${String(err)}`));
    await connection.close();
    await emulator.close();
    await orm.close();
  }
}
