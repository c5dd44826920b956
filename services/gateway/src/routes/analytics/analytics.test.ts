import { randomUUID } from 'node:crypto';
import { AnalyticsSnapshot, Organization } from '@vibetribe/database';
import { startTestGateway, type TestGateway } from '../../test-support/harness';

type User = Awaited<ReturnType<TestGateway['register']>>;

let gw: TestGateway;
let owner: User;
let stranger: User;
let postId: string;
let accounts: { x: string; other: string };
let targets: { id: string; account_id: string }[];

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);

async function connect(u: User, name: string): Promise<string> {
  const res = await gw.api('POST', `/api/v1/organizations/${u.orgId}/accounts`, {
    token: u.token,
    body: { platform: 'x', external_id: randomUUID(), display_name: name, access_token: 't' },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

beforeAll(async () => {
  gw = await startTestGateway();
  owner = await gw.register('Owner');
  stranger = await gw.register('Stranger');
  accounts = { x: await connect(owner, '@main'), other: await connect(owner, '@second') };
  const post = await gw.api('POST', '/api/v1/posts', {
    token: owner.token,
    body: { content: `analytics ${randomUUID()}`, target_account_ids: [accounts.x, accounts.other] },
  });
  expect(post.status).toBe(201);
  postId = post.body.id as string;
  // The first target is the first account's.
  targets = (post.body.targets as { id: string; account_id: string }[]).sort((a) =>
    a.account_id === accounts.x ? -1 : 1,
  );
  // Readings as the hourly sync appends them (counters are cumulative): 40, 3 and 1 day(s) ago.
  const em = gw.deps.orm.em.fork();
  const org = em.getReference(Organization, owner.orgId);
  const snap = (t: { id: string; account_id: string }, at: Date, likes: number) =>
    new AnalyticsSnapshot(org, {
      postId,
      targetId: t.id,
      accountId: t.account_id,
      platform: 'x',
      collectedAt: at,
      metrics: { likes, impressions: likes * 10 },
    });
  em.persist([
    snap(targets[0]!, daysAgo(40), 1),
    snap(targets[0]!, daysAgo(3), 4),
    snap(targets[0]!, daysAgo(1), 9),
    snap(targets[1]!, daysAgo(3), 2),
  ]);
  await em.flush();
});
afterAll(() => gw?.close());

describe('GET /analytics/posts/:id', () => {
  test("each target's snapshots, oldest first, with the latest; a range narrows them", async () => {
    const res = await gw.api('GET', `/api/v1/analytics/posts/${postId}`, { token: owner.token });
    expect(res.status).toBe(200);
    const first = res.body.targets.find((t: { target_id: string }) => t.target_id === targets[0]!.id);
    expect(first.snapshots.map((s: { metrics: { likes: number } }) => s.metrics.likes)).toEqual([1, 4, 9]);
    expect(first.latest).toMatchObject({ granularity: 'raw', metrics: { likes: 9, impressions: 90 } });
    const ranged = await gw.api(
      'GET',
      `/api/v1/analytics/posts/${postId}?from=${encodeURIComponent(daysAgo(2).toISOString())}`,
      { token: owner.token },
    );
    expect(ranged.body.targets.map((t: { snapshots: unknown[] }) => t.snapshots.length).sort()).toEqual([
      0, 1,
    ]);
  });

  test("another organization's post is 404, as is an unknown one", async () => {
    for (const id of [postId, randomUUID()]) {
      const res = await gw.api('GET', `/api/v1/analytics/posts/${id}`, { token: stranger.token });
      expect(res.status).toBe(404);
    }
  });
});

describe('GET /analytics/overview', () => {
  test('per account and per platform: each target’s latest snapshot in the range, summed', async () => {
    const res = await gw.api('GET', '/api/v1/analytics/overview', { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body.totals).toEqual({ targets: 2, metrics: { likes: 11, impressions: 110 } });
    expect(res.body.by_platform).toEqual([
      { platform: 'x', targets: 2, metrics: { likes: 11, impressions: 110 } },
    ]);
    const byAccount = Object.fromEntries(
      res.body.by_account.map((a: { account_id: string; display_name: string; metrics: object }) => [
        a.account_id,
        [a.display_name, a.metrics],
      ]),
    );
    expect(byAccount).toEqual({
      [accounts.x]: ['@main', { likes: 9, impressions: 90 }],
      [accounts.other]: ['@second', { likes: 2, impressions: 20 }],
    });

    // Up to two days ago: the first target's reading of 3 days ago is its latest in that range.
    const to = encodeURIComponent(daysAgo(2).toISOString());
    const older = await gw.api('GET', `/api/v1/analytics/overview?to=${to}`, { token: owner.token });
    expect(older.body.totals).toEqual({ targets: 2, metrics: { likes: 6, impressions: 60 } });
  });

  test('from after to is 400; a foreign organization is 404; another organization sees none of it', async () => {
    const bad = await gw.api(
      'GET',
      `/api/v1/analytics/overview?from=${encodeURIComponent(daysAgo(1).toISOString())}&to=${encodeURIComponent(daysAgo(2).toISOString())}`,
      { token: owner.token },
    );
    expect(bad.status).toBe(400);
    const foreign = await gw.api('GET', '/api/v1/analytics/overview', {
      token: stranger.token,
      headers: { 'x-organization-id': owner.orgId },
    });
    expect(foreign.status).toBe(404);
    const own = await gw.api('GET', '/api/v1/analytics/overview', { token: stranger.token });
    expect(own.body.totals).toEqual({ targets: 0, metrics: {} });
  });
});
