import { randomInt, randomUUID } from 'node:crypto';
import { NotificationSchema, notificationSubject, type MessageShape } from '@vibetribe/proto';
import { accountTokensWorkflowId, publishWorkflowId } from '@vibetribe/workflows';
import { type Harness, startHarness } from '@vibetribe/worker/dist/testing/harness';
import { startTestGateway, type TestGateway } from '../../test-support/harness';

jest.setTimeout(60_000);

let h: Harness;
let gw: TestGateway;
beforeAll(async () => {
  h = await startHarness();
  gw = await startTestGateway({}, { taskQueue: h.taskQueue });
});
afterAll(async () => {
  await gw?.close();
  await h?.close();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Connects an X account (registered with the emulator) to the organization. */
async function connectX(token: string, orgId: string, externalId = String(randomInt(1_000_000, 2 ** 47))) {
  const accessToken = `token-${randomUUID()}`;
  h.emulator.addAccount({ userId: externalId, username: `u_${externalId}`, accessToken });
  const res = await gw.api('POST', `/api/v1/organizations/${orgId}/accounts`, {
    token,
    body: {
      platform: 'x',
      external_id: externalId,
      display_name: `X ${externalId}`,
      access_token: accessToken,
    },
  });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, externalId };
}

async function createPost(token: string, accountIds: string[], scheduledAt?: string) {
  const res = await gw.api('POST', '/api/v1/posts', {
    token,
    body: {
      content: `post ${randomUUID()}`,
      target_account_ids: accountIds,
      ...(scheduledAt ? { scheduled_at: scheduledAt } : {}),
    },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function untilStatus(token: string, id: string, status: string) {
  for (let i = 0; i < 200; i++) {
    const res = await gw.api('GET', `/api/v1/posts/${id}`, { token });
    if (res.body.status === status) return res.body;
    await sleep(100);
  }
  throw new Error(`post ${id} never became ${status}`);
}

describe('disconnecting an account keeps history', () => {
  test('its only-target post is cancelled, published history stays, people are told, it comes back as itself', async () => {
    const owner = await gw.register('Owner');
    const x = await connectX(owner.token, owner.orgId);
    const notes: MessageShape<typeof NotificationSchema>[] = [];
    const sub = h.bus.subscribe(notificationSubject(owner.orgId, 'created'), NotificationSchema, (m) => {
      notes.push(m);
    });
    const published = await createPost(owner.token, [x.id]);
    expect((await gw.api('POST', `/api/v1/posts/${published}/publish`, { token: owner.token })).status).toBe(
      202,
    );
    await untilStatus(owner.token, published, 'published');
    const waiting = await createPost(owner.token, [x.id], inMs(60_000));

    expect(
      (
        await gw.api('DELETE', `/api/v1/organizations/${owner.orgId}/accounts/${x.id}`, {
          token: owner.token,
        })
      ).status,
    ).toBe(204);

    const cancelled = await untilStatus(owner.token, waiting, 'cancelled');
    expect(cancelled.targets[0]).toMatchObject({
      status: 'cancelled',
      last_error: { kind: 'account_disconnected' },
    });
    expect(cancelled.timeline.map((e: { action: string }) => e.action)).toEqual([
      'created',
      'target_cancelled',
      'cancelled',
    ]);
    const result = (await h.client.workflow.getHandle(publishWorkflowId(waiting)).result()) as {
      state: string;
    };
    expect(result.state).toBe('cancelled');
    const kept = (await gw.api('GET', `/api/v1/posts/${published}`, { token: owner.token })).body;
    expect(kept.status).toBe('published');
    expect(kept.targets[0]).toMatchObject({ status: 'published', account_id: x.id });
    const [ledger] = await h.orm.em
      .getConnection()
      .execute<{ state: string }[]>(
        'select l.state from publish_ledger l join post_targets t on t.id = l.target_id where t.post_id = ?',
        [published],
      );
    expect(ledger?.state).toBe('confirmed');
    const accounts = await gw.api('GET', `/api/v1/organizations/${owner.orgId}/accounts`, {
      token: owner.token,
    });
    expect(accounts.body.data).toEqual([expect.objectContaining({ id: x.id, status: 'disconnected' })]);

    for (let i = 0; i < 50 && notes.length === 0; i++) await sleep(100);
    sub.unsubscribe();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      kind: 'account_disconnected',
      accountId: x.id,
      postIds: [waiting],
      userIds: [owner.userId],
    });

    // A post cannot target it now; connecting it again brings back the same account.
    const refused = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body: { content: 'nope', target_account_ids: [x.id] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.type).toMatch(/account-disconnected$/);
    expect((await connectX(owner.token, owner.orgId, x.externalId)).id).toBe(x.id);
  });

  test("the account's token workflow starts at the first store, ends at a disconnect, and takes the tokens of a reconnect", async () => {
    const owner = await gw.register('Owner');
    const x = await connectX(owner.token, owner.orgId);
    const tokens = () => h.client.workflow.getHandle(accountTokensWorkflowId(x.id));
    expect((await tokens().describe()).status.name).toBe('RUNNING');
    const firstRun = (await tokens().describe()).runId;

    const res = await gw.api('DELETE', `/api/v1/organizations/${owner.orgId}/accounts/${x.id}`, {
      token: owner.token,
    });
    expect(res.status).toBe(204);
    await tokens().result();
    expect((await tokens().describe()).status.name).toBe('COMPLETED');

    // Connected again: a new run stores the new tokens through its `reconnected` update.
    await connectX(owner.token, owner.orgId, x.externalId);
    const again = await tokens().describe();
    expect(again.status.name).toBe('RUNNING');
    expect(again.runId).not.toBe(firstRun);
    const history = await tokens().fetchHistory();
    expect(history.events?.some((e) => e.workflowExecutionUpdateCompletedEventAttributes)).toBe(true);
    const [row] = await h.orm.em
      .getConnection()
      .execute<{ status: string; access_token_enc: string }[]>(
        'select status, access_token_enc from social_accounts where id = ?',
        [x.id],
      );
    expect(row).toMatchObject({ status: 'connected', access_token_enc: expect.stringMatching(/^v2\./) });
  });

  test('a post with another target keeps it, and publishes there alone', async () => {
    const owner = await gw.register('Owner');
    const a = await connectX(owner.token, owner.orgId);
    const b = await connectX(owner.token, owner.orgId);
    const post = await createPost(owner.token, [a.id, b.id], inMs(2_500));
    expect(
      (
        await gw.api('DELETE', `/api/v1/organizations/${owner.orgId}/accounts/${a.id}`, {
          token: owner.token,
        })
      ).status,
    ).toBe(204);
    const body = await untilStatus(owner.token, post, 'published');
    const byAccount = Object.fromEntries(
      body.targets.map((t: { account_id: string; status: string }) => [t.account_id, t.status]),
    );
    expect(byAccount).toEqual({ [a.id]: 'cancelled', [b.id]: 'published' });
    expect(h.emulator.posts(a.externalId)).toHaveLength(0);
    expect(h.emulator.posts(b.externalId)).toHaveLength(1);
  });
});
