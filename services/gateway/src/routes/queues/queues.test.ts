import { randomUUID } from 'node:crypto';
import { publishWorkflowId } from '@vibetribe/workflows';
import { startTestGateway, type TestGateway } from '../../test-support/harness';

jest.setTimeout(60_000);

type User = Awaited<ReturnType<TestGateway['register']>>;

const operatorEmail = `operator-${randomUUID()}@example.test`;
let gw: TestGateway;
let operator: User;
let ownerA: User;
let adminA: User;
let viewerA: User;
let ownerB: User;
const postsA: string[] = [];

const as = (u: User, orgId?: string) => ({
  token: u.token,
  headers: (orgId ? { 'x-organization-id': orgId } : {}) as Record<string, string>,
});
const stats = (u: User, orgId?: string) => gw.api('GET', '/api/v1/queues/stats', as(u, orgId));

/** A post scheduled in 30 minutes: its workflow waits on a queue no worker polls. */
async function schedulePost(owner: User): Promise<string> {
  const account = await gw.api('POST', `/api/v1/organizations/${owner.orgId}/accounts`, {
    token: owner.token,
    body: { platform: 'x', external_id: randomUUID(), display_name: 'Stats', access_token: 't' },
  });
  const post = await gw.api('POST', '/api/v1/posts', {
    ...as(owner, owner.orgId),
    body: {
      content: `stats ${randomUUID()}`,
      target_account_ids: [account.body.id],
      scheduled_at: new Date(Date.now() + 30 * 60_000).toISOString(),
    },
  });
  expect(post.status).toBe(201);
  return post.body.id as string;
}

beforeAll(async () => {
  gw = await startTestGateway({
    OPERATOR_EMAILS: `someone@example.test, ${operatorEmail.toUpperCase()}`,
    MEDIA_QUEUE_PREFIX: `vt-test-${randomUUID().slice(0, 8)}`,
  });
  operator = await gw.register('Operator', operatorEmail);
  [ownerA, adminA, viewerA, ownerB] = (await Promise.all(
    ['Owner A', 'Admin A', 'Viewer A', 'Owner B'].map((n) => gw.register(n)),
  )) as [User, User, User, User];
  for (const [u, role] of [
    [adminA, 'admin'],
    [viewerA, 'viewer'],
  ] as const) {
    const res = await gw.api('POST', `/api/v1/organizations/${ownerA.orgId}/members`, {
      token: ownerA.token,
      body: { email: u.email, role },
    });
    expect(res.status).toBe(201);
  }
  for (let i = 0; i < 3; i++) postsA.push(await schedulePost(ownerA));
  await schedulePost(ownerB);
  await gw.deps.ops.temporal.workflow.getHandle(publishWorkflowId(postsA[0]!)).terminate('stats test');
  await gw.deps.media.queue.add({ mediaId: randomUUID(), organizationId: ownerA.orgId });
  // Visibility trails the starts a little.
  for (let i = 0; i < 100; i++) {
    const res = await stats(ownerA);
    if (res.body?.workflows?.running === 2 && res.body.workflows.terminated === 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
});
afterAll(() => gw?.close());

describe('GET /queues/stats', () => {
  test("an organization's owner sees its counts only, without the system-wide media queue", async () => {
    const res = await stats(ownerA);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      scope: 'organization',
      organization_id: ownerA.orgId,
      workflows: { total: 3, running: 2, terminated: 1, completed: 0, failed: 0 },
      posts_due_next_hour: 3,
      media_queue: null,
    });
  });

  test('an admin of the organization named in X-Organization-Id sees the same', async () => {
    const res = await stats(adminA, ownerA.orgId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      scope: 'organization',
      workflows: { total: 3 },
      posts_due_next_hour: 3,
    });
  });

  test('a member below admin is 403; a foreign organization is 404', async () => {
    const viewer = await stats(viewerA, ownerA.orgId);
    expect(viewer.status).toBe(403);
    expect(viewer.body.type).toBe('https://vibetribe.dev/problems/forbidden');
    const foreign = await stats(ownerB, ownerA.orgId);
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toContain('application/problem+json');
  });

  test('a system operator sees every organization and the media queue, or one organization when named', async () => {
    const all = await stats(operator);
    expect(all.status).toBe(200);
    expect(all.body.scope).toBe('system');
    expect(all.body.organization_id).toBeNull();
    expect(all.body.workflows.running).toBeGreaterThanOrEqual(3);
    expect(all.body.posts_due_next_hour).toBeGreaterThanOrEqual(4);
    expect(all.body.media_queue).toMatchObject({ waiting: 1, active: 0, failed: 0, delayed: 0 });
    expect(all.body.media_queue.oldest_waiting_age_ms).toBeGreaterThanOrEqual(0);

    const one = await stats(operator, ownerA.orgId);
    expect(one.body).toMatchObject({
      scope: 'organization',
      organization_id: ownerA.orgId,
      workflows: { total: 3 },
    });
    expect(one.body.media_queue).not.toBeNull();
  });

  test('Temporal down: 503 dependency-unavailable within the deadline', async () => {
    const down = await startTestGateway({}, { temporalAddress: '127.0.0.1:9' });
    try {
      const owner = await down.register('Down');
      const started = performance.now();
      const res = await down.api('GET', '/api/v1/queues/stats', { token: owner.token });
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        type: 'https://vibetribe.dev/problems/dependency-unavailable',
        dependency: 'temporal',
      });
    } finally {
      // Let the client's retries against the closed port lapse first: a retry timer firing after
      // close() throws "Channel has been shut down" from the timer.
      await new Promise((r) => setTimeout(r, 2_500));
      await down.close();
    }
  });
});
