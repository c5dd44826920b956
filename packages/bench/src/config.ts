/** The benchmarks' knobs: every one has a default sized for a 2-core machine and a BENCH_* override. */

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, not ${raw}`);
  return n;
};

/** Read once at start-up. */
export const config = {
  /** `api`: seconds per autocannon run, connections, and the posts the listed organization holds. */
  apiDurationS: num('BENCH_API_DURATION_S', 10),
  apiConnections: num('BENCH_API_CONNECTIONS', 100),
  apiWarmupS: num('BENCH_API_WARMUP_S', 2),
  apiSeedPosts: num('BENCH_API_POSTS', 10_000),
  /** `media-upload`: rounds of bare copy then uploads; the median time of each phase counts. */
  mediaRounds: Math.max(1, Math.round(num('BENCH_MEDIA_ROUNDS', 5))),
  /**
   * `api-create-post` creates scheduled posts (due in a day), so each create starts a workflow as it
   * would in use; 0 creates drafts, which never touch Temporal.
   */
  apiCreateScheduled: num('BENCH_API_CREATE_SCHEDULED', 1) > 0,
  /** The gateway logs every request at `info` in production: keep that cost in the measurement. */
  gatewayLogLevel: process.env.BENCH_GATEWAY_LOG_LEVEL ?? 'info',
  /** Node flags for the gateway and worker processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
  serviceNodeArgs: (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean),

  /** `scheduling`: posts due in one window, how long the window is, and how many accounts share them. */
  schedulingPosts: num('BENCH_SCHEDULING_POSTS', 2_000),
  schedulingWindowS: num('BENCH_SCHEDULING_WINDOW_S', 60),
  schedulingAccounts: num('BENCH_SCHEDULING_ACCOUNTS', 20),
  /**
   * Seconds between the end of seeding (rows written, workflows started) and the first due post. The
   * 2,000 starts queue their first workflow tasks faster than the dev server hands them out: on this
   * 2-core machine it worked them off at 60–80 per second, ~30 s after the last start, so a shorter
   * lead measures the seeding burst too. The lateness run reports that queue until it is empty.
   */
  schedulingLeadS: num('BENCH_SCHEDULING_LEAD_S', 45),
  /**
   * The window's start must leave room for starting every workflow: the start rate is measured first on
   * a few calibration workflows, and this factor covers the slowdown once the started ones run too.
   */
  startBudgetFactor: num('BENCH_START_BUDGET_FACTOR', 1.25),
  calibrationStarts: num('BENCH_CALIBRATION_STARTS', 50),
  /** After the last due time: how long posts may still arrive before those missing count as lost. */
  schedulingDeadlineS: num('BENCH_SCHEDULING_DEADLINE_S', 420),
  /** `publish-throughput`: posts due at once, for the product and for the bare baseline. */
  throughputPosts: num('BENCH_THROUGHPUT_POSTS', 500),
  /** Posts (and no-op workflows) run before measuring, so neither side is measured cold. */
  throughputWarmup: num('BENCH_THROUGHPUT_WARMUP', 20),
  throughputTimeoutS: num('BENCH_THROUGHPUT_TIMEOUT_S', 300),
  /** Workflow starts in flight at once (the gateway starts one per request, many requests at a time). */
  startConcurrency: num('BENCH_START_CONCURRENCY', 32),

  /**
   * `scheduling-capacity`: the highest due rate (posts/s) whose step keeps lateness p99 under
   * `capacityP99Ms` with none lost or duplicated. Each step's posts fall due evenly over `capacityStepS`.
   * The bare baseline is searched first, from `capacityStartRate`, growing by `capacityGrowth` until a
   * step fails; the product then starts at the baseline's capacity and grows by `capacityRefineGrowth`.
   * Both bisect until the first failing rate is within 2 × `capacityPrecision` of the last passing one,
   * or `capacityMaxSteps` steps have run.
   */
  capacityStepS: num('BENCH_CAPACITY_STEP_S', 30),
  capacityP99Ms: num('BENCH_CAPACITY_P99_MS', 1_000),
  capacityStartRate: num('BENCH_CAPACITY_START_RATE', 16),
  capacityGrowth: num('BENCH_CAPACITY_GROWTH', 2),
  capacityRefineGrowth: num('BENCH_CAPACITY_REFINE_GROWTH', 1.25),
  capacityPrecision: num('BENCH_CAPACITY_PRECISION', 0.05),
  capacityMaxSteps: num('BENCH_CAPACITY_MAX_STEPS', 7),
  capacityMinRate: num('BENCH_CAPACITY_MIN_RATE', 1),
  capacityMaxRate: num('BENCH_CAPACITY_MAX_RATE', 1_000),
  /** A step's posts not received this long after its last due time count as lost. */
  capacityGraceS: num('BENCH_CAPACITY_GRACE_S', 30),
  /**
   * The lead before a step's first due time, past starting its workflows: `stepLeadS` plus one second
   * per `firstTasksPerS` posts, for the worker to take the started workflows' first tasks (it worked
   * them off at 55–80 a second on this machine).
   */
  stepLeadS: num('BENCH_STEP_LEAD_S', 5),
  firstTasksPerS: num('BENCH_FIRST_TASKS_PER_S', 50),
  /** `scheduling-half-capacity`: the due rate (0: half the baseline's measured capacity). */
  halfCapacityRate: num('BENCH_HALF_CAPACITY_RATE', 0),
  /** `scheduling-burst`: posts due in the same second, and how long after it they may take. */
  burstPosts: num('BENCH_BURST_POSTS', 1_000),
  burstTimeoutS: num('BENCH_BURST_TIMEOUT_S', 180),

  /**
   * Worker slots: the service's defaults; both workers (product and baseline) get the same. A round's
   * local activities run while its workflow task is open, so workflow-task slots bound the rounds in
   * flight.
   */
  workerActivities: num('BENCH_WORKER_MAX_CONCURRENT_ACTIVITIES', 20),
  workerWorkflowTasks: num('BENCH_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', 40),
  workerLocalActivities: num('BENCH_WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES', 20),
  /**
   * Publishing worker processes on the product's task queue (`npm run bench -- --workers N`): capacity with
   * one and with two; the worker CPU per post sums them.
   */
  workers: Math.max(1, Math.round(num('BENCH_WORKERS', 1))),
  /** Which Temporal the run measures: `dev` (the dev server) or `cluster` (`npm run bench -- --cluster`). */
  temporalMode: process.env.BENCH_TEMPORAL_MODE ?? 'dev',
  /** The local dev server's pid, from the stack's pid file (`bench.sh`); 0 when none runs here. */
  temporalPid: num('BENCH_TEMPORAL_PID', 0),
  /** 0: the worker's default, sized for its slots (a publish holds two connections at once). */
  workerDatabasePool: num('BENCH_WORKER_DATABASE_POOL_MAX', 0),

  /** `queue-stats`: publishing workflows seeded into visibility, and the requests measured. */
  queueStatsWorkflows: num('BENCH_QUEUE_STATS_WORKFLOWS', 10_000),
  queueStatsRequests: num('BENCH_QUEUE_STATS_REQUESTS', 200),

  /**
   * `realtime` (`realtime-fanout`): `realtimeClients` sockets, `realtimeOrgs` organizations with an equal
   * share each, over two nodes, driven from `realtimeClientProcesses` child processes. The search tries
   * delivery rates (deliveries/s = events/s × sockets per organization) from `realtimeStartRate`, each
   * step publishing for `realtimeStepS`; a step passes with delivery p99 under `realtimeP99Ms` and none
   * lost `realtimeGraceS` after its last publish. `realtimeAimRate` (0: 10 events/s per organization, the
   * issue's 20,000 deliveries/s at 2,000 clients) is measured once more on the relay after its search.
   */
  realtimeClients: num('BENCH_REALTIME_CLIENTS', 2_000),
  realtimeOrgs: num('BENCH_REALTIME_ORGS', 20),
  realtimeClientProcesses: Math.max(1, Math.round(num('BENCH_REALTIME_CLIENT_PROCESSES', 2))),
  realtimeStepS: num('BENCH_REALTIME_STEP_S', 10),
  realtimeStartRate: num('BENCH_REALTIME_START_RATE', 5_000),
  /** Searches per system, in ABBA order (relay, bare, bare, relay, …); each rate is their mean. */
  realtimeRounds: Math.max(1, Math.round(num('BENCH_REALTIME_ROUNDS', 2))),
  realtimeMaxSteps: num('BENCH_REALTIME_MAX_STEPS', 8),
  realtimeP99Ms: num('BENCH_REALTIME_P99_MS', 100),
  realtimeGraceS: num('BENCH_REALTIME_GRACE_S', 5),
  realtimeAimRate: num('BENCH_REALTIME_AIM_RATE', 0),
  /** Sockets connecting at once, per client process. */
  realtimeConnectConcurrency: num('BENCH_REALTIME_CONNECT_CONCURRENCY', 50),
  /** A client process at this CPU (% of one core) or event-loop delay p99 (ms) over a step was the bottleneck. */
  realtimeClientCpuPct: num('BENCH_REALTIME_CLIENT_CPU_PCT', 90),
  realtimeClientEldMs: num('BENCH_REALTIME_CLIENT_ELD_MS', 50),
  realtimeLogLevel: process.env.BENCH_REALTIME_LOG_LEVEL ?? 'warn',

  /** Leave the benchmark's organizations, users and rows in the test database, and its workflows in Temporal. */
  keepData: process.env.BENCH_KEEP_DATA === '1',
};

export type BenchConfig = typeof config;
