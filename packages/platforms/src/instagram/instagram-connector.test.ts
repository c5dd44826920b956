import { type KitEmulator, startInstagramEmulator } from '@vibetribe/emulators';
import { type ConnectorAccount, type PlatformConnector, type UploadedMedia } from '../connector';
import { type PlatformOAuth } from '../oauth/oauth';
import { consent, failure } from '../testing/oauth-round-trip';
import { createInstagramConnector } from './instagram-connector';
import { createInstagramOAuth } from './instagram-oauth';

let emulator: KitEmulator;
let ig: PlatformConnector;
let oauth: PlatformOAuth;
const biz: ConnectorAccount = { externalId: '1789', accessToken: 'ig-token' };
const image = (n: number) =>
  ig.uploadMedia(biz, {
    bytes: new Uint8Array(1),
    mime: 'image/jpeg',
    kind: 'image',
    url: `https://cdn.example/${n}.jpg`,
  });
const publish = (text: string, media: UploadedMedia[]) =>
  ig.publish({ account: biz, text, media, clientRef: 'r', idempotencyKey: 'k' });

beforeAll(async () => {
  emulator = await startInstagramEmulator({ mediaProcessingMs: 100 });
  const config = { baseUrl: emulator.url, timeoutMs: 2000, maxPollIntervalMs: 30 };
  ig = createInstagramConnector(config);
  oauth = createInstagramOAuth({ ...config, oauth: { clientId: 'cid', clientSecret: 'secret' } });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset(true);
  emulator.addAccount({ id: '1789', name: 'bakery', type: 'business' }, 'ig-token');
  emulator.addAccount({ id: '1790', name: 'someone', type: 'personal' });
});

describe('Instagram connector against the emulator', () => {
  it('connects a business account through OAuth, refreshes it, and refuses a personal one', async () => {
    const [account] = await oauth.connect(await consent(oauth, '1789'));
    expect(account).toMatchObject({ externalId: '1789', displayName: '@bakery', kind: 'business' });
    expect(account!.tokens.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 59 * 86400_000);
    const refreshed = await oauth.refresh({ externalId: '1789', accessToken: account!.tokens.accessToken });
    expect(refreshed?.accessToken).not.toBe(account!.tokens.accessToken);
    expect(emulator.stats().tokenRefreshes).toBe(1);
    expect(await failure(oauth.connect(await consent(oauth, '1790')))).toMatchObject({
      kind: 'validation',
      platformCode: 'not_business_account',
    });
  });

  it('publishes an image, a carousel and a Reel (containers polled until FINISHED); text alone is refused', async () => {
    const one = await publish('one picture', [await image(1)]);
    expect(one.url).toMatch(/^https:\/\/www\.instagram\.com\/p\//);
    await publish('three pictures', [await image(2), await image(3), await image(4)]);
    const reel = await ig.uploadMedia(biz, {
      bytes: new Uint8Array(1),
      mime: 'video/mp4',
      kind: 'video',
      url: 'https://cdn.example/v.mp4',
    });
    await publish('a reel', [reel]);
    expect(emulator.posts().map((p) => [p.kind, p.text, p.media])).toEqual([
      ['image', 'one picture', ['https://cdn.example/1.jpg']],
      [
        'carousel',
        'three pictures',
        ['https://cdn.example/2.jpg', 'https://cdn.example/3.jpg', 'https://cdn.example/4.jpg'],
      ],
      ['reels', 'a reel', ['https://cdn.example/v.mp4']],
    ]);
    expect(await failure(publish('words only', []))).toMatchObject({
      kind: 'validation',
      platformCode: 'media_required',
    });
  });

  it('classifies errors: failed processing, publishing limit, expired token, 5xx', async () => {
    emulator.setFaults({ failMediaProcessingNext: 1 });
    const reel = await ig.uploadMedia(biz, {
      bytes: new Uint8Array(1),
      mime: 'video/mp4',
      kind: 'video',
      url: 'https://cdn.example/bad.mp4',
    });
    expect(await failure(publish('bad reel', [reel]))).toMatchObject({
      kind: 'validation',
      platformCode: 'media_processing_failed',
    });
    emulator.configure({ postLimit: 1 });
    await publish('first', [await image(1)]);
    expect(await failure(publish('second', [await image(2)]))).toMatchObject({
      kind: 'rate_limited',
      platformCode: '9/2207042',
    });
    emulator.configure({ postLimit: 50 });
    emulator.setFaults({ failNext: { status: 503, count: 1 } });
    expect(await failure(publish('later', [await image(3)]))).toMatchObject({
      kind: 'retryable',
      status: 503,
    });
    emulator.setFaults({ expireTokens: true });
    expect(await failure(publish('late', [await image(4)]))).toMatchObject({
      kind: 'auth',
      platformCode: '190/463',
    });
  });

  it('reconciles a dropped publish with lookup, and reads insights', async () => {
    const since = new Date(Date.now() - 1000);
    emulator.setFaults({ dropResponseNext: 1 });
    expect(await failure(publish('dropped', [await image(1)]))).toMatchObject({
      kind: 'retryable',
      ambiguous: true,
    });
    const found = await ig.lookup({ account: biz, clientRef: 'r', text: 'dropped', since });
    expect(found?.platformPostId).toBe(emulator.posts()[0]?.id);
    emulator.setMetrics(found!.platformPostId, { views: 100, likes: 9, comments: 2, shares: 1 });
    await expect(ig.metrics(biz, found!.platformPostId)).resolves.toEqual({
      impressions: 100,
      likes: 9,
      replies: 2,
      reposts: 1,
    });
  });
});
