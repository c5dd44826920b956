import { startXEmulator, type XEmulator } from './x-emulator';
import { call } from './test-client';

let emulator: XEmulator;
const ALICE = { userId: '2001', username: 'alice', accessToken: 'tok-a' };
const BOB = { userId: '2002', username: 'bob', accessToken: 'tok-b' };
const texts = (body: unknown) => (body as { data: { text: string }[] }).data.map((t) => t.text);
const tweet = (text: string, token = ALICE.accessToken) =>
  call(emulator.url, '/2/tweets', { token, json: { text } });

beforeAll(async () => {
  emulator = await startXEmulator({ port: 0 });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.reset(true);
  for (const account of [ALICE, BOB]) {
    const res = await call(emulator.url, '/__emulator/accounts', { json: account });
    expect(res.status).toBe(201);
  }
});

describe('X emulator: auth and posting', () => {
  it('answers an unknown or missing token with X’s exact 401', async () => {
    const expected = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };
    expect(await tweet('hi', 'wrong')).toMatchObject({ status: 401, body: expected });
    expect(await call(emulator.url, '/2/users/me')).toMatchObject({ status: 401, body: expected });
  });

  it('creates a post: 201, snowflake id, rate-limit headers', async () => {
    const first = await tweet('first');
    const second = await tweet('second');
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ data: { id: expect.stringMatching(/^\d{18,19}$/), text: 'first' } });
    expect(BigInt(String(second.body.data.id))).toBeGreaterThan(BigInt(String(first.body.data.id)));
    expect(second.headers.get('x-rate-limit-limit')).toBe('100');
    expect(second.headers.get('x-rate-limit-remaining')).toBe('98');
    expect(Number(second.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000 + 800);
  });

  it('refuses duplicate text from the same user only', async () => {
    await tweet('same');
    expect(await tweet('same')).toMatchObject({
      status: 403,
      body: { detail: 'You are not allowed to create a Tweet with duplicate content.', status: 403 },
    });
    expect((await tweet('same', BOB.accessToken)).status).toBe(201);
  });

  it('counts text with twitter-text weights', async () => {
    expect((await tweet('漢'.repeat(140))).status).toBe(201);
    const tooLong = await tweet('漢'.repeat(141));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors[0].message).toContain('282');
    expect((await tweet(`${'a'.repeat(256)} https://example.com/${'x'.repeat(400)}`)).status).toBe(201);
    expect((await tweet('   ')).status).toBe(400);
  });

  it('enforces the per-user posting window', async () => {
    await call(emulator.url, '/__emulator/settings', { json: { postLimit: 2 } });
    await tweet('1');
    await tweet('2');
    const limited = await tweet('3');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    expect((await tweet('4', BOB.accessToken)).status).toBe(201);
    expect(emulator.stats().creates).toMatchObject({ attempted: 4, accepted: 3, rejected: { 429: 1 } });
  });

  it('serves a post with requested fields, and 200 + errors for an unknown id', async () => {
    const { body } = await tweet('measure');
    const id = body.data.id as string;
    expect(emulator.setMetrics(id, { like_count: 4, impression_count: 50 })).toBe(true);
    const got = await call(emulator.url, `/2/tweets/${id}?tweet.fields=public_metrics,created_at,author_id`, {
      token: 'tok-b',
    });
    expect(got.body.data).toMatchObject({
      id,
      text: 'measure',
      author_id: ALICE.userId,
      edit_history_tweet_ids: [id],
      public_metrics: { like_count: 4, impression_count: 50, retweet_count: 0 },
    });
    const missing = await call(emulator.url, '/2/tweets/1', { token: 'tok-a' });
    expect(missing).toMatchObject({
      status: 200,
      body: { errors: [{ title: 'Not Found Error', resource_id: '1' }] },
    });
  });

  it('answers /2/users/me', async () => {
    expect((await call(emulator.url, '/2/users/me', { token: 'tok-b' })).body).toEqual({
      data: { id: BOB.userId, name: 'bob', username: 'bob' },
    });
  });
});

describe('X emulator: timeline', () => {
  it('pages newest first and honours start_time', async () => {
    for (let i = 0; i < 12; i++) await tweet(`post ${i}`);
    await tweet('other user', BOB.accessToken);
    const path = `/2/users/${ALICE.userId}/tweets?max_results=5`;
    const page1 = await call(emulator.url, path, { token: 'tok-b' });
    expect(texts(page1.body)).toEqual(['post 11', 'post 10', 'post 9', 'post 8', 'post 7']);
    expect(page1.body.meta).toMatchObject({ result_count: 5, next_token: expect.any(String) });
    const page2 = await call(emulator.url, `${path}&pagination_token=${page1.body.meta.next_token}`, {
      token: 'tok-b',
    });
    const next = await call(emulator.url, `${path}&pagination_token=${page2.body.meta.next_token}`, {
      token: 'tok-b',
    });
    expect(texts(next.body)).toEqual(['post 1', 'post 0']);
    expect(next.body.meta.next_token).toBeUndefined();

    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await call(emulator.url, `${path}&start_time=${future}`, { token: 'tok-a' })).body).toEqual({
      meta: { result_count: 0 },
    });
    expect((await call(emulator.url, `${path.replace('=5', '=101')}`, { token: 'tok-a' })).status).toBe(400);
  });
});

describe('X emulator: faults and inspection', () => {
  it('fails the next creates with the injected status, then recovers', async () => {
    await call(emulator.url, '/__emulator/faults', { json: { failNext: { status: 503, count: 2 } } });
    expect((await tweet('a')).status).toBe(503);
    expect((await call(emulator.url, '/2/users/me', { token: 'tok-a' })).status).toBe(200);
    expect((await tweet('a')).status).toBe(503);
    expect((await tweet('a')).status).toBe(201);
    expect(emulator.stats().creates).toMatchObject({ attempted: 3, accepted: 1, rejected: { 503: 2 } });
  });

  it('can fail any API call, and 429 carries a reset', async () => {
    emulator.setFaults({ failNext: { status: 429, count: 1, resetInS: 30, on: 'any' } });
    const res = await call(emulator.url, '/2/users/me', { token: 'tok-a' });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('x-rate-limit-reset'))).toBeGreaterThanOrEqual(
      Math.floor(Date.now() / 1000) + 29,
    );
  });

  it('drops the response after storing the post', async () => {
    await call(emulator.url, '/__emulator/faults', { json: { dropResponseNext: 1 } });
    await expect(tweet('lost reply')).rejects.toThrow();
    expect(emulator.posts().map((p) => p.text)).toEqual(['lost reply']);
    expect((await tweet('lost reply')).status).toBe(403);
  });

  it('adds latency and clears faults', async () => {
    emulator.setFaults({ latencyMs: 150 });
    const started = Date.now();
    await tweet('slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await call(emulator.url, '/__emulator/faults', { method: 'DELETE' })).status).toBe(204);
  });

  it('rejects a malformed faults body', async () => {
    expect(
      (await call(emulator.url, '/__emulator/faults', { json: { failNext: { status: 200 } } })).status,
    ).toBe(400);
  });

  it('lists posts and stats, and resets', async () => {
    await tweet('one');
    const posts = await call(emulator.url, '/__emulator/posts');
    expect(posts.body).toEqual({
      posts: [
        {
          id: expect.any(String),
          userId: ALICE.userId,
          text: 'one',
          mediaIds: [],
          receivedAt: expect.any(String),
        },
      ],
      count: 1,
    });
    expect((await call(emulator.url, '/__emulator/stats')).body.creates.accepted).toBe(1);
    expect((await call(emulator.url, '/__emulator/reset', { method: 'POST' })).status).toBe(204);
    expect((await call(emulator.url, '/__emulator/posts')).body.count).toBe(0);
    expect((await tweet('one')).status).toBe(201);
  });
});
