import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { initOrm } from '@vibetribe/database';
import { organizationIdKey, postIdKey, postStatusKey, scheduledAtKey } from '@vibetribe/workflows';
import type { ChildService } from './children';
import type { BenchConfig } from './config';
import { startBenchGateway } from './gateway';
import { emit, mapLimit, progress, quantile, round, until } from './report';
import { deleteBenchData } from './seed';
import { cleanUpWorkflows, onTaskQueue } from './temporal';

/** The view's aim: it answers within 500 ms with 10,000 workflows in visibility. */
const AIM_MS = 500;
/** Organizations the seeded workflows are spread over (an admin's view filters by one). */
const ORGS = 20;

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/**
 * `n` publishing workflows in visibility, cheaply: `publishPostWorkflow` started with the search
 * attributes the gateway sets, on a task queue no worker polls, so none ever runs a task. Resolves
 * once visibility counts them all.
 */
async function seedWorkflows(client: Client, taskQueue: string, n: number, orgIds: string[]): Promise<void> {
  const started = Date.now();
  await mapLimit(
    Array.from({ length: n }, (_, i) => i),
    64,
    async (i) => {
      const postId = randomUUID();
      await client.workflow.start('publishPostWorkflow', {
        taskQueue,
        workflowId: `bench-stats-${postId}`,
        args: [],
        typedSearchAttributes: [
          { key: postIdKey, value: postId },
          { key: organizationIdKey, value: orgIds[i % orgIds.length]! },
          { key: postStatusKey, value: 'scheduled' },
          { key: scheduledAtKey, value: new Date(Date.now() + 30 * 86_400_000) },
        ],
      });
    },
  );
  progress(`queue-stats: started ${n} workflows in ${Date.now() - started} ms`);
  const visible = await until(
    async () => (await client.workflow.count(onTaskQueue(taskQueue))).count >= n,
    Date.now() + 120_000,
    500,
  );
  if (!visible) throw new Error('visibility did not count every seeded workflow within 2 minutes');
  progress(`queue-stats: all ${n} in visibility after ${Date.now() - started} ms`);
}

/** Latencies of `requests` sequential GETs (after 10 unmeasured), in ms. */
async function measure(url: string, headers: Record<string, string>, requests: number): Promise<number[]> {
  const once = async () => {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    await json(res, 'GET /queues/stats');
    return performance.now() - t0;
  };
  for (let i = 0; i < 10; i++) await once();
  const latencies: number[] = [];
  for (let i = 0; i < requests; i++) latencies.push(await once());
  return latencies;
}

/**
 * `queue-stats`: the real gateway (`dist/main.js`) answering `GET /api/v1/queues/stats` with
 * `queueStatsWorkflows` (10,000) publishing workflows in Temporal's visibility: p50 and p99 for a
 * system operator (every organization, plus the media queue) and for an organization's owner (its
 * share, filtered by `VtOrgId`), and whether the operator's p99 is under 500 ms. Deletes the seeded
 * workflows afterwards.
 */
export async function queueStatsBench(cfg: BenchConfig): Promise<void> {
  const runId = randomUUID().slice(0, 8);
  const taskQueue = `bench-queue-stats-${runId}`;
  const email = `bench-operator-${runId}@example.test`;
  const created = { organizationIds: [] as string[], userIds: [] as string[] };
  const children: ChildService[] = [];
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  const orm = await initOrm(process.env.DATABASE_URL ?? '');
  try {
    progress('queue-stats: starting the gateway');
    const { gateway, base } = await startBenchGateway(cfg, { OPERATOR_EMAILS: email });
    children.push(gateway);
    const registered = await json<{ access_token: string; user: { id: string } }>(
      await fetch(`${base}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'correct horse battery', name: 'Operator' }),
      }),
      'register',
    );
    created.userIds.push(registered.user.id);
    const auth = { authorization: `Bearer ${registered.access_token}` };
    const me = await json<{ organizations: { id: string }[] }>(
      await fetch(`${base}/api/v1/auth/me`, { headers: auth }),
      'me',
    );
    const ownOrg = me.organizations[0]!.id;
    created.organizationIds.push(ownOrg);
    const orgIds = [ownOrg, ...Array.from({ length: ORGS - 1 }, () => randomUUID())];

    await seedWorkflows(client, taskQueue, cfg.queueStatsWorkflows, orgIds);
    const inVisibility = (await client.workflow.count(`WorkflowType = 'publishPostWorkflow'`)).count;

    const url = `${base}/api/v1/queues/stats`;
    progress(`queue-stats: ${cfg.queueStatsRequests} requests as the operator`);
    const system = await measure(url, auth, cfg.queueStatsRequests);
    // The operator naming an organization gets that organization's counts: the admin's query.
    const org = await measure(url, { ...auth, 'x-organization-id': ownOrg }, cfg.queueStatsRequests);
    const p99 = round(quantile(system, 0.99));
    emit({
      bench: 'queue-stats',
      workflows_in_visibility: inVisibility,
      seeded: cfg.queueStatsWorkflows,
      requests: cfg.queueStatsRequests,
      p50_ms: round(quantile(system, 0.5)),
      p99_ms: p99,
      max_ms: round(Math.max(...system)),
      org_p50_ms: round(quantile(org, 0.5)),
      org_p99_ms: round(quantile(org, 0.99)),
      aim_ms: AIM_MS,
      under_aim: p99 < AIM_MS,
    });
  } finally {
    for (const child of children.reverse()) await child.stop();
    await cleanUpWorkflows(client, [onTaskQueue(taskQueue)], cfg.keepData);
    if (!cfg.keepData)
      await deleteBenchData(orm, created).catch((err: unknown) => progress(`cleanup: ${String(err)}`));
    await orm.close();
    await connection.close();
  }
}
