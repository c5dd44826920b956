import { startXEmulator, type XEmulator } from '@vibetribe/emulators';
import { type ConnectorAccount, type PlatformConnector } from '../connector';
import { PlatformError, isRetryable } from '../errors';
import { createXConnector } from './x-connector';

let emulator: XEmulator;
let x: PlatformConnector;
const account: ConnectorAccount = { externalId: '1001', accessToken: 'token-alice' };
const publish = (text: string, media: Awaited<ReturnType<PlatformConnector['uploadMedia']>>[] = []) =>
  x.publish({ account, text, media, clientRef: 'post-1:x:1', idempotencyKey: 'k-1' });
const failure = async (promise: Promise<unknown>): Promise<PlatformError> => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlatformError);
  return err as PlatformError;
};

beforeAll(async () => {
  emulator = await startXEmulator({ port: 0, mediaProcessingMs: 150 });
  x = createXConnector({
    baseUrl: emulator.url,
    timeoutMs: 2000,
    chunkBytes: 100_000,
    maxPollIntervalMs: 40,
  });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.reset();
  await fetch(`${emulator.url}/__emulator/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: '1001', username: 'alice', accessToken: 'token-alice' }),
  });
});

describe('X connector against the emulator', () => {
  it('publishes, and the post is on the platform', async () => {
    const result = await publish('Hello from VibeTribe 🎉');
    expect(result.url).toBe(`https://x.com/i/web/status/${result.platformPostId}`);
    const { posts, count } = (await (await fetch(`${emulator.url}/__emulator/posts`)).json()) as {
      posts: { id: string; userId: string; text: string; receivedAt: string }[];
      count: number;
    };
    expect(count).toBe(1);
    expect(posts[0]).toMatchObject({
      id: result.platformPostId,
      userId: '1001',
      text: 'Hello from VibeTribe 🎉',
    });
    expect(posts[0]?.receivedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('uploads an image (simple) and a video (chunked), then publishes with each', async () => {
    const image = await x.uploadMedia(account, {
      bytes: Buffer.alloc(2048, 7),
      mime: 'image/png',
      kind: 'image',
      alt: 'a square',
    });
    const video = await x.uploadMedia(account, {
      bytes: new Uint8Array(350_000),
      mime: 'video/mp4',
      kind: 'video',
    });
    expect(image).toMatchObject({ kind: 'image', alt: 'a square' });
    expect(video.kind).toBe('video');
    expect(Date.parse(video.expiresAt ?? '')).toBeGreaterThan(Date.now());

    const withImage = await publish('with an image', [image]);
    const withVideo = await publish('with a video', [video]);
    expect(emulator.posts().map((p) => [p.id, p.mediaIds])).toEqual([
      [withImage.platformPostId, [image.id]],
      [withVideo.platformPostId, [video.id]],
    ]);
    // initialize + 4 appends + finalize + at least one STATUS poll.
    expect(emulator.stats().requests).toBeGreaterThanOrEqual(1 + 1 + 6 + 1 + 2);
  });

  it('reports failed video processing as a validation error', async () => {
    emulator.setFaults({ failMediaProcessingNext: 1 });
    const err = await failure(
      x.uploadMedia(account, { bytes: new Uint8Array(1000), mime: 'video/mp4', kind: 'video' }),
    );
    expect(err).toMatchObject({ kind: 'validation', platformCode: 'InvalidMedia' });
  });

  it('classifies 503 as retryable (and ambiguous), storing nothing', async () => {
    emulator.setFaults({ failNext: { status: 503, count: 1 } });
    const err = await failure(publish('during an outage'));
    expect(err).toMatchObject({ kind: 'retryable', status: 503, ambiguous: true, platform: 'x' });
    expect(isRetryable(err)).toBe(true);
    expect(emulator.posts()).toHaveLength(0);
    await expect(publish('during an outage')).resolves.toHaveProperty('platformPostId');
  });

  it('classifies an injected 429 as rate_limited, waiting until its reset', async () => {
    emulator.setFaults({ failNext: { status: 429, count: 1, resetInS: 120 } });
    const err = await failure(publish('too fast'));
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBeGreaterThan(118_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(121_000);
  });

  it('hits the per-user posting window', async () => {
    emulator.configure({ postLimit: 2, postWindowS: 900 });
    await publish('one');
    await publish('two');
    const err = await failure(publish('three'));
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBeGreaterThan(890_000);
  });

  it('classifies duplicate content as duplicate, not retryable', async () => {
    await publish('same words');
    const err = await failure(publish('same words'));
    expect(err).toMatchObject({ kind: 'duplicate', status: 403 });
    expect(isRetryable(err)).toBe(false);
  });

  it('classifies an unknown token as auth', async () => {
    const err = await failure(
      x.publish({
        account: { ...account, accessToken: 'nope' },
        text: 'hi',
        media: [],
        clientRef: 'r',
        idempotencyKey: 'k',
      }),
    );
    expect(err).toMatchObject({ kind: 'auth', status: 401, platformMessage: 'Unauthorized' });
  });

  it('reconciles a dropped response: publish fails retryable, lookup finds the post', async () => {
    const since = new Date();
    emulator.setFaults({ dropResponseNext: 1 });
    const err = await failure(publish('did this go out?'));
    expect(err).toMatchObject({ kind: 'retryable', ambiguous: true });
    expect(emulator.stats().creates).toMatchObject({ accepted: 1, dropped: 1 });

    const found = await x.lookup({ account, clientRef: 'post-1:x:1', text: 'did this go out?', since });
    expect(found).toEqual({
      platformPostId: emulator.posts()[0]?.id,
      url: `https://x.com/i/web/status/${emulator.posts()[0]?.id}`,
    });
  });

  it('lookup returns null when the post is absent, after reading every page', async () => {
    const since = new Date();
    emulator.configure({ postLimit: 1000 });
    for (let i = 0; i < 230; i++) await publish(`filler ${i}`);
    await expect(x.lookup({ account, clientRef: 'r', text: 'never sent', since })).resolves.toBeNull();
    const oldest = await x.lookup({ account, clientRef: 'r', text: 'filler 0', since });
    expect(oldest?.platformPostId).toBe(emulator.posts()[0]?.id);
  });

  it('reads metrics after they are set', async () => {
    const { platformPostId } = await publish('measure me');
    const res = await fetch(`${emulator.url}/__emulator/tweets/${platformPostId}/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        like_count: 12,
        retweet_count: 3,
        reply_count: 2,
        quote_count: 1,
        impression_count: 900,
      }),
    });
    expect(res.status).toBe(204);
    await expect(x.metrics(account, platformPostId)).resolves.toEqual({
      impressions: 900,
      likes: 12,
      reposts: 3,
      replies: 2,
      quotes: 1,
      bookmarks: 0,
    });
    const missing = await failure(x.metrics(account, '123456789'));
    expect(missing).toMatchObject({ kind: 'permanent', status: 404 });
  });

  it('turns a timeout into a retryable, ambiguous error', async () => {
    const slow = createXConnector({ baseUrl: emulator.url, timeoutMs: 50 });
    emulator.setFaults({ latencyMs: 300 });
    const err = await failure(
      slow.publish({ account, text: 'slow', media: [], clientRef: 'r', idempotencyKey: 'k' }),
    );
    expect(err).toMatchObject({ kind: 'retryable', ambiguous: true, platformCode: 'timeout' });
  });

  it('turns a refused connection into a retryable error that provably did not post', async () => {
    const closed = await startXEmulator();
    const url = closed.url;
    await closed.close();
    const err = await failure(
      createXConnector({ baseUrl: url }).publish({
        account,
        text: 'x',
        media: [],
        clientRef: 'r',
        idempotencyKey: 'k',
      }),
    );
    expect(err).toMatchObject({ kind: 'retryable', ambiguous: false, platformCode: 'ECONNREFUSED' });
  });
});
