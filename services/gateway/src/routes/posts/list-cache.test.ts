import { randomUUID } from 'node:crypto';
import { type EntityManager, postsVersionSql } from '@vibetribe/database';
import { PostListCache } from '../../lib/list-cache';
import { ListAccessBatcher } from '../../lib/list-access';
import { startTestGateway, type TestGateway } from '../../test-support/harness';

// Two gateways on one database, as two instances behind a load balancer: each has its own page cache.
let a: TestGateway;
let b: TestGateway;
beforeAll(async () => {
  a = await startTestGateway();
  b = await startTestGateway();
});
afterAll(async () => {
  await a.close();
  await b.close();
});

type Member = Awaited<ReturnType<TestGateway['register']>>;

async function connectX(gw: TestGateway, owner: Member): Promise<string> {
  const res = await gw.api('POST', `/api/v1/organizations/${owner.orgId}/accounts`, {
    token: owner.token,
    body: { platform: 'x', external_id: randomUUID(), display_name: 'X', access_token: 't' },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** A draft with `content` on one account, through the API of `gw`. */
function createPost(gw: TestGateway, m: Member, accountId: string, content: string) {
  return gw.api('POST', '/api/v1/posts', {
    token: m.token,
    body: { content, target_account_ids: [accountId] },
  });
}

/** A new organization's owner and one connected X account. */
async function ownerWithAccount(name: string): Promise<{ owner: Member; accountId: string }> {
  const owner = await a.register(name);
  return { owner, accountId: await connectX(a, owner) };
}

/** Runs SQL as psql would, behind the gateways' backs (`em`: to join a transaction). */
const sql = async (text: string, params: unknown[] = [], em: EntityManager = a.deps.orm.em) =>
  em.getConnection().execute<Record<string, unknown>[]>(text, params, 'all', em.getTransactionContext());
const version = async (orgId: string) =>
  String((await sql(`SELECT ${postsVersionSql('?')}::text AS n`, [orgId]))[0]!.n);

function list(gw: TestGateway, m: Member, qs = 'limit=10') {
  return gw.api('GET', `/api/v1/posts?${qs}`, {
    token: m.token,
    headers: { 'x-organization-id': m.orgId },
  });
}

describe('post list cache: every committed change is seen, from any writer, on every instance', () => {
  let owner: Member;
  let accountId: string;
  beforeAll(async () => {
    ({ owner, accountId } = await ownerWithAccount('Owner'));
  });

  test("read-your-writes on one instance, and the other instance's writes", async () => {
    expect((await list(a, owner)).body.data).toEqual([]);
    const created = await createPost(a, owner, accountId, 'first');
    expect(created.status).toBe(201);
    // Twice: the second is served from the cache, and must be the same.
    for (let i = 0; i < 2; i++) {
      expect((await list(a, owner)).body.data.map((p: { id: string }) => p.id)).toEqual([created.body.id]);
      expect((await list(b, owner)).body.data.map((p: { id: string }) => p.id)).toEqual([created.body.id]);
    }
    const edited = await b.api('PUT', `/api/v1/posts/${created.body.id}`, {
      token: owner.token,
      body: { version: created.body.version, content: 'edited on b' },
    });
    expect(edited.status).toBe(200);
    expect((await list(a, owner)).body.data[0].content).toBe('edited on b');
    expect((await b.api('DELETE', `/api/v1/posts/${created.body.id}`, { token: owner.token })).status).toBe(
      204,
    );
    expect((await list(a, owner)).body.data).toEqual([]);
  });

  test('writes that bypass the gateway (the worker, psql) are seen at once', async () => {
    const created = await createPost(a, owner, accountId, 'worker changes me');
    const id = created.body.id as string;
    expect((await list(a, owner)).body.data[0].targets[0].status).toBe('pending');
    expect((await list(a, owner)).body.data[0].targets[0].status).toBe('pending');
    // What the worker does when a target fails: only post_targets changes.
    await sql(
      `UPDATE post_targets SET status = 'failed', attempts = 3, last_error = ?::jsonb WHERE post_id = ?`,
      [JSON.stringify({ kind: 'x', message: 'boom' }), id],
    );
    const target = (await list(a, owner)).body.data[0].targets[0];
    expect(target).toMatchObject({
      status: 'failed',
      attempts: 3,
      last_error: { kind: 'x', message: 'boom' },
    });
    await sql(`UPDATE posts SET status = 'failed' WHERE id = ?`, [id]);
    expect((await list(a, owner)).body.data[0].status).toBe('failed');
    expect((await list(b, owner)).body.data[0].status).toBe('failed');
    // A listed post is still exactly its detail.
    const detail = await a.api('GET', `/api/v1/posts/${id}`, { token: owner.token });
    const { timeline: _timeline, ...withoutTimeline } = detail.body;
    expect((await list(a, owner)).body.data[0]).toEqual(withoutTimeline);
  });

  test('a listed post is exactly its detail (one presenter), whatever the text holds', async () => {
    const content = 'say "hi" \\ back\nslash\ttab \u0001\u001f\u007f é 😀 </script> \u2028';
    const created = await a.api('POST', '/api/v1/posts', {
      token: owner.token,
      body: {
        content,
        target_account_ids: [accountId],
        platform_content: { x: 'for "X" \\ only' },
        scheduled_at: new Date(Date.now() + 3600_000).toISOString(),
        timezone: 'America/Argentina/Buenos_Aires',
      },
    });
    expect(created.status).toBe(201);
    const listed = (await list(a, owner)).body.data[0];
    const { timeline: _timeline, ...detail } = (
      await a.api('GET', `/api/v1/posts/${created.body.id}`, { token: owner.token })
    ).body;
    expect(listed).toEqual(detail);
    expect(listed.content).toBe(content);
    expect(listed).toEqual(created.body);
  });

  test('every page and filter is cached separately and all follow changes', async () => {
    const before = (await list(a, owner, 'limit=1')).body;
    await list(a, owner, 'limit=1&status=draft');
    const created = await createPost(a, owner, accountId, 'newest draft');
    expect((await list(a, owner, 'limit=1')).body.data[0].id).toBe(created.body.id);
    expect((await list(a, owner, 'limit=1&status=draft')).body.data[0].id).toBe(created.body.id);
    expect((await list(a, owner, 'limit=1')).body.next_cursor).not.toBe(before.next_cursor);
  });

  test('a removed member gets 404 at once, on both instances, however removed', async () => {
    const viewer = await a.register('Viewer');
    const invited = await a.api('POST', `/api/v1/organizations/${owner.orgId}/members`, {
      token: owner.token,
      body: { email: viewer.email, role: 'viewer' },
    });
    expect(invited.status).toBe(201);
    const asViewer = { ...viewer, orgId: owner.orgId };
    expect((await list(a, asViewer)).status).toBe(200);
    expect((await list(b, asViewer)).status).toBe(200);
    // Removed through instance b: instance a (which has the page cached) refuses at once.
    const removed = await b.api('DELETE', `/api/v1/organizations/${owner.orgId}/members/${viewer.userId}`, {
      token: owner.token,
    });
    expect(removed.status).toBe(204);
    expect((await list(a, asViewer)).status).toBe(404);
    expect((await list(b, asViewer)).status).toBe(404);
    // Removed behind the gateways' backs (psql): the same.
    const other = await a.register('Other');
    await a.api('POST', `/api/v1/organizations/${owner.orgId}/members`, {
      token: owner.token,
      body: { email: other.email, role: 'viewer' },
    });
    const asOther = { ...other, orgId: owner.orgId };
    expect((await list(a, asOther)).status).toBe(200);
    await sql('DELETE FROM memberships WHERE user_id = ? AND organization_id = ?', [
      other.userId,
      owner.orgId,
    ]);
    expect((await list(a, asOther)).status).toBe(404);
    // Not a member at all, with a page of that organization in the cache: 404, nothing leaks.
    const stranger = await a.register('Stranger');
    const res = await list(a, { ...stranger, orgId: owner.orgId });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('newest draft');
  });

  test('filters with instants PostgreSQL would not parse as text still work (found by Schemathesis)', async () => {
    const from = encodeURIComponent('0255-10-09T23:12:12.80+16:24');
    const to = encodeURIComponent('0721-06-24T01:29:20.945Z');
    const res = await list(a, owner, `limit=52&from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], next_cursor: null });
  });

  test('without X-Organization-Id: the only organization, or 422 for several', async () => {
    const { owner: solo, accountId: acc } = await ownerWithAccount('Solo');
    await createPost(a, solo, acc, 'solo post');
    const res = await a.api('GET', '/api/v1/posts', { token: solo.token });
    expect(res.status).toBe(200);
    expect(res.body.data.map((p: { content: string }) => p.content)).toEqual(['solo post']);
    await a.api('POST', `/api/v1/organizations/${owner.orgId}/members`, {
      token: owner.token,
      body: { email: solo.email, role: 'viewer' },
    });
    expect((await a.api('GET', '/api/v1/posts', { token: solo.token })).status).toBe(422);
  });
});

describe('post_list_versions (the triggers behind the cache)', () => {
  test('one bump per committed transaction that changes posts or targets; none on rollback', async () => {
    const { owner, accountId } = await ownerWithAccount('Versions');
    const v0 = BigInt(await version(owner.orgId));
    const created = await createPost(a, owner, accountId, 'v');
    const v1 = BigInt(await version(owner.orgId));
    expect(v1).toBe(v0 + 1n);
    // Several rows of both tables in one transaction: one bump.
    const id = created.body.id as string;
    await a.deps.orm.em.fork().transactional(async (em) => {
      await sql(`UPDATE posts SET content = 'v2' WHERE id = ?`, [id], em);
      await sql('UPDATE post_targets SET attempts = 1 WHERE post_id = ?', [id], em);
      await sql(`UPDATE posts SET content = 'v3' WHERE id = ?`, [id], em);
    });
    expect(BigInt(await version(owner.orgId))).toBe(v1 + 1n);
    await a.deps.orm.em
      .fork()
      .transactional(async (em) => {
        await sql(`UPDATE posts SET content = 'never' WHERE id = ?`, [id], em);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(BigInt(await version(owner.orgId))).toBe(v1 + 1n);
    // Another organization is not touched by this one's writes.
    const other = await a.register('Untouched');
    const before = await version(other.orgId);
    await sql(`UPDATE posts SET content = 'v4' WHERE id = ?`, [id]);
    expect(await version(other.orgId)).toBe(before);
  });

  test("deleting an organization removes its versions and doesn't fail on its posts' triggers", async () => {
    const { owner, accountId } = await ownerWithAccount('Doomed');
    await createPost(a, owner, accountId, 'doomed');
    expect(await version(owner.orgId)).not.toBe('0');
    await sql('DELETE FROM organizations WHERE id = ?', [owner.orgId]);
    expect(await version(owner.orgId)).toBe('0');
  });
});

describe('PostListCache', () => {
  const page = (n: number) => ({ version: '1', body: Buffer.alloc(n) });

  test('bounded by bytes, least recently used out', () => {
    const cache = new PostListCache(4000);
    cache.set('a', page(900));
    cache.set('b', page(900));
    cache.set('c', page(900));
    cache.get('a');
    cache.set('d', page(900));
    cache.set('e', page(900));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.size.bytes).toBeLessThanOrEqual(4000);
    // Too big for a quarter of the cache: not kept.
    cache.set('huge', page(1500));
    expect(cache.get('huge')).toBeUndefined();
  });

  test('0 MB turns it off', () => {
    const cache = new PostListCache(0);
    expect(cache.enabled).toBe(false);
    cache.set('a', page(1));
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('ListAccessBatcher', () => {
  test('checks that arrive together share statements, and each gets its own answer', async () => {
    const owner = await a.register('Batch');
    const stranger = await a.register('Stranger');
    const batcher = new ListAccessBatcher(a.deps.orm.em);
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => batcher.check(owner.userId, owner.orgId)),
      batcher.check(stranger.userId, owner.orgId),
      batcher.check(owner.userId, null),
      batcher.check(owner.userId, randomUUID()),
    ]);
    for (const r of results.slice(0, 20)) expect(r).toMatchObject({ kind: 'member', role: 'owner' });
    expect(results[20]).toEqual({ kind: 'none' });
    expect(results[21]).toMatchObject({ kind: 'member', orgId: owner.orgId });
    expect(results[22]).toEqual({ kind: 'none' });
  });

  test('a member removed a moment ago is refused at once: nothing is cached between checks', async () => {
    const owner = await a.register('Remover');
    const member = await a.register('Removed');
    const invited = await a.api('POST', `/api/v1/organizations/${owner.orgId}/members`, {
      token: owner.token,
      body: { email: member.email, role: 'viewer' },
    });
    expect(invited.status).toBe(201);
    const asMember = { ...member, orgId: owner.orgId };
    const batcher = new ListAccessBatcher(a.deps.orm.em);
    expect(await batcher.check(member.userId, owner.orgId)).toMatchObject({ kind: 'member', role: 'viewer' });
    expect((await list(a, asMember)).status).toBe(200);
    const removed = await a.api('DELETE', `/api/v1/organizations/${owner.orgId}/members/${member.userId}`, {
      token: owner.token,
    });
    expect(removed.status).toBe(204);
    // The very next check and list, on the same instance and the same batcher: refused.
    expect(await batcher.check(member.userId, owner.orgId)).toEqual({ kind: 'none' });
    const refused = await list(a, asMember);
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
  });
});
