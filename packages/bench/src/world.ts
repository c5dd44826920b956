/**
 * What the scheduling benchmarks share: one organization with its X accounts in the test database, the
 * in-process X emulator they publish to, a Temporal client, and the real publishing worker in its own
 * process. Also seeding posts and starting their workflows as the gateway does.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { initOrm, type MikroORM, Organization, SocialAccount, User } from '@vibetribe/database';
import { startXEmulator, type XEmulator } from '@vibetribe/emulators';
import { createSecretBox, encryptAccountTokens } from '@vibetribe/runtime';
import { freePort } from '@vibetribe/testing';
import { publishPostWorkflow, type PublishPostInput, publishStartOptions } from '@vibetribe/workflows';
import { answers200, type ChildService, startChild } from './children';
import type { BenchConfig } from './config';
import { mapLimit, progress, until } from './report';
import { deleteBenchData, insertPosts, type WrittenPost } from './seed';
import { cleanUpWorkflows, onTaskQueue } from './temporal';

/** The shared set-up of one `scheduling` run. */
export interface World {
  cfg: BenchConfig;
  runId: string;
  orm: MikroORM;
  connection: Connection;
  client: Client;
  emulator: XEmulator;
  organizationId: string;
  userId: string;
  accountIds: string[];
  /** The publishing worker's task queue, and the bare baseline worker's. */
  taskQueue: string;
  baselineQueue: string;
  /** Workflow starts per second as last measured: sizes the time a wave's creation needs. */
  startRate: number;
}

/** A seeded post and what the benchmark expects of it. */
export interface BenchPost extends WrittenPost {
  text: string;
  scheduledAt: Date | null;
}

/** Creates the organization, its user and `schedulingAccounts` X accounts (in the emulator too). */
export async function openWorld(cfg: BenchConfig): Promise<World> {
  const runId = randomUUID().slice(0, 8);
  const secrets = createSecretBox(process.env.ENCRYPTION_KEY ?? '');
  // X allows 100 posts per account per 15 minutes; the benchmark measures the scheduler, not that limit.
  const emulator = await startXEmulator({ postLimit: 1_000_000_000 });
  const orm = await initOrm(process.env.DATABASE_URL ?? '');
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  const em = orm.em.fork();
  const org = new Organization(`Bench ${runId}`, `bench-${runId}`);
  const user = new User(`bench-${runId}@example.test`, 'Bench', 'not-a-real-hash');
  const accounts = Array.from({ length: cfg.schedulingAccounts }, (_, i) => {
    const xUserId = `${Date.now()}${i}`;
    const token = `bench-${runId}-${i}`;
    emulator.addAccount({ userId: xUserId, username: `bench_${runId}_${i}`, accessToken: token });
    const account = new SocialAccount(org, 'x', xUserId, `@bench_${i}`, '');
    return Object.assign(account, encryptAccountTokens(secrets, org.id, account.id, { accessToken: token }));
  });
  em.persist([org, user, ...accounts]);
  await em.flush();
  return {
    cfg,
    runId,
    orm,
    connection,
    client,
    emulator,
    organizationId: org.id,
    userId: user.id,
    accountIds: accounts.map((a) => a.id),
    taskQueue: `bench-publish-${runId}`,
    baselineQueue: `bench-baseline-${runId}`,
    startRate: Number.POSITIVE_INFINITY,
  };
}

/** Deletes the run's workflows and rows (with BENCH_KEEP_DATA=1 only stops its workflows), then disconnects. */
export async function closeWorld(w: World): Promise<void> {
  const queues = [w.taskQueue, w.baselineQueue].map(onTaskQueue);
  await cleanUpWorkflows(w.client, queues, w.cfg.keepData);
  if (!w.cfg.keepData)
    await deleteBenchData(w.orm, { organizationIds: [w.organizationId], userIds: [w.userId] }).catch(
      (err: unknown) => progress(`cleanup: ${String(err)}`),
    );
  await w.connection.close();
  await w.emulator.close();
  await w.orm.close();
}

/**
 * Starts the real publishing worker (`services/worker/dist/main.js`) in its own process on the run's
 * task queue, publishing to the emulator, with the slot counts of the config.
 */
/** `cfg.workers` publishing workers, each its own process on the same task queue. */
export async function startPublishers(w: World): Promise<ChildService[]> {
  const publishers: ChildService[] = [];
  for (let i = 0; i < w.cfg.workers; i++) publishers.push(await startPublisher(w));
  return publishers;
}

async function startPublisher(w: World): Promise<ChildService> {
  const { cfg } = w;
  const workerPort = await freePort();
  progress(
    `scheduling: publishing worker on ${w.taskQueue}: ${cfg.workerActivities} activity slots, ` +
      `${cfg.workerWorkflowTasks} workflow-task slots, ${cfg.workerLocalActivities} local-activity slots, ` +
      `database pool ${cfg.workerDatabasePool || 'by the slots'}`,
  );
  return startChild({
    name: 'publishing worker',
    script: require.resolve('@vibetribe/worker/dist/main.js'),
    env: {
      WORKER_PORT: String(workerPort),
      TEMPORAL_TASK_QUEUE: w.taskQueue,
      X_API_BASE_URL: w.emulator.url,
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
}

/** Writes `count` scheduled posts round-robin over the accounts; `due(i)` is post i's time (null: now). */
export async function seedPosts(
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

/** Starts each post's workflow as the gateway's scheduler does (`publishStartOptions`). */
export async function startWorkflows(w: World, posts: readonly BenchPost[]): Promise<void> {
  await mapLimit(posts, w.cfg.startConcurrency, async (post) => {
    const input: PublishPostInput = {
      postId: post.postId,
      organizationId: w.organizationId,
      scheduledAt: post.scheduledAt?.toISOString() ?? null,
      version: 1,
      targets: [{ targetId: post.targetId, platform: 'x' }],
    };
    await w.client.workflow.start(publishPostWorkflow, publishStartOptions(input, w.taskQueue));
  });
}

/** Receipts (emulator `receivedAt`, ms) per post text, for the texts asked about. */
export function emulatorReceipts(emulator: XEmulator, texts: ReadonlySet<string>): Map<string, number[]> {
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

/** Waits until no given post is still scheduled or publishing (their workflows are done with them). */
export async function settled(w: World, posts: readonly BenchPost[], timeoutMs: number): Promise<void> {
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
 * Measures the workflow start rate on `calibrationStarts` posts due in an hour (they never fire during
 * the run; the cleanup removes them) and keeps it in `w.startRate`, so a wave's due times leave room
 * for starting it.
 */
export async function calibrateStartRate(w: World): Promise<number> {
  const n = w.cfg.calibrationStarts;
  if (n === 0) return w.startRate;
  const inAnHour = new Date(Date.now() + 3_600_000);
  const posts = await seedPosts(w, 'calibration', n, () => inAnHour);
  const t0 = Date.now();
  await startWorkflows(w, posts);
  w.startRate = (n * 1000) / Math.max(1, Date.now() - t0);
  return w.startRate;
}
