import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { initOrm, type MikroORM } from '@vibetribe/database';
import { freePort, testTokenConfig } from '@vibetribe/testing';
import { answers200, type ChildService, cpuTimeMs, startChild } from './children';
import type { BenchConfig } from './config';
import { emit, progress, round } from './report';
import { deleteBenchData, insertPosts } from './seed';

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

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/**
 * `api`: the real gateway (its own `dist/main.js`, in a child process, on the real Postgres, Redis, NATS)
 * with one organization of 10,000 draft posts, loaded by autocannon on `GET /posts?limit=50` and
 * `POST /posts`; then a bare Koa hello-world the same way. Prints `api-list-posts` and `api-create-post`.
 */
export async function apiBench(cfg: BenchConfig): Promise<void> {
  const keys = testTokenConfig();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const unlimited = '1000000000';
  const children: ChildService[] = [];
  const created = { organizationIds: [] as string[], userIds: [] as string[] };
  let orm: MikroORM | undefined;
  try {
    progress('api: starting the gateway');
    children.push(
      await startChild({
        name: 'gateway',
        script: require.resolve('@vibetribe/gateway/dist/main.js'),
        env: {
          GATEWAY_PORT: String(port),
          HOST: '127.0.0.1',
          PUBLIC_URL: base,
          JWT_PRIVATE_KEY: keys.privateKey!,
          JWT_PUBLIC_KEY: keys.publicKey,
          RATE_LIMIT_PER_IP: unlimited,
          RATE_LIMIT_PER_USER: unlimited,
          RATE_LIMIT_AUTH_PER_IP: unlimited,
          LOG_LEVEL: cfg.gatewayLogLevel,
        },
        stdout: 'ignore',
        execArgv: cfg.serviceNodeArgs,
        readyWhen: () => answers200(`${base}/readyz`),
      }),
    );
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
    const runId = randomUUID().slice(0, 8);
    const createBody = () =>
      JSON.stringify({ content: `Bench post ${runId}-${++seq}`, target_account_ids: [account.id] });
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

    const line = (bench: string, r: Load, baseline: Load) =>
      emit({ bench, ...r, baseline_rps: baseline.rps, ratio: round(r.rps / baseline.rps, 3) });
    line('api-list-posts', list, bareGet);
    line('api-create-post', create, barePost);
  } finally {
    for (const child of children.reverse()) await child.stop();
    if (orm) {
      if (!cfg.keepData)
        await deleteBenchData(orm, created).catch((err: unknown) => progress(`cleanup: ${String(err)}`));
      await orm.close();
    }
  }
}
