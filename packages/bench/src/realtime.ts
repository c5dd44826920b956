/**
 * `realtime` (`realtime-fanout`): how many deliveries a second the realtime service fans out to
 * connected Socket.IO clients, against a bare Socket.IO server fed the same events.
 *
 * `realtimeClients` sockets (100 per organization by default) connect over WebSocket to two nodes, half of
 * each organization's sockets on each, from client child processes (realtime-clients.ts). The benchmark
 * publishes `PostStatusChanged` events into the event stream as production does (`bus.publish` on
 * `vt.<org>.post.status`, round-robin over the organizations), each stamped with its publish time; the
 * clients time each delivery. The search (search.ts) finds the highest delivery rate whose step keeps
 * delivery p99 under `realtimeP99Ms` with nothing lost, for the relay (two `dist/main.js`, JWT
 * handshake, JetStream ordered consumer) and for the baseline (two baseline/socketio-fanout.js, a core
 * subscription and `io.to(room).emit`), with the same clients: `realtimeRounds` searches of each, in
 * ABBA order (relay, baseline, baseline, relay, …).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { initOrm, type MikroORM } from '@vibetribe/database';
import {
  connectEventBus,
  create,
  EVENT_STREAM,
  type EventBus,
  PostStatusChangedSchema,
  postSubject,
  timestampFromDate,
} from '@vibetribe/proto';
import { signAccessToken } from '@vibetribe/runtime';
import { freePort, testTokenConfig } from '@vibetribe/testing';
import { answers200, type ChildService, cpuTimeMs, startChild } from './children';
import type { BenchConfig } from './config';
import type { ClientCommand, SocketPlan, StepReport } from './realtime-clients';
import { emit, progress, round, sleep, until } from './report';
import { judgeStep } from './realtime-verdict';
import { searchRate, type SearchResult } from './search';
import { deleteBenchData } from './seed';

const NODES = 2;

/** The benchmark's organizations and, per organization, its members' user ids. */
interface World {
  orgIds: string[];
  members: string[][];
}

/** A client child process and a way to ask it things. */
interface ClientProcess {
  child: ChildService;
  ask<T>(cmd: ClientCommand): Promise<T>;
}

/** Two nodes of one system (relay or baseline) and where to reach them. */
interface Nodes {
  name: 'relay' | 'baseline';
  children: ChildService[];
  urls: string[];
  /** The handshake `auth` a member connects with. */
  auth(userId: string, orgId: string): Record<string, unknown>;
}

/** How one step went. */
export interface StepResult {
  rate: number;
  ok: boolean;
  expected: number;
  received: number;
  lost: number;
  p50: number;
  p99: number;
  /** Rate the publisher actually reached, deliveries/s. */
  publishedRate: number;
  clientCpuPct: number;
  clientEldP99Ms: number;
  clientBottleneck: boolean;
  nodeCpuPct: number[];
}

/** Seeds the organizations, their users and memberships (editor), with bulk INSERTs. */
async function seed(orm: MikroORM, cfg: BenchConfig, runId: string): Promise<World> {
  const knex = orm.em.getKnex();
  const perOrg = Math.floor(cfg.realtimeClients / cfg.realtimeOrgs);
  const now = new Date();
  const orgIds = Array.from({ length: cfg.realtimeOrgs }, () => randomUUID());
  const members = orgIds.map(() => Array.from({ length: perOrg }, () => randomUUID()));
  await knex.transaction(async (trx) => {
    await trx('organizations').insert(
      orgIds.map((id, i) => ({
        id,
        created_at: now,
        updated_at: now,
        name: `Bench realtime ${i}`,
        slug: `bench-rt-${runId}-${i}`,
      })),
    );
    const users = members.flat();
    for (let i = 0; i < users.length; i += 1_000) {
      await trx('users').insert(
        users.slice(i, i + 1_000).map((id) => ({
          id,
          created_at: now,
          updated_at: now,
          email: `bench-rt-${id}@example.test`,
          name: 'Bench',
          password_hash: 'x',
        })),
      );
    }
    const rows = orgIds.flatMap((orgId, o) =>
      members[o]!.map((userId) => ({
        id: randomUUID(),
        created_at: now,
        updated_at: now,
        user_id: userId,
        organization_id: orgId,
        role: 'editor',
      })),
    );
    for (let i = 0; i < rows.length; i += 1_000) await trx('memberships').insert(rows.slice(i, i + 1_000));
  });
  return { orgIds, members };
}

/** Resident set size (MB) of a process, from /proc; NaN where unreadable. */
function rssMb(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** A child of this package that says when it is ready over IPC, its output on our stderr. */
const startIpcChild = (name: string, script: string, execArgv: string[] = []) =>
  startChild({ name, script, env: {}, stdout: 'stderr', ipc: true, execArgv });

/** The deliveries the clients counted (for one step's tag, or in all). */
async function receivedBy(clients: ClientProcess[], cmd: ClientCommand): Promise<number> {
  const counts = await Promise.all(clients.map((c) => c.ask<{ received: number }>(cmd)));
  return counts.reduce((n, r) => n + r.received, 0);
}

async function startClients(cfg: BenchConfig): Promise<ClientProcess[]> {
  const out: ClientProcess[] = [];
  for (let i = 0; i < cfg.realtimeClientProcesses; i++) {
    const child = await startIpcChild(`realtime-clients-${i}`, require.resolve('./realtime-clients'));
    let nextId = 0;
    const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    child.process.on('message', (m: { id?: number; result?: unknown; error?: string }) => {
      if (m.id === undefined) return;
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.error !== undefined) w?.reject(new Error(`${child.name}: ${m.error}`));
      else w?.resolve(m.result);
    });
    child.process.once('exit', () => {
      for (const w of waiting.values()) w.reject(new Error(`${child.name} exited`));
      waiting.clear();
    });
    out.push({
      child,
      ask: <T>(cmd: ClientCommand) =>
        new Promise<T>((resolve, reject) => {
          const id = nextId++;
          waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
          child.process.send({ id, cmd });
        }),
    });
  }
  return out;
}

async function startRelayNodes(cfg: BenchConfig): Promise<Nodes> {
  const keys = testTokenConfig();
  const children: ChildService[] = [];
  const urls: string[] = [];
  for (let i = 0; i < NODES; i++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    children.push(
      await startChild({
        name: `realtime-${i}`,
        script: require.resolve('@vibetribe/realtime/dist/main.js'),
        env: {
          REALTIME_PORT: String(port),
          HOST: '127.0.0.1',
          JWT_PUBLIC_KEY: keys.publicKey,
          LOG_LEVEL: cfg.realtimeLogLevel,
        },
        stdout: 'stderr',
        execArgv: cfg.serviceNodeArgs,
        readyWhen: () => answers200(`${url}/readyz`),
      }),
    );
    urls.push(url);
  }
  return {
    name: 'relay',
    children,
    urls,
    auth: (userId) => ({ token: signAccessToken(keys, userId).token }),
  };
}

async function startBaselineNodes(cfg: BenchConfig): Promise<Nodes> {
  const children: ChildService[] = [];
  const urls: string[] = [];
  for (let i = 0; i < NODES; i++) {
    const child = await startIpcChild(
      `socketio-baseline-${i}`,
      require.resolve('./baseline/socketio-fanout'),
      cfg.serviceNodeArgs,
    );
    children.push(child);
    urls.push(`http://127.0.0.1:${(child.ready as { port: number }).port}`);
  }
  return { name: 'baseline', children, urls, auth: (_userId, orgId) => ({ org: orgId }) };
}

/**
 * Which client process and node each member connects through: half of every organization's sockets on
 * each node, and every client process holding sockets to both nodes.
 */
function plans(world: World, nodes: Nodes, processes: number): SocketPlan[][] {
  const out: SocketPlan[][] = Array.from({ length: processes }, () => []);
  world.members.forEach((users, o) =>
    users.forEach((userId, j) => {
      out[Math.floor(j / NODES) % processes]!.push({
        url: nodes.urls[j % NODES]!,
        auth: nodes.auth(userId, world.orgIds[o]!),
      });
    }),
  );
  return out;
}

/** Connects every member, and reports each node's RSS per 1,000 sockets (after minus before connecting). */
async function connectClients(
  cfg: BenchConfig,
  world: World,
  nodes: Nodes,
  clients: ClientProcess[],
): Promise<number[]> {
  await sleep(1_000);
  const before = nodes.children.map((c) => rssMb(c.process.pid));
  const started = Date.now();
  const results = await Promise.all(
    plans(world, nodes, clients.length).map((sockets, i) =>
      clients[i]!.ask<{ connected: number; failed: number; firstError?: string }>({
        op: 'connect',
        sockets,
        concurrency: cfg.realtimeConnectConcurrency,
      }),
    ),
  );
  const failed = results.reduce((n, r) => n + r.failed, 0);
  if (failed > 0) {
    throw new Error(
      `${nodes.name}: ${failed} sockets failed to connect (${results.find((r) => r.firstError)?.firstError})`,
    );
  }
  const connected = results.reduce((n, r) => n + r.connected, 0);
  progress(`realtime ${nodes.name}: ${connected} sockets connected in ${Date.now() - started} ms`);
  // Let the connections' own work (presence announcements, first sweeps) pass before measuring.
  await sleep(3_000);
  const after = nodes.children.map((c) => rssMb(c.process.pid));
  const perNode = world.members.flat().length / NODES / 1000;
  const rss = after.map((a, i) => (a - before[i]!) / perNode);
  progress(
    `realtime ${nodes.name}: RSS before ${before.map((b) => round(b)).join(' / ')} MB, after ` +
      `${after.map((a) => round(a)).join(' / ')} MB: ${rss.map((r) => round(r)).join(' / ')} MB per 1,000 sockets`,
  );
  return rss;
}

/** Waits until the clients stop receiving (a step's backlog drained), at most `maxMs`. */
async function quiet(clients: ClientProcess[], maxMs = 60_000): Promise<void> {
  const total = () => receivedBy(clients, { op: 'total' });
  const deadline = Date.now() + maxMs;
  let last = await total();
  while (Date.now() < deadline) {
    await sleep(1_000);
    const now = await total();
    if (now === last) return;
    last = now;
  }
}

/**
 * One step: `rate` deliveries/s for `realtimeStepS`, i.e. rate / (sockets per organization) events a
 * second over all organizations, each published at its due time with its publish time in `occurredAt`.
 */
async function runStep(
  cfg: BenchConfig,
  ctx: { world: World; bus: EventBus; nodes: Nodes; clients: ClientProcess[] },
  tag: string,
  rate: number,
): Promise<StepResult> {
  const { world, bus, nodes, clients } = ctx;
  const perOrg = world.members[0]!.length;
  const eventsPerS = rate / perOrg;
  const events = Math.max(1, Math.round(eventsPerS * cfg.realtimeStepS));
  const postIds = world.orgIds.map(() => randomUUID());
  await Promise.all(clients.map((c) => c.ask({ op: 'start', tag })));
  const cpuBefore = nodes.children.map((c) => cpuTimeMs(c.process.pid));
  let publishErrors = 0;
  const acks: Promise<unknown>[] = [];
  const t0 = performance.now();
  let k = 0;
  while (k < events) {
    const now = performance.now();
    while (k < events && t0 + (k * 1000) / eventsPerS <= now) {
      const o = k % world.orgIds.length;
      const orgId = world.orgIds[o]!;
      const message = create(PostStatusChangedSchema, {
        postId: postIds[o]!,
        organizationId: orgId,
        status: 'published',
        previousStatus: 'publishing',
        reason: tag,
        occurredAt: timestampFromDate(new Date()),
      });
      acks.push(
        bus.publish(postSubject(orgId, 'status'), PostStatusChangedSchema, message).catch(() => {
          publishErrors++;
        }),
      );
      k++;
    }
    if (k < events) await sleep(Math.max(1, t0 + (k * 1000) / eventsPerS - performance.now()));
  }
  await Promise.all(acks);
  const publishS = (performance.now() - t0) / 1000;
  const expected = (events - publishErrors) * perOrg;
  await until(
    async () => (await receivedBy(clients, { op: 'count', tag })) >= expected,
    Date.now() + cfg.realtimeGraceS * 1000,
    200,
  );
  const cpuAfter = nodes.children.map((c) => cpuTimeMs(c.process.pid));
  const stepWallMs = performance.now() - t0;
  const reports = await Promise.all(clients.map((c) => c.ask<StepReport>({ op: 'finish', tag })));
  const verdict = judgeStep(expected, publishErrors, reports, {
    p99Ms: cfg.realtimeP99Ms,
    clientCpuPct: cfg.realtimeClientCpuPct,
    clientEldMs: cfg.realtimeClientEldMs,
  });
  const { received, lost, p50, p99, clientCpuPct, clientEldP99Ms, clientBottleneck, disconnects, ok } =
    verdict;
  const result: StepResult = {
    rate,
    ok,
    expected,
    received,
    lost,
    p50,
    p99,
    publishedRate: (events * perOrg) / publishS,
    clientCpuPct,
    clientEldP99Ms,
    clientBottleneck,
    nodeCpuPct: cpuAfter.map((a, i) => ((a - cpuBefore[i]!) / stepWallMs) * 100),
  };
  progress(
    `realtime ${nodes.name} ${round(rate)} deliveries/s (${round(eventsPerS, 2)} events/s, published at ` +
      `${round(result.publishedRate)}/s): p50 ${round(p50)} ms, p99 ${round(p99)} ms, ${received}/${expected} ` +
      `received, ${lost} lost${publishErrors ? `, ${publishErrors} publishes failed` : ''}` +
      `${disconnects ? `, ${disconnects} sockets disconnected` : ''}; node CPU ` +
      `${result.nodeCpuPct.map((c) => `${round(c)}%`).join(' / ')}; client CPU ${round(clientCpuPct)}%, ` +
      `ELD p99 ${round(clientEldP99Ms)} ms: ${ok ? 'ok' : 'failed'}`,
  );
  if (clientBottleneck) {
    progress(
      `realtime ${nodes.name}: the client process was the bottleneck at ${round(rate)} deliveries/s ` +
        `(CPU ${round(clientCpuPct)}% of a core, event-loop delay p99 ${round(clientEldP99Ms)} ms)` +
        (clientCpuPct < cfg.realtimeClientCpuPct
          ? `: its loop lagged with CPU to spare, so the cores were contended (load average ${round(loadavg()[0]!, 2)})`
          : ''),
    );
  }
  await quiet(clients);
  return result;
}

/** A system's capacity: the search, and the step at the highest passing rate and at the first failing one. */
interface Capacity {
  search: SearchResult;
  atCapacity?: StepResult;
  firstFailed?: StepResult;
}

async function searchSystem(
  cfg: BenchConfig,
  ctx: { world: World; bus: EventBus; nodes: Nodes; clients: ClientProcess[] },
  runId: string,
): Promise<Capacity> {
  const steps: StepResult[] = [];
  let n = 0;
  const search = await searchRate(
    async (rate) => {
      const step = await runStep(cfg, ctx, `bench-${runId}-${ctx.nodes.name}-${++n}`, rate);
      steps.push(step);
      return step.ok;
    },
    {
      start: cfg.realtimeStartRate,
      growth: 2,
      precision: 0.05,
      min: 10,
      max: 10_000_000,
      maxSteps: cfg.realtimeMaxSteps,
    },
  );
  const show = (r: number | null) => (r === null ? 'none' : round(r));
  progress(
    `realtime ${ctx.nodes.name}: ${round(search.rate)} deliveries/s (ok at ${show(search.passed)}, not at ` +
      `${show(search.failed)}${search.converged ? '' : '; not bracketed to ±5%'})`,
  );
  return {
    search,
    ...(search.passed === null ? {} : { atCapacity: steps.find((s) => s.ok && s.rate === search.passed) }),
    ...(search.failed === null ? {} : { firstFailed: steps.find((s) => !s.ok && s.rate === search.failed) }),
  };
}

const fig = (n: number | undefined, digits = 1): number | null =>
  n === undefined || Number.isNaN(n) ? null : round(n, digits);

async function runSystem(
  cfg: BenchConfig,
  start: () => Promise<Nodes>,
  shared: { world: World; bus: EventBus; clients: ClientProcess[]; runId: string },
  extra?: (ctx: { world: World; bus: EventBus; nodes: Nodes; clients: ClientProcess[] }) => Promise<void>,
): Promise<{ capacity: Capacity; rss: number[] }> {
  const nodes = await start();
  try {
    const rss = await connectClients(cfg, shared.world, nodes, shared.clients);
    const ctx = { world: shared.world, bus: shared.bus, nodes, clients: shared.clients };
    const capacity = await searchSystem(cfg, ctx, shared.runId);
    if (extra) await extra(ctx);
    return { capacity, rss };
  } finally {
    await Promise.all(shared.clients.map((c) => c.ask({ op: 'close' }).catch(() => undefined)));
    for (const child of nodes.children) await child.stop();
  }
}

/** Drops the benchmark's events from the event stream, so they are not kept for a week. */
async function purgeEvents(bus: EventBus, orgIds: string[]): Promise<void> {
  const jsm = await bus.nc.jetstreamManager();
  for (const orgId of orgIds) await jsm.streams.purge(EVENT_STREAM, { filter: `vt.${orgId}.>` });
}

/** Prints `realtime-fanout`. */
export async function realtimeBench(cfg: BenchConfig): Promise<void> {
  const runId = randomUUID().slice(0, 8);
  const loadBefore = loadavg()[0]!;
  const orm = await initOrm(process.env.DATABASE_URL ?? '');
  const bus = await connectEventBus({
    servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    name: `bench-realtime-${runId}`,
  });
  let world: World | undefined;
  const clients: ClientProcess[] = [];
  try {
    world = await seed(orm, cfg, runId);
    const sockets = world.members.flat().length;
    progress(`realtime: ${sockets} users in ${world.orgIds.length} organizations seeded`);
    clients.push(...(await startClients(cfg)));
    const shared = { world, bus, clients, runId };
    const aimRate = cfg.realtimeAimRate || 10 * sockets;
    let aim: StepResult | undefined;
    // Each system is searched `realtimeRounds` times in ABBA order (relay, bare, bare, relay, …), so a
    // drift in the shared machine's speed over the run weighs on both alike; each rate is the mean.
    const runs: Record<'relay' | 'baseline', { capacity: Capacity; rss: number[] }[]> = {
      relay: [],
      baseline: [],
    };
    const runRelay = async () =>
      runs.relay.push(
        await runSystem(
          cfg,
          () => startRelayNodes(cfg),
          shared,
          async (ctx) => {
            if (!aim) aim = await runStep(cfg, ctx, `bench-${runId}-aim`, aimRate);
          },
        ),
      );
    const runBaseline = async () =>
      runs.baseline.push(await runSystem(cfg, () => startBaselineNodes(cfg), shared));
    for (let i = 0; i < cfg.realtimeRounds; i++) {
      const pair = i % 2 === 0 ? [runRelay, runBaseline] : [runBaseline, runRelay];
      for (const run of pair) await run();
    }
    const relay = runs.relay[0]!;
    const baseline = runs.baseline[0]!;
    const rates = (xs: { capacity: Capacity }[]) => xs.map((x) => x.capacity.search.rate);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const relayRate = mean(rates(runs.relay));
    const baselineRate = mean(rates(runs.baseline));
    const r = relay.capacity;
    const b = baseline.capacity;
    const bounding = [...runs.relay, ...runs.baseline]
      .map((x) => x.capacity.firstFailed)
      .filter((s): s is StepResult => s !== undefined);
    const clientBottleneck = bounding.some((s) => s.clientBottleneck) || aim?.clientBottleneck === true;
    if (clientBottleneck) {
      progress(
        'realtime: the client process was the bottleneck at a step that bounded a search (or at the aim ' +
          'rate): that figure measures the clients, not only the server',
      );
    }
    emit({
      bench: 'realtime-fanout',
      clients: sockets,
      organizations: world.orgIds.length,
      nodes: NODES,
      client_processes: clients.length,
      deliveries_per_s: round(relayRate),
      baseline_deliveries_per_s: round(baselineRate),
      ratio: baselineRate > 0 ? round(relayRate / baselineRate, 2) : null,
      deliveries_per_s_rounds: rates(runs.relay).map((x) => round(x)),
      baseline_deliveries_per_s_rounds: rates(runs.baseline).map((x) => round(x)),
      p50_ms: fig(r.atCapacity?.p50),
      p99_ms: fig(r.atCapacity?.p99),
      baseline_p50_ms: fig(b.atCapacity?.p50),
      baseline_p99_ms: fig(b.atCapacity?.p99),
      rss_mb_per_1k: fig(mean(relay.rss)),
      rss_mb_per_1k_nodes: relay.rss.map((x) => fig(x)),
      baseline_rss_mb_per_1k: fig(mean(baseline.rss)),
      baseline_rss_mb_per_1k_nodes: baseline.rss.map((x) => fig(x)),
      node_cpu_pct: r.atCapacity?.nodeCpuPct.map((x) => fig(x)) ?? null,
      baseline_node_cpu_pct: b.atCapacity?.nodeCpuPct.map((x) => fig(x)) ?? null,
      aim_deliveries_per_s: aimRate,
      aim_p50_ms: fig(aim?.p50),
      aim_p99_ms: fig(aim?.p99),
      aim_lost: aim?.lost ?? null,
      aim_ok: aim?.ok ?? null,
      client_cpu_pct: fig(r.firstFailed?.clientCpuPct ?? r.atCapacity?.clientCpuPct),
      client_eld_p99_ms: fig(r.firstFailed?.clientEldP99Ms ?? r.atCapacity?.clientEldP99Ms),
      baseline_client_cpu_pct: fig(b.firstFailed?.clientCpuPct ?? b.atCapacity?.clientCpuPct),
      baseline_client_eld_p99_ms: fig(b.firstFailed?.clientEldP99Ms ?? b.atCapacity?.clientEldP99Ms),
      client_bottleneck: clientBottleneck,
      converged: [...runs.relay, ...runs.baseline].every((x) => x.capacity.search.converged),
      p99_aim_ms: cfg.realtimeP99Ms,
      step_s: cfg.realtimeStepS,
      // The machine's 1-minute load average before and after: the clients and nodes share its cores.
      load_avg: [round(loadBefore, 2), round(loadavg()[0]!, 2)],
    });
  } finally {
    for (const c of clients) await c.child.stop();
    if (world && !cfg.keepData) {
      const ids = world;
      await purgeEvents(bus, ids.orgIds).catch((err: unknown) => progress(`cleanup: ${String(err)}`));
      await deleteBenchData(orm, { organizationIds: ids.orgIds, userIds: ids.members.flat() }).catch(
        (err: unknown) => progress(`cleanup: ${String(err)}`),
      );
    }
    await bus.close();
    await orm.close();
  }
}
