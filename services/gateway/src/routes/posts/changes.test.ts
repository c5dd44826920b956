import { startTestGateway, type TestGateway } from '../../test-support/harness';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

describe('GET /posts/changes', () => {
  test('posts changed since a time, oldest first, deleted ones as tombstones, page by page', async () => {
    const owner = await gw.register('Owner');
    const account = await gw.api('POST', `/api/v1/organizations/${owner.orgId}/accounts`, {
      token: owner.token,
      body: { platform: 'x', external_id: `x-${owner.userId}`, display_name: 'X', access_token: 'a' },
    });
    expect(account.status).toBe(201);
    const create = async (content: string) => {
      const res = await gw.api('POST', '/api/v1/posts', {
        token: owner.token,
        body: { content, target_account_ids: [account.body.id] },
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const before = await create('before');
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5)); // `before` is strictly older than `since`
    const kept = await create('kept');
    const gone = await create('gone');
    expect((await gw.api('DELETE', `/api/v1/posts/${gone}`, { token: owner.token })).status).toBe(204);

    const first = await gw.api('GET', `/api/v1/posts/changes?since=${encodeURIComponent(since)}&limit=1`, {
      token: owner.token,
      headers: { 'x-organization-id': owner.orgId },
    });
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([
      expect.objectContaining({ id: kept, content: 'kept', status: 'draft' }),
    ]);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await gw.api(
      'GET',
      `/api/v1/posts/changes?since=${encodeURIComponent(since)}&limit=1&cursor=${first.body.next_cursor}`,
      { token: owner.token },
    );
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      data: [{ id: gone, deleted: true, status: 'cancelled', updated_at: expect.any(String) }],
      next_cursor: null,
    });
    expect(JSON.stringify([first.body, second.body])).not.toContain(before);
  });

  test('validates its query, and hides another organization', async () => {
    const [alice, mallory] = [await gw.register('Alice'), await gw.register('Mallory')];
    const bad = await gw.api('GET', '/api/v1/posts/changes?since=yesterday', { token: alice.token });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const extra = await gw.api('GET', `/api/v1/posts/changes?since=${new Date().toISOString()}&x=1`, {
      token: alice.token,
    });
    expect(extra.status).toBe(400);
    const foreign = await gw.api('GET', `/api/v1/posts/changes?since=${new Date(0).toISOString()}`, {
      token: mallory.token,
      headers: { 'x-organization-id': alice.orgId },
    });
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toContain('application/problem+json');
    // Not a post id: another method is 405 naming the allowed ones, not a 400 from /posts/:id.
    const put = await gw.api('PUT', '/api/v1/posts/changes', { token: alice.token, body: {} });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });

  test('is in the OpenAPI document', async () => {
    const doc = await gw.api('GET', '/api/v1/openapi.json');
    expect(doc.body.paths['/api/v1/posts/changes'].get).toBeDefined();
  });
});
