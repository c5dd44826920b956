import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import autocannon from 'autocannon';
import { initOrm, type MikroORM } from '@vibetribe/database';
import {
  accountTokensWorkflowId,
  organizationIdKey,
  postIdKey,
  postStatusKey,
  scheduledAtKey,
  SEARCH_ATTRIBUTES,
} from '@vibetribe/workflows';
import type { noopWorkflow } from './baseline/workflows';
import { type ChildService, cpuTimeMs, startChild } from './children';
import { startBenchGateway } from './gateway';
import type { BenchConfig } from './config';
import { emit, progress, quantile, round } from './report';
import { deleteBenchData, insertPosts } from './seed';
import { cleanUpWorkflows, onTaskQueue } from './temporal';

/** One load run as the results show it. */
interface Load {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  non2xx: number;
}

interface Target {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A fresh body per request (unique content for creates). */
  body?: () => string;
}

/** autocannon against `target`: a short unmeasured warm-up (JIT, pools, caches), then the measured run. */
async function load(cfg: BenchConfig, what: string, target: Target, server: ChildService): Promise<Load> {
  const run = (durationS: number) =>
    autocannon({
      url: target.url,
      connections: cfg.apiConnections,
      duration: durationS,
      requests: [
        {
          method: target.method,
          ...(target.headers ? { headers: target.headers } : {}),
          ...(target.body
            ? { setupRequest: (req: autocannon.Request) => ({ ...req, body: target.body!() }) }
            : {}),
        },
      ],
    });
  if (cfg.apiWarmupS > 0) await run(cfg.apiWarmupS);
  progress(`${what}: ${cfg.apiConnections} connections for ${cfg.apiDurationS} s`);
  const cpuBefore = cpuTimeMs(server.process.pid);
  const r = await run(cfg.apiDurationS);
  const cpuMs = cpuTimeMs(server.process.pid) - cpuBefore;
  const result = {
    rps: round(r.requests.average, 0),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
  };
  progress(
    `${what}: ${JSON.stringify(result)}; ${r.requests.total} requests, server CPU ${round(cpuMs / r.requests.total, 2)} ms/request, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  return result;
}

/**
 * Bare Temporal: `client.workflow.start` of a no-op workflow in a loop, `apiConnections` starts in
 * flight, for `apiDurationS` after a warm-up, with what the gateway's scheduler sends (an id per post,
 * the conflict policy, the four search attributes). Nothing polls `taskQueue`, as nothing runs the
 * gateway's workflows in this benchmark either.
 */
async function workflowStarts(
  cfg: BenchConfig,
  client: Client,
  taskQueue: string,
  organizationId: string,
): Promise<Load> {
  const run = async (durationS: number) => {
    const end = Date.now() + durationS * 1000;
    const latencies: number[] = [];
    let errors = 0;
    const lane = async () => {
      while (Date.now() < end) {
        const postId = randomUUID();
        const t0 = Date.now();
        try {
          await client.workflow.start<typeof noopWorkflow>('noopWorkflow', {
            taskQueue,
            workflowId: `bench-start-${postId}`,
            workflowIdConflictPolicy: 'USE_EXISTING',
            args: [],
            typedSearchAttributes: [
              { key: postIdKey, value: postId },
              { key: organizationIdKey, value: organizationId },
              { key: postStatusKey, value: 'scheduled' },
              { key: scheduledAtKey, value: new Date(Date.now() + 86_400_000) },
            ],
          });
          latencies.push(Date.now() - t0);
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: cfg.apiConnections }, lane));
    return { latencies, errors };
  };
  if (cfg.apiWarmupS > 0) await run(cfg.apiWarmupS);
  progress(`bare workflow starts: ${cfg.apiConnections} in flight for ${cfg.apiDurationS} s`);
  const r = await run(cfg.apiDurationS);
  const result = {
    rps: round(r.latencies.length / cfg.apiDurationS, 0),
    p50_ms: quantile(r.latencies, 0.5),
    p99_ms: quantile(r.latencies, 0.99),
    errors: r.errors,
    non2xx: 0,
  };
  progress(`bare workflow starts: ${JSON.stringify(result)}; load average ${loadavg()[0]!.toFixed(1)}`);
  return result;
}

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/**
 * `api`: the real gateway (its own `dist/main.js`, in a child process, on the real Postgres, Redis, NATS)
 * with one organization of 10,000 draft posts, loaded by autocannon on `GET /posts?limit=50` and
 * `POST /posts` (scheduled posts, so each create starts a workflow); then a bare Koa hello-world the
 * same way, and bare `client.workflow.start` calls at the same concurrency on the same Temporal server.
 * Prints `api-list-posts` and `api-create-post`. Deletes the workflows the creates and starts made.
 */
export async function apiBench(cfg: BenchConfig): Promise<void> {
  let base = '';
  const children: ChildService[] = [];
  const created = { organizationIds: [] as string[], userIds: [] as string[] };
  /** The account's token workflow, which the gateway starts with the account (no search attributes). */
  let tokensWorkflowId: string | undefined;
  const runId = randomUUID().slice(0, 8);
  const startQueue = `bench-start-${runId}`;
  let orm: MikroORM | undefined;
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  try {
    progress('api: starting the gateway');
    const started = await startBenchGateway(cfg);
    children.push(started.gateway);
    base = started.base;
    orm = await initOrm(process.env.DATABASE_URL ?? '');

    const email = `bench-${randomUUID()}@example.test`;
    const registered = await json<{ access_token: string; user: { id: string } }>(
      await fetch(`${base}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'correct horse battery', name: 'Bench' }),
      }),
      'register',
    );
    const auth = { authorization: `Bearer ${registered.access_token}` };
    created.userIds.push(registered.user.id);
    const me = await json<{ organizations: { id: string }[] }>(
      await fetch(`${base}/api/v1/auth/me`, { headers: auth }),
      'me',
    );
    const orgId = me.organizations[0]!.id;
    created.organizationIds.push(orgId);
    const account = await json<{ id: string }>(
      await fetch(`${base}/api/v1/organizations/${orgId}/accounts`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          platform: 'x',
          external_id: String(Date.now()),
          display_name: '@bench',
          access_token: 'bench-token',
        }),
      }),
      'connect account',
    );
    tokensWorkflowId = accountTokensWorkflowId(account.id);

    const seedStarted = Date.now();
    const n = cfg.apiSeedPosts;
    await insertPosts(
      orm,
      Array.from({ length: n }, (_, i) => ({
        organizationId: orgId,
        authorId: registered.user.id,
        accountId: account.id,
        content: `Bench draft ${i}: ${'lorem ipsum '.repeat(8)}`,
        status: 'draft' as const,
        scheduledAt: null,
        createdAt: new Date(seedStarted - (n - i) * 1000),
      })),
    );
    await orm.em.getKnex().raw('ANALYZE posts, post_targets');
    progress(`api: seeded ${n} draft posts in ${Date.now() - seedStarted} ms`);

    const listUrl = `${base}/api/v1/posts?limit=50`;
    const page = await json<{ data: unknown[]; next_cursor: string | null }>(
      await fetch(listUrl, { headers: auth }),
      'list posts',
    );
    if (page.data.length !== 50 || !page.next_cursor) throw new Error('the list did not return a full page');

    const gateway = children[0]!;
    const list = await load(
      cfg,
      'gateway GET /api/v1/posts?limit=50',
      { url: listUrl, method: 'GET', headers: auth },
      gateway,
    );
    let seq = 0;
    const createBody = () =>
      JSON.stringify({
        content: `Bench post ${runId}-${++seq}`,
        target_account_ids: [account.id],
        ...(cfg.apiCreateScheduled ? { scheduled_at: new Date(Date.now() + 86_400_000).toISOString() } : {}),
      });
    const create = await load(
      cfg,
      'gateway POST /api/v1/posts',
      {
        url: `${base}/api/v1/posts`,
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: createBody,
      },
      gateway,
    );
    await children.pop()!.stop();

    progress('api: starting the bare Koa baseline');
    const koa = await startChild({
      name: 'koa-hello',
      script: require.resolve('./baseline/koa-hello'),
      env: {},
      stdout: 'ignore',
      ipc: true,
    });
    children.push(koa);
    const koaUrl = `http://127.0.0.1:${(koa.ready as { port: number }).port}/`;
    const bareGet = await load(cfg, 'bare Koa GET', { url: koaUrl, method: 'GET', headers: auth }, koa);
    const barePost = await load(
      cfg,
      'bare Koa POST',
      {
        url: koaUrl,
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: createBody,
      },
      koa,
    );

    await children.pop()!.stop();

    const starts = await workflowStarts(cfg, client, startQueue, orgId);
    const line = (bench: string, r: Load, baseline: Load) => ({
      bench,
      ...r,
      baseline_rps: baseline.rps,
      ratio: round(r.rps / baseline.rps, 3),
    });
    emit(line('api-list-posts', list, bareGet));
    emit({
      ...line('api-create-post', create, barePost),
      scheduled: cfg.apiCreateScheduled,
      baseline_workflow_start_rps: starts.rps,
      baseline_workflow_start_p99_ms: starts.p99_ms,
      ratio_vs_workflow_start: round(create.rps / starts.rps, 3),
    });
  } finally {
    for (const child of children.reverse()) await child.stop();
    // The gateway's workflows (on the publishing task queue, by the organization, and the account's
    // token workflow, which would otherwise wait there for the next worker) and the bare starts.
    const queries = [
      ...created.organizationIds.map((id) => `${SEARCH_ATTRIBUTES.organizationId} = '${id}'`),
      ...(tokensWorkflowId ? [`WorkflowId = '${tokensWorkflowId}'`] : []),
      onTaskQueue(startQueue),
    ];
    await cleanUpWorkflows(client, queries, cfg.keepData);
    await connection.close();
    if (orm) {
      if (!cfg.keepData)
        await deleteBenchData(orm, created).catch((err: unknown) => progress(`cleanup: ${String(err)}`));
      await orm.close();
    }
  }
}
