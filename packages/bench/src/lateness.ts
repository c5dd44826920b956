/**
 * The fixed-window lateness benchmarks: `scheduling-lateness` (2,000 posts due over 60 s through the
 * real worker) and `scheduling-lateness-baseline` (the same window on the bare Temporal baseline).
 */
import { loadavg } from 'node:os';
import { type google, temporal } from '@temporalio/proto';
import { publishWorkflowId } from '@vibetribe/workflows';
import { type ChildService, cpuTimeMs } from './children';
import { emit, mapLimit, progress, quantile, round, sleep, until } from './report';
import { workflowTaskBacklog } from './temporal';
import { describe, evenlyDue, runWave, type Scheduler } from './waves';
import {
  type BenchPost,
  calibrateStartRate,
  emulatorReceipts,
  seedPosts,
  settled,
  startWorkflows,
  type World,
} from './world';

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
 * late (timer fired − the time it was set for), handing the woken workflow task to the worker (task
 * started − timer fired), the publish activity reaching a worker (activity started − task started),
 * and the activity up to the emulator's receipt (receipt − activity started).
 */
async function latenessParts(w: World, sample: { post: BenchPost; receivedAt: number }[]): Promise<string> {
  const { EventType } = temporal.api.enums.v1;
  const parts = {
    timer: [] as number[],
    dispatch: [] as number[],
    activity: [] as number[],
    call: [] as number[],
  };
  await mapLimit(sample, 8, async ({ post, receivedAt }) => {
    const history = await w.client.workflow.getHandle(publishWorkflowId(post.postId)).fetchHistory();
    const events = history.events ?? [];
    // The last timer (a workflow woken early, as by a reschedule, sets another).
    const fired = events.findLastIndex((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED);
    const set = events.findLastIndex(
      (e, i) => i < fired && e.eventType === EventType.EVENT_TYPE_TIMER_STARTED,
    );
    const after = (type: temporal.api.enums.v1.EventType) =>
      events.findIndex((e, i) => i > fired && e.eventType === type);
    const started = after(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    const activity = after(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
    if (fired < 0 || set < 0 || started < 0 || activity < 0) return;
    const timeout = events[set]!.timerStartedEventAttributes?.startToFireTimeout;
    const target = eventMs(events[set]!) + (timeout ? protoMs(timeout) : 0);
    const firedAt = eventMs(events[fired]!);
    const startedAt = eventMs(events[started]!);
    const activityAt = eventMs(events[activity]!);
    parts.timer.push(firedAt - target);
    parts.dispatch.push(startedAt - firedAt);
    parts.activity.push(activityAt - startedAt);
    parts.call.push(receivedAt - activityAt);
  });
  const show = (ms: number[]) => `p50 ${quantile(ms, 0.5)} / max ${quantile(ms, 1)}`;
  return (
    `timer ${show(parts.timer)}, dispatch ${show(parts.dispatch)}, ` +
    `activity start ${show(parts.activity)}, activity to receipt ${show(parts.call)} ms`
  );
}

/** Reports the first workflow tasks still queued every 2 s after seeding, until none are or the window opens. */
async function watchFirstTasks(w: World, seeded: number, windowStart: number): Promise<void> {
  const seen: string[] = [];
  for (;;) {
    const backlog = await workflowTaskBacklog(w.client, w.taskQueue);
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
 * scheduling-lateness: 2,000 posts due evenly over one 60 s window that opens `schedulingLeadS` after
 * seeding (rows and workflow starts) ends; lateness = the emulator's receipt time minus the post's
 * scheduled time. Stderr breaks the latest posts' lateness down from their histories.
 */
export async function latenessBench(w: World, publisher: ChildService): Promise<void> {
  const { cfg } = w;
  const n = cfg.schedulingPosts;
  const windowMs = cfg.schedulingWindowS * 1000;
  // Measured now: what the runs before left behind may have slowed starting down.
  const rate = await calibrateStartRate(w);
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
      const count = emulatorReceipts(w.emulator, texts).size;
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

  const got = emulatorReceipts(w.emulator, texts);
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

/**
 * scheduling-lateness-baseline: the lateness window with the bare minimum of a post workflow (a durable
 * timer, then one no-op activity) on the same server and a worker with the same slots, so the product's
 * lateness can be read against what this server and machine give with no work of ours at all.
 */
export async function baselineLatenessBench(w: World, baseline: Scheduler): Promise<void> {
  const { cfg } = w;
  const n = cfg.schedulingPosts;
  const budgetMs = ((n * 1000) / (await calibrateStartRate(w))) * cfg.startBudgetFactor;
  const due = evenlyDue(n, Date.now() + budgetMs + cfg.schedulingLeadS * 1000, cfg.schedulingWindowS * 1000);
  const deadline = due[n - 1]! + cfg.schedulingDeadlineS * 1000;
  const wave = await runWave(baseline, 'lateness', due, { deadline });
  progress(`scheduling-lateness-baseline: ${describe(wave)}`);
  emit({
    bench: 'scheduling-lateness-baseline',
    posts: n,
    p50_ms: quantile(wave.late, 0.5),
    p99_ms: quantile(wave.late, 0.99),
    max_ms: quantile(wave.late, 1),
    lost: wave.lost,
  });
}
