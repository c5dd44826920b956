import { Organization, SocialAccount } from '@vibetribe/database';
import { connectEventBus, decodeEvent, EVENT_STREAM, PostCreatedSchema } from '@vibetribe/proto';
import { waitUntil } from '@vibetribe/testing';
import { startTestGateway, type TestGateway } from '../../test-support/harness';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

type Member = Awaited<ReturnType<TestGateway['register']>>;

async function connectX(
  owner: Member,
  externalId = `x-${Math.random().toString(36).slice(2)}`,
): Promise<string> {
  const res = await gw.api('POST', `/api/v1/organizations/${owner.orgId}/accounts`, {
    token: owner.token,
    body: {
      platform: 'x',
      external_id: externalId,
      display_name: 'X account',
      access_token: 'secret-access-token',
    },
  });
  expect(res.status).toBe(201);
  expect(JSON.stringify(res.body)).not.toContain('secret-access-token');
  return res.body.id as string;
}

const inOneHour = () => new Date(Date.now() + 3600_000).toISOString();

describe('posts', () => {
  let owner: Member;
  let accountId: string;
  beforeAll(async () => {
    owner = await gw.register('Owner');
    accountId = await connectX(owner);
  });

  test('create a draft, list, get with timeline, edit with version, delete', async () => {
    const created = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body: { content: 'hello world', target_account_ids: [accountId] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      version: 1,
      content: 'hello world',
      scheduled_at: null,
    });
    expect(created.body.targets).toEqual([
      expect.objectContaining({ account_id: accountId, platform: 'x', status: 'pending' }),
    ]);
    const id = created.body.id as string;

    const list = await gw.api('GET', '/api/v1/posts?status=draft&limit=10', { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.body.data.map((p: { id: string }) => p.id)).toContain(id);

    const edited = await gw.api('PUT', `/api/v1/posts/${id}`, {
      token: owner.token,
      body: { version: 1, content: 'hello again' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, content: 'hello again' });

    const past = await gw.api('PUT', `/api/v1/posts/${id}`, {
      token: owner.token,
      body: { version: 2, scheduled_at: '2020-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(422);
    expect(past.body.type).toMatch(/schedule-in-past$/);

    const stale = await gw.api('PUT', `/api/v1/posts/${id}`, {
      token: owner.token,
      body: { version: 1, content: 'lost update' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.type).toMatch(/stale-version$/);
    // A problem's own members never replace the standard ones: `status` stays the HTTP status.
    const retry = await gw.api('POST', `/api/v1/posts/${id}/retry`, { token: owner.token });
    expect(retry.body).toMatchObject({ status: 409, post_status: 'draft' });
    expect(retry.body.type).toMatch(/not-retryable$/);

    const detail = await gw.api('GET', `/api/v1/posts/${id}`, { token: owner.token });
    // The list reads rows, the detail reads entities: both must present a post identically.
    const listed = await gw.api('GET', '/api/v1/posts?limit=100', { token: owner.token });
    const { timeline: _timeline, ...detailPost } = detail.body;
    expect(listed.body.data.find((p: { id: string }) => p.id === id)).toEqual(detailPost);
    expect(detail.body.content).toBe('hello again');
    expect(detail.body.timeline.map((e: { action: string }) => e.action)).toEqual(['created', 'updated']);

    expect((await gw.api('DELETE', `/api/v1/posts/${id}`, { token: owner.token })).status).toBe(204);
    expect((await gw.api('GET', `/api/v1/posts/${id}`, { token: owner.token })).status).toBe(404);
  });

  test('what a create answers is what the post then reads as, in the detail and the list', async () => {
    const second = await connectX(owner);
    const created = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body: {
        content: 'two targets',
        platform_content: { x: 'for X' },
        target_account_ids: [accountId, second],
        scheduled_at: inOneHour(),
        timezone: 'Europe/Paris',
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const detail = await gw.api('GET', `/api/v1/posts/${id}`, { token: owner.token });
    const { timeline, ...detailPost } = detail.body;
    expect(detailPost).toEqual(created.body);
    const listed = await gw.api('GET', '/api/v1/posts?limit=100', { token: owner.token });
    expect(listed.body.data.find((p: { id: string }) => p.id === id)).toEqual(created.body);
    expect(timeline).toEqual([
      {
        at: expect.any(String),
        action: 'created',
        actor_type: 'user',
        actor_id: owner.userId,
        data: { status: 'scheduled', scheduled_at: created.body.scheduled_at },
      },
    ]);
    expect((await gw.api('DELETE', `/api/v1/posts/${id}`, { token: owner.token })).status).toBe(204);
  });

  test('a scheduled post must be in the future and its time has an offset', async () => {
    const past = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body: { content: 'x', target_account_ids: [accountId], scheduled_at: '2020-01-01T00:00:00Z' },
    });
    // Well formed but too late: 422, naming the field.
    expect(past.status).toBe(422);
    expect(past.body).toMatchObject({ errors: [{ path: 'body.scheduled_at' }] });
    const noOffset = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body: { content: 'x', target_account_ids: [accountId], scheduled_at: '2030-01-01T00:00:00' },
    });
    expect(noOffset.status).toBe(400);
  });

  test('a scheduled post starts its workflow (post-<id>) on the publishing task queue', async () => {
    const res = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body: { content: 'scheduled one', target_account_ids: [accountId], scheduled_at: inOneHour() },
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('scheduled');
  });

  test('platform rules: every violation per target is a 422', async () => {
    const res = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body: { content: 'a'.repeat(300), target_account_ids: [accountId] },
    });
    expect(res.status).toBe(422);
    expect(res.body.type).toMatch(/platform-rules$/);
    expect(res.body.violations).toEqual([
      expect.objectContaining({ target_account_id: accountId, platform: 'x', code: 'text_too_long' }),
    ]);
    const overridden = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body: {
        content: 'a'.repeat(300),
        platform_content: { x: 'short for X' },
        target_account_ids: [accountId],
      },
    });
    expect(overridden.status).toBe(201);
  });

  test('a NUL character anywhere in the body is a 400 naming the field, not a database error', async () => {
    const res = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body: { content: 'bad\u0000text', target_account_ids: [accountId] },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'body.content' })]);
  });

  test('unknown fields are 400 and create nothing', async () => {
    for (const extra of [{ status: 'published' }, { organization_id: owner.orgId }, { version: 3 }]) {
      const res = await gw.api('POST', '/api/v1/posts', {
        token: owner.token,
        body: { content: 'x', target_account_ids: [accountId], ...extra },
      });
      expect(res.status).toBe(400);
      expect(res.body.type).toMatch(/validation-error$/);
    }
  });

  test('Idempotency-Key: a repeat returns the first result and creates nothing', async () => {
    const key = `k-${Date.now()}`;
    const body = { content: 'idempotent', target_account_ids: [accountId] };
    const first = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body,
      headers: { 'idempotency-key': key },
    });
    const again = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body: { ...body, content: 'different' },
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(422);
    const empty = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body,
      headers: { 'idempotency-key': '' },
    });
    expect(empty.status).toBe(400);
  });

  test('Idempotency-Key is scoped by user, organization and route', async () => {
    const u = await gw.register();
    const second = await gw.api('POST', '/api/v1/organizations', {
      token: u.token,
      body: { name: 'Second' },
    });
    const orgs = [u.orgId, second.body.id as string];
    // One account per organization with the same platform id: the bodies below are byte-identical.
    const accounts = [];
    for (const orgId of orgs) {
      const res = await gw.api('POST', `/api/v1/organizations/${orgId}/accounts`, {
        token: u.token,
        body: { platform: 'x', external_id: 'same', display_name: 'X', access_token: 'token' },
      });
      expect(res.status).toBe(201);
      accounts.push(res.body.id as string);
    }
    const key = `scoped-${Date.now()}`;
    const post = (orgId: string, accountIds: string[], path = '/api/v1/posts') =>
      gw.api('POST', path, {
        token: u.token,
        body: { content: 'same body', target_account_ids: accountIds },
        headers: { 'idempotency-key': key, 'x-organization-id': orgId },
      });
    // Account ids differ per organization: the first's sent to both keeps the body identical.
    const inFirst = await post(orgs[0]!, [accounts[0]!]);
    expect(inFirst.status).toBe(201);
    const inSecondSameBody = await post(orgs[1]!, [accounts[0]!]);
    // Not a replay of the first organization's post: a new request, judged in the second organization.
    expect(inSecondSameBody.headers.get('idempotent-replayed')).toBeNull();
    expect(inSecondSameBody.status).toBe(422);
    expect(inSecondSameBody.body.type).toMatch(/unknown-accounts$/);

    const inSecond = await post(orgs[1]!, [accounts[1]!]);
    expect(inSecond.status).toBe(201);
    expect(inSecond.body.organization_id).toBe(orgs[1]);
    expect(inSecond.body.id).not.toBe(inFirst.body.id);

    // Repeats replay within their own organization, with or without the trailing slash.
    const again = await post(orgs[0]!, [accounts[0]!], '/api/v1/posts/');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(inFirst.body.id);
    expect((await post(orgs[1]!, [accounts[1]!])).body.id).toBe(inSecond.body.id);

    // The same key on another route is a new request too.
    const org = await gw.api('POST', '/api/v1/organizations', {
      token: u.token,
      body: { name: 'Third' },
      headers: { 'idempotency-key': key },
    });
    expect(org.status).toBe(201);
    expect(org.headers.get('idempotent-replayed')).toBeNull();
    const friend = await gw.register();
    const member = await gw.api('POST', `/api/v1/organizations/${orgs[0]}/members`, {
      token: u.token,
      body: { email: friend.email, role: 'viewer' },
      headers: { 'idempotency-key': key },
    });
    expect(member.status).toBe(201);
    expect(member.body.user_id).toBe(friend.userId);
  });

  test('list filters: status, account, platform, scheduled time range', async () => {
    const u = await gw.register();
    const a1 = await connectX(u);
    const a2 = await connectX(u);
    const soon = new Date(Date.now() + 3600_000).toISOString();
    const later = new Date(Date.now() + 7200_000).toISOString();
    const mk = async (body: object) =>
      (await gw.api('POST', '/api/v1/posts', { token: u.token, body })).body.id as string;
    const draft1 = await mk({ content: 'd1', target_account_ids: [a1] });
    const draft2 = await mk({ content: 'd2', target_account_ids: [a2] });
    const sched = await mk({ content: 's1', target_account_ids: [a1, a2], scheduled_at: soon });
    const ids = async (qs: string) =>
      ((await gw.api('GET', `/api/v1/posts?${qs}`, { token: u.token })).body.data as { id: string }[])
        .map((p) => p.id)
        .sort();
    expect(await ids('status=draft')).toEqual([draft1, draft2].sort());
    expect(await ids(`account_id=${a2}`)).toEqual([draft2, sched].sort());
    expect(await ids('platform=x')).toEqual([draft1, draft2, sched].sort());
    expect(await ids('platform=linkedin')).toEqual([]);
    expect(await ids(`from=${encodeURIComponent(soon)}&to=${encodeURIComponent(later)}`)).toEqual([sched]);
  });

  test('cursor pagination walks every post once', async () => {
    const u = await gw.register();
    const acc = await connectX(u);
    for (let i = 0; i < 5; i++)
      await gw.api('POST', '/api/v1/posts', {
        token: u.token,
        body: { content: `p${i}`, target_account_ids: [acc] },
      });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; next_cursor: string | null } } = await gw.api(
        'GET',
        `/api/v1/posts?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: u.token },
      );
      seen.push(...page.body.data.map((p) => p.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect((await gw.api('GET', '/api/v1/posts?cursor=garbage', { token: u.token })).status).toBe(400);
  });
});

describe('tenancy: another organization gets 404 and changes nothing', () => {
  test('every id-bearing route', async () => {
    const a = await gw.register('Alice');
    const b = await gw.register('Mallory');
    const acc = await connectX(a);
    const post = await gw.api('POST', '/api/v1/posts', {
      token: a.token,
      body: { content: 'private', target_account_ids: [acc] },
    });
    const id = post.body.id as string;
    const calls: [string, string, unknown?][] = [
      ['GET', `/api/v1/posts/${id}`],
      ['PUT', `/api/v1/posts/${id}`, { version: 1, content: 'pwned' }],
      ['DELETE', `/api/v1/posts/${id}`],
      ['POST', `/api/v1/posts/${id}/publish`],
      ['POST', `/api/v1/posts/${id}/retry`],
      ['GET', `/api/v1/organizations/${a.orgId}`],
      ['PATCH', `/api/v1/organizations/${a.orgId}`, { name: 'pwned' }],
      ['GET', `/api/v1/organizations/${a.orgId}/members`],
      ['POST', `/api/v1/organizations/${a.orgId}/members`, { email: b.email, role: 'admin' }],
      ['PATCH', `/api/v1/organizations/${a.orgId}/members/${a.userId}`, { role: 'viewer' }],
      ['DELETE', `/api/v1/organizations/${a.orgId}/members/${a.userId}`],
      ['GET', `/api/v1/organizations/${a.orgId}/accounts`],
      [
        'POST',
        `/api/v1/organizations/${a.orgId}/accounts`,
        { platform: 'x', external_id: 'e', display_name: 'd', access_token: 't' },
      ],
      ['DELETE', `/api/v1/organizations/${a.orgId}/accounts/${acc}`],
    ];
    for (const [method, path, body] of calls) {
      const res = await gw.api(method, path, { token: b.token, ...(body ? { body } : {}) });
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    // Mallory cannot target Alice's account from her own organization either.
    const cross = await gw.api('POST', '/api/v1/posts', {
      token: b.token,
      body: { content: 'x', target_account_ids: [acc] },
    });
    expect(cross.status).toBe(422);
    const after = await gw.api('GET', `/api/v1/posts/${id}`, { token: a.token });
    expect(after.body).toMatchObject({ content: 'private', version: 1, status: 'draft' });
    const members = await gw.api('GET', `/api/v1/organizations/${a.orgId}/members`, { token: a.token });
    expect(members.body.data).toHaveLength(1);
  });
});

describe('roles', () => {
  test('a viewer cannot write; an editor cannot manage members; an admin can', async () => {
    const owner = await gw.register('Owner');
    const [admin, editor, viewer] = [
      await gw.register('Admin'),
      await gw.register('Editor'),
      await gw.register('Viewer'),
    ];
    for (const [m, role] of [
      [admin, 'admin'],
      [editor, 'editor'],
      [viewer, 'viewer'],
    ] as const) {
      const res = await gw.api('POST', `/api/v1/organizations/${owner.orgId}/members`, {
        token: owner.token,
        body: { email: m.email, role },
      });
      expect(res.status).toBe(201);
    }
    const acc = await connectX(owner);
    const org = { 'x-organization-id': owner.orgId };
    const byViewer = await gw.api('POST', '/api/v1/posts', {
      token: viewer.token,
      headers: org,
      body: { content: 'v', target_account_ids: [acc] },
    });
    expect(byViewer.status).toBe(403);
    expect((await gw.api('GET', '/api/v1/posts', { token: viewer.token, headers: org })).status).toBe(200);
    const byEditor = await gw.api('POST', '/api/v1/posts', {
      token: editor.token,
      headers: org,
      body: { content: 'e', target_account_ids: [acc] },
    });
    expect(byEditor.status).toBe(201);
    const viewerEdit = await gw.api('PUT', `/api/v1/posts/${byEditor.body.id}`, {
      token: viewer.token,
      body: { version: 1, content: 'no' },
    });
    expect(viewerEdit.status).toBe(403);
    const editorInvite = await gw.api(
      'PATCH',
      `/api/v1/organizations/${owner.orgId}/members/${viewer.userId}`,
      { token: editor.token, body: { role: 'admin' } },
    );
    expect(editorInvite.status).toBe(403);
    const adminPromote = await gw.api(
      'PATCH',
      `/api/v1/organizations/${owner.orgId}/members/${viewer.userId}`,
      { token: admin.token, body: { role: 'editor' } },
    );
    expect(adminPromote.status).toBe(200);
    const adminMakesOwner = await gw.api(
      'PATCH',
      `/api/v1/organizations/${owner.orgId}/members/${admin.userId}`,
      { token: admin.token, body: { role: 'owner' } },
    );
    expect(adminMakesOwner.status).toBe(403);
    const lastOwnerLeaves = await gw.api(
      'DELETE',
      `/api/v1/organizations/${owner.orgId}/members/${owner.userId}`,
      { token: owner.token },
    );
    expect(lastOwnerLeaves.status).toBe(409);
  });
});

describe('Temporal down', () => {
  test('scheduling answers 503 and writes nothing', async () => {
    const down = await startTestGateway({}, { temporalAddress: '127.0.0.1:1' });
    try {
      const u = await down.register();
      // Connecting needs Temporal too (the account's token workflow): the account is written directly.
      const em = down.deps.orm.em.fork();
      const account = new SocialAccount(em.getReference(Organization, u.orgId), 'x', 'e1', 'd', 'enc');
      await em.persist(account).flush();
      const acc = account.id;
      const res = await down.api('POST', '/api/v1/posts', {
        token: u.token,
        body: { content: 'never half-written', target_account_ids: [acc], scheduled_at: inOneHour() },
      });
      expect(res.status).toBe(503);
      expect(res.body.type).toMatch(/dependency-unavailable$/);
      const list = await down.api('GET', '/api/v1/posts', { token: u.token });
      expect(list.body.data).toHaveLength(0);
      // Nor any event: a draft made next is the organization's first (the outbox sends in id order).
      const draft = await down.api('POST', '/api/v1/posts', {
        token: u.token,
        body: { content: 'a draft', target_account_ids: [acc] },
      });
      expect(draft.status).toBe(201);
      const bus = await connectEventBus({ servers: down.deps.env.NATS_URL });
      try {
        const jsm = await bus.nc.jetstreamManager();
        await waitUntil(async () => {
          const info = await jsm.streams.info(EVENT_STREAM, { subjects_filter: `vt.${u.orgId}.>` });
          return Object.keys(info.state.subjects ?? {}).length > 0;
        });
        const first = await jsm.streams.getMessage(EVENT_STREAM, {
          last_by_subj: `vt.${u.orgId}.post.created`,
        });
        const info = await jsm.streams.info(EVENT_STREAM, { subjects_filter: `vt.${u.orgId}.>` });
        expect(info.state.subjects).toEqual({ [`vt.${u.orgId}.post.created`]: 1 });
        expect(decodeEvent(PostCreatedSchema, first.data).postId).toBe(draft.body.id);
      } finally {
        await bus.close();
      }
    } finally {
      await down.close();
    }
  });

  test("connecting an account answers 503 and stores nothing (its token workflow can't start)", async () => {
    const down = await startTestGateway({}, { temporalAddress: '127.0.0.1:1' });
    try {
      const u = await down.register();
      const res = await down.api('POST', `/api/v1/organizations/${u.orgId}/accounts`, {
        token: u.token,
        body: { platform: 'x', external_id: 'e1', display_name: 'd', access_token: 't' },
      });
      expect(res.status).toBe(503);
      expect(res.body.type).toMatch(/dependency-unavailable$/);
      const list = await down.api('GET', `/api/v1/organizations/${u.orgId}/accounts`, { token: u.token });
      expect(list.body.data).toHaveLength(0);
    } finally {
      await down.close();
    }
  });
});
