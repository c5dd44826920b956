import { randomInt, randomUUID } from 'node:crypto';
import { publishWorkflowId } from '@vibetribe/workflows';
// The worker's test harness: an X emulator and a real publishing worker (createPublishingWorker) on a queue of its own.
import { type Harness, startHarness } from '@vibetribe/worker/dist/testing/harness';
import { startTestGateway, type TestGateway } from './test-support/harness';

jest.setTimeout(60_000);

let h: Harness;
let gw: TestGateway;
let owner: Awaited<ReturnType<TestGateway['register']>>;
let accountId: string;
let xUserId: string;

beforeAll(async () => {
  h = await startHarness();
  // The gateway starts its workflows on the harness worker's task queue.
  gw = await startTestGateway({}, { taskQueue: h.taskQueue });
  owner = await gw.register('Publisher');
  xUserId = String(randomInt(1_000_000, 2 ** 47));
  const accessToken = `token-${randomUUID()}`;
  h.emulator.addAccount({ userId: xUserId, username: `user_${xUserId}`, accessToken });
  const res = await gw.api('POST', `/api/v1/organizations/${owner.orgId}/accounts`, {
    token: owner.token,
    body: { platform: 'x', external_id: xUserId, display_name: 'X account', access_token: accessToken },
  });
  expect(res.status).toBe(201);
  accountId = res.body.id as string;
}, 60_000);
afterEach(() => h.emulator.clearFaults());
afterAll(async () => {
  await gw?.close();
  await h?.close();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const inMs = (ms: number) => new Date(Date.now() + ms);
const unique = (what: string) => `${what} ${randomUUID().slice(0, 8)}`;

/** The emulator's posts with this text (the account is shared by every test). */
const onPlatform = (text: string) => h.emulator.posts(xUserId).filter((p) => p.text === text);

async function create(content: string, scheduledAt?: Date) {
  const res = await gw.api('POST', '/api/v1/posts', {
    token: owner.token,
    body: {
      content,
      target_account_ids: [accountId],
      ...(scheduledAt ? { scheduled_at: scheduledAt.toISOString() } : {}),
    },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number; status: string };
}

const get = (id: string) => gw.api('GET', `/api/v1/posts/${id}`, { token: owner.token });

/** Polls GET until the post has `status`; returns that body. */
async function untilStatus(id: string, status: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  for (;;) {
    const res = await get(id);
    last = res.body?.status;
    if (last === status) return res.body;
    if (Date.now() > deadline) throw new Error(`post ${id} is ${last}, not ${status}, after ${timeoutMs} ms`);
    await sleep(100);
  }
}

const actions = (body: { timeline: { action: string }[] }) => body.timeline.map((e) => e.action);
const workflowResult = (postId: string) =>
  h.client.workflow.getHandle(publishWorkflowId(postId)).result() as Promise<{ state: string }>;

describe('publishing end to end: REST gateway, Temporal, worker, X emulator', () => {
  test('a post scheduled 3 s ahead is published at its time', async () => {
    const text = unique('scheduled in three seconds');
    const due = inMs(3_000);
    const post = await create(text, due);
    expect(post.status).toBe('scheduled');
    expect((await get(post.id)).body.status).toBe('scheduled');

    const body = await untilStatus(post.id, 'published');
    const [sent, ...more] = onPlatform(text);
    expect(more).toHaveLength(0);
    expect(Date.parse(sent!.receivedAt)).toBeGreaterThanOrEqual(due.getTime());
    expect(body.published_at).not.toBeNull();
    expect(body.targets).toEqual([
      expect.objectContaining({
        account_id: accountId,
        status: 'published',
        platform_post_id: sent!.id,
        attempts: 1,
        last_error: null,
      }),
    ]);
    expect(actions(body)).toEqual(['created', 'publishing', 'target_published', 'published']);
    expect(body.timeline[1].data).toMatchObject({ reason: 'timer_fired' });
  });

  test('PUT with a later scheduled_at moves the publishing time', async () => {
    const text = unique('moved later');
    const post = await create(text, inMs(2_500));
    const later = inMs(6_000);
    const moved = await gw.api('PUT', `/api/v1/posts/${post.id}`, {
      token: owner.token,
      body: { version: post.version, scheduled_at: later.toISOString() },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ status: 'scheduled', version: post.version + 1 });

    await sleep(4_000); // past the old time
    expect(onPlatform(text)).toHaveLength(0);
    expect((await get(post.id)).body.status).toBe('scheduled');

    const body = await untilStatus(post.id, 'published');
    const sent = onPlatform(text);
    expect(sent).toHaveLength(1);
    expect(Date.parse(sent[0]!.receivedAt)).toBeGreaterThanOrEqual(later.getTime());
    expect(actions(body)).toEqual(['created', 'updated', 'publishing', 'target_published', 'published']);
    expect(body.timeline[1].data).toMatchObject({ scheduled_at: later.toISOString() });
  });

  test('DELETE before the time: never published', async () => {
    const text = unique('deleted before its time');
    const due = inMs(2_500);
    const post = await create(text, due);
    expect((await gw.api('DELETE', `/api/v1/posts/${post.id}`, { token: owner.token })).status).toBe(204);
    expect(await workflowResult(post.id)).toMatchObject({ state: 'cancelled' });
    await sleep(Math.max(0, due.getTime() - Date.now()) + 1_500);
    expect(onPlatform(text)).toHaveLength(0);
    expect((await get(post.id)).status).toBe(404);
  });

  test('a draft, then POST /posts/:id/publish: published at once', async () => {
    const text = unique('draft published now');
    const post = await create(text);
    expect(post.status).toBe('draft');
    const asked = await gw.api('POST', `/api/v1/posts/${post.id}/publish`, { token: owner.token });
    expect(asked.status).toBe(202);
    const body = await untilStatus(post.id, 'published', 10_000);
    const sent = onPlatform(text);
    expect(sent).toHaveLength(1);
    expect(body.targets[0]).toMatchObject({ status: 'published', platform_post_id: sent[0]!.id });
    expect(actions(body)).toEqual([
      'created',
      'publish_requested',
      'publishing',
      'target_published',
      'published',
    ]);
    expect(body.timeline[2].data).toMatchObject({ reason: 'publish_now' });
  });

  test('the platform keeps failing (503 beyond the attempts): failed; the cause cleared, retry publishes', async () => {
    const text = unique('fails, then retried');
    // The gateway's workflows use the default policy: 3 attempts, 1 s then 2 s apart.
    h.emulator.setFaults({ failNext: { status: 503, count: 10 } });
    const post = await create(text);
    expect((await gw.api('POST', `/api/v1/posts/${post.id}/publish`, { token: owner.token })).status).toBe(
      202,
    );
    const failed = await untilStatus(post.id, 'failed');
    expect(failed.targets[0]).toMatchObject({
      status: 'failed',
      attempts: 3,
      platform_post_id: null,
      last_error: expect.objectContaining({ status: 503 }),
    });
    expect(onPlatform(text)).toHaveLength(0);
    // A failed post is retried, not edited into a new time.
    const reschedule = await gw.api('PUT', `/api/v1/posts/${post.id}`, {
      token: owner.token,
      body: { version: failed.version, scheduled_at: inMs(60_000).toISOString() },
    });
    expect(reschedule.status).toBe(409);
    expect(reschedule.body.type).toMatch(/post-failed$/);

    h.emulator.clearFaults();
    const retry = await gw.api('POST', `/api/v1/posts/${post.id}/retry`, { token: owner.token });
    expect(retry.status).toBe(202);
    const body = await untilStatus(post.id, 'published');
    const sent = onPlatform(text);
    expect(sent).toHaveLength(1);
    expect(body.targets[0]).toMatchObject({
      status: 'published',
      platform_post_id: sent[0]!.id,
      attempts: 4,
      last_error: null,
    });
    expect(actions(body)).toEqual([
      'created',
      'publish_requested',
      'publishing',
      'failed',
      'retry_requested',
      'publishing',
      'target_published',
      'published',
    ]);
    expect(await workflowResult(post.id)).toMatchObject({ state: 'published' });
    const again = await gw.api('POST', `/api/v1/posts/${post.id}/retry`, { token: owner.token });
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/not-retryable$/);
  });

  test('the same text twice: the second post fails as a duplicate, at once', async () => {
    const text = unique('said twice');
    const first = await create(text);
    await gw.api('POST', `/api/v1/posts/${first.id}/publish`, { token: owner.token });
    await untilStatus(first.id, 'published', 10_000);
    const second = await create(text);
    await gw.api('POST', `/api/v1/posts/${second.id}/publish`, { token: owner.token });
    const failed = await untilStatus(second.id, 'failed', 10_000);
    expect(failed.targets[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: expect.objectContaining({ kind: 'duplicate', status: 403 }),
    });
    expect(onPlatform(text)).toHaveLength(1);
    // Deleting the failed post closes its workflow (it would otherwise wait for a retry for days).
    expect((await gw.api('DELETE', `/api/v1/posts/${second.id}`, { token: owner.token })).status).toBe(204);
    expect(await workflowResult(second.id)).toMatchObject({ state: 'failed' });
  });

  test('edits while publishing and after publishing are refused with 409 post-locked', async () => {
    const text = unique('locked while publishing');
    // Every platform call takes 2 s, so the post stays in `publishing` long enough to be edited.
    h.emulator.setFaults({ latencyMs: 2_000 });
    const post = await create(text);
    expect((await gw.api('POST', `/api/v1/posts/${post.id}/publish`, { token: owner.token })).status).toBe(
      202,
    );
    const publishing = await untilStatus(post.id, 'publishing', 10_000);
    const edit = await gw.api('PUT', `/api/v1/posts/${post.id}`, {
      token: owner.token,
      body: { version: publishing.version, content: 'too late' },
    });
    expect(edit.status).toBe(409);
    expect(edit.body).toMatchObject({ status: 409, post_status: 'publishing' });
    expect(edit.body.type).toMatch(/post-locked$/);
    const del = await gw.api('DELETE', `/api/v1/posts/${post.id}`, { token: owner.token });
    expect(del.status).toBe(409);
    expect(del.body.type).toMatch(/post-locked$/);
    const publishAgain = await gw.api('POST', `/api/v1/posts/${post.id}/publish`, { token: owner.token });
    expect(publishAgain.status).toBe(409);
    expect(publishAgain.body.type).toMatch(/post-locked$/);

    const published = await untilStatus(post.id, 'published', 15_000);
    const after = await gw.api('PUT', `/api/v1/posts/${post.id}`, {
      token: owner.token,
      body: { version: published.version, scheduled_at: inMs(60_000).toISOString() },
    });
    expect(after.status).toBe(409);
    expect(after.body).toMatchObject({ status: 409, post_status: 'published' });
    expect(after.body.type).toMatch(/post-locked$/);
    const final = (await get(post.id)).body;
    expect(final).toMatchObject({ content: text, version: publishing.version, status: 'published' });
    expect(onPlatform(text)).toHaveLength(1);
  });
});
