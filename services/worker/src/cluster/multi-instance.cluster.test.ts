/**
 * Cluster mode, end to end: a private Temporal cluster (frontend, history, matching and worker as separate
 * processes, on PostgreSQL) and two of each service as real processes — gateways, workers, realtime
 * nodes, media consumers — as `VT_TEMPORAL=cluster npm start` runs them. Run by `npm test` after the main
 * suite (jest.cluster.config.js), once the Temporal binaries are built.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initOrm, type MikroORM, Post, PublishLedger } from '@vibetribe/database';
import { startXEmulator, type XEmulator } from '@vibetribe/emulators';
import { CLIENT_EVENTS, SERVER_EVENTS } from '@vibetribe/proto';
import { imageFixture, newTokenConfig, waitUntil } from '@vibetribe/testing';
import { io, type Socket } from 'socket.io-client';
import { sleep } from '../testing/expect';
import { type ServiceName, type ServiceProcess, serviceProcess } from '../testing/service-process';
import { startTemporalCluster, type TemporalCluster } from '../testing/temporal-cluster';

jest.setTimeout(240_000);

let cluster: TemporalCluster;
let emulator: XEmulator;
let orm: MikroORM;
let mediaDir: string;
const procs: Record<ServiceName, ServiceProcess[]> = { gateway: [], worker: [], realtime: [], media: [] };
const sockets: Socket[] = [];
/** Per realtime client: the posts it saw published. */
const seenPublished: Array<Set<string>> = [];
let owner: { token: string; orgId: string };
let accountId: string;
let xUserId: string;

type Body = Record<string, any>;
async function api(gateway: ServiceProcess, method: string, path: string, body?: unknown) {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      ...(owner ? { authorization: `Bearer ${owner.token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Body };
}

beforeAll(async () => {
  [cluster, emulator] = await Promise.all([startTemporalCluster(), startXEmulator({ postLimit: 1_000_000 })]);
  orm = await initOrm(process.env.DATABASE_URL ?? '');
  mediaDir = mkdtempSync(join(tmpdir(), 'vt-cluster-media-'));
  const keys = newTokenConfig();
  const tag = randomUUID().slice(0, 8);
  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_TASK_QUEUE: `vt-cluster-${tag}`,
    PERIODIC_TASK_QUEUE: `vt-cluster-${tag}-periodic`,
    PERIODIC_SCHEDULES: 'false',
    X_API_BASE_URL: emulator.url,
    JWT_PRIVATE_KEY: keys.privateKey,
    JWT_PUBLIC_KEY: keys.publicKey,
    // One directory every gateway and media consumer reaches, as a shared volume would be.
    MEDIA_STORAGE_DIR: mediaDir,
    MEDIA_QUEUE_PREFIX: `vt-cluster-${tag}`,
    // The shared Redis counts every local test's requests from 127.0.0.1.
    RATE_LIMIT_PER_IP: '1000000',
    RATE_LIMIT_PER_USER: '1000000',
    RATE_LIMIT_AUTH_PER_IP: '1000',
  };
  for (const name of Object.keys(procs) as ServiceName[])
    for (const i of [1, 2]) procs[name].push(await serviceProcess(name, i, env));
  env.PUBLIC_URL = procs.gateway[0]!.url;
  await Promise.all(Object.values(procs).flatMap((list) => list.map((p) => p.start())));

  const gw = procs.gateway[0]!;
  const reg = await api(gw, 'POST', '/api/v1/auth/register', {
    email: `cluster-${tag}@example.test`,
    password: 'correct horse battery',
    name: 'Cluster',
  });
  expect(reg.status).toBe(201);
  owner = { token: reg.body.access_token as string, orgId: '' };
  owner.orgId = (await api(gw, 'GET', '/api/v1/auth/me')).body.organizations[0].id as string;
  xUserId = String(randomInt(1_000_000, 2 ** 47));
  const accessToken = `token-${randomUUID()}`;
  emulator.addAccount({ userId: xUserId, username: `user_${xUserId}`, accessToken });
  const account = await api(gw, 'POST', `/api/v1/organizations/${owner.orgId}/accounts`, {
    platform: 'x',
    external_id: xUserId,
    display_name: 'X account',
    access_token: accessToken,
  });
  expect(account.status).toBe(201);
  accountId = account.body.id as string;

  // One client on each realtime node; a socket joins its user's organizations' rooms as it connects.
  for (const rt of procs.realtime) {
    const seen = new Set<string>();
    const socket = io(rt.url, { auth: { token: owner.token }, transports: ['websocket'] });
    socket.on(SERVER_EVENTS.postStatusUpdate, (p: Body) => {
      if (p.status === 'published') seen.add(String(p.postId ?? p.post_id));
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    sockets.push(socket);
    seenPublished.push(seen);
  }
}, 300_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await Promise.allSettled(Object.values(procs).flatMap((list) => list.map((p) => p.stop('SIGKILL'))));
  await Promise.allSettled([cluster?.dispose(), emulator?.close(), orm?.close()]);
  if (mediaDir) rmSync(mediaDir, { recursive: true, force: true });
}, 120_000);

/** `count` posts due evenly over `spreadMs` from `leadMs` ahead, created through the gateways in turn. */
async function createPosts(label: string, count: number, leadMs: number, spreadMs: number) {
  const first = Date.now() + leadMs;
  const posts: Array<{ id: string; content: string }> = [];
  for (let i = 0; i < count; i++) {
    const content = `${label} ${i} ${randomUUID().slice(0, 8)}`;
    const due = new Date(first + Math.round((i * spreadMs) / count));
    const res = await api(procs.gateway[i % 2]!, 'POST', '/api/v1/posts', {
      content,
      target_account_ids: [accountId],
      scheduled_at: due.toISOString(),
    });
    expect([res.status, res.body?.type]).toEqual([201, undefined]);
    posts.push({ id: res.body.id as string, content });
  }
  return { posts, first };
}

/** Every post published, each exactly once on the platform, one confirmed ledger row each, both realtime clients told. */
async function expectPublishedOnce(posts: Array<{ id: string; content: string }>, timeoutMs = 120_000) {
  const ids = posts.map((p) => p.id);
  await waitUntil(
    async () => (await orm.em.fork().count(Post, { id: { $in: ids }, status: 'published' })) === ids.length,
    timeoutMs,
    `${ids.length} posts published`,
  );
  const onPlatform = emulator.posts(xUserId);
  for (const p of posts)
    expect([p.content, onPlatform.filter((x) => x.text === p.content).length]).toEqual([p.content, 1]);
  const ledger = await orm.em.fork().find(PublishLedger, { target: { post: { $in: ids } } });
  expect(ledger.filter((l) => l.state === 'confirmed')).toHaveLength(ids.length);
  await waitUntil(
    () => Promise.resolve(seenPublished.every((seen) => ids.every((id) => seen.has(id)))),
    10_000,
    'both realtime clients saw every post published',
  );
}

describe('cluster mode: two of each service on a multi-process Temporal cluster', () => {
  test('the Web UI server answers with the cluster’s namespaces', async () => {
    const res = await fetch(`${cluster.uiUrl}/api/v1/namespaces`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { namespaces: Array<{ namespaceInfo: { name: string } }> };
    expect(body.namespaces.map((n) => n.namespaceInfo.name)).toContain(
      process.env.TEMPORAL_NAMESPACE ?? 'default',
    );
  });

  test('posts created through either gateway publish exactly once while workers are killed and restarted', async () => {
    const { posts, first } = await createPosts('kill', 24, 6_000, 12_000);
    const [w1, w2] = procs.worker as [ServiceProcess, ServiceProcess];
    await sleep(first + 1_000 - Date.now());
    await w1.stop('SIGKILL');
    await sleep(2_000);
    await w1.start();
    await w2.stop('SIGKILL');
    await sleep(2_000);
    await w2.start();
    await expectPublishedOnce(posts);
  });

  test('a rolling restart of the workers during a publishing burst loses nothing', async () => {
    const { posts, first } = await createPosts('rolling', 24, 6_000, 12_000);
    await sleep(first + 1_000 - Date.now());
    for (const w of procs.worker) {
      await w.stop('SIGTERM');
      await w.start();
    }
    await expectPublishedOnce(posts);
  });

  test('a history service restart delays posts but loses none', async () => {
    const { posts, first } = await createPosts('history', 16, 6_000, 8_000);
    await sleep(first + 1_000 - Date.now());
    await cluster.stop('history');
    await sleep(4_000);
    await cluster.start('history');
    await expectPublishedOnce(posts, 150_000);
  });

  test('typing on one realtime node reaches a client in the same post room on the other', async () => {
    const { posts } = await createPosts('typing', 1, 600_000, 0);
    const postId = posts[0]!.id;
    const [a, b] = sockets as [Socket, Socket];
    for (const s of sockets)
      expect(await s.emitWithAck(CLIENT_EVENTS.subscribePostUpdates, { postId })).toMatchObject({ ok: true });
    const heard = new Promise<Body>((resolve) => b.once(SERVER_EVENTS.userTyping, resolve));
    expect(await a.emitWithAck(CLIENT_EVENTS.typingStart, { postId })).toMatchObject({ ok: true });
    expect(await heard).toMatchObject({ postId });
  });

  test('media uploaded through one gateway is processed by a consumer and served by the other gateway', async () => {
    const [gw1, gw2] = procs.gateway as [ServiceProcess, ServiceProcess];
    const form = new FormData();
    form.append(
      'file',
      new Blob([new Uint8Array(await imageFixture('png'))], { type: 'image/png' }),
      'a.png',
    );
    const up = await fetch(`${gw1.url}/api/v1/media/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}`, 'x-organization-id': owner.orgId },
      body: form,
    });
    expect(up.status).toBe(201);
    const { id } = (await up.json()) as { id: string };
    let ready: Body | undefined;
    await waitUntil(
      async () => {
        ready = (await api(gw2, 'GET', `/api/v1/media/${id}`)).body;
        return ready.status === 'ready';
      },
      60_000,
      'media ready',
    );
    const url = new URL(String(ready!.url));
    const file = await fetch(`${gw2.url}${url.pathname}${url.search}`);
    expect([file.status, file.headers.get('content-type')]).toEqual([200, 'image/png']);
  });
});
