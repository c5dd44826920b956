import { type KitEmulator, startFacebookEmulator } from '@vibetribe/emulators';
import { type ConnectorAccount, type PlatformConnector } from '../connector';
import { type PlatformOAuth } from '../oauth/oauth';
import { consent, failure } from '../testing/oauth-round-trip';
import { createFacebookConnector } from './facebook-connector';
import { createFacebookOAuth } from './facebook-oauth';

let emulator: KitEmulator;
let fb: PlatformConnector;
let oauth: PlatformOAuth;
const page: ConnectorAccount = { externalId: '700', accessToken: 'page-token' };
const post = (text: string, account = page) =>
  fb.publish({ account, text, media: [], clientRef: 'r', idempotencyKey: 'k' });

beforeAll(async () => {
  emulator = await startFacebookEmulator({ mediaProcessingMs: 100 });
  const config = { baseUrl: emulator.url, timeoutMs: 2000, maxPollIntervalMs: 30 };
  fb = createFacebookConnector(config);
  oauth = createFacebookOAuth({ ...config, oauth: { clientId: 'cid', clientSecret: 'secret' } });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset(true);
  emulator.addAccount({ id: '42', name: 'Page Admin', type: 'user' });
  emulator.addAccount({ id: '700', name: 'Corner Bakery', type: 'page', ownerId: '42' }, 'page-token');
  emulator.addAccount({ id: '701', name: 'Bakery Two', type: 'page', ownerId: '42' });
});

describe('Facebook Pages connector against the emulator', () => {
  it('connects through OAuth and offers each page with its own token', async () => {
    const accounts = await oauth.connect(await consent(oauth, '42'));
    expect(accounts.map((a) => [a.externalId, a.displayName, a.kind, a.tokens.expiresAt])).toEqual([
      ['700', 'Corner Bakery', 'page', null],
      ['701', 'Bakery Two', 'page', null],
    ]);
    await post('from a page token', { externalId: '701', accessToken: accounts[1]!.tokens.accessToken });
    expect(emulator.posts('701')).toHaveLength(1);
    await expect(oauth.refresh(page)).resolves.toBeNull();
  });

  it('publishes text, photos with attached_media, and a processed video', async () => {
    await post('just words');
    const photos = [
      await fb.uploadMedia(page, { bytes: Buffer.alloc(500, 1), mime: 'image/jpeg', kind: 'image' }),
      await fb.uploadMedia(page, { bytes: Buffer.alloc(500, 2), mime: 'image/jpeg', kind: 'image' }),
    ];
    const withPhotos = await fb.publish({
      account: page,
      text: 'two photos',
      media: photos,
      clientRef: 'r',
      idempotencyKey: 'k',
    });
    expect(withPhotos.platformPostId).toMatch(/^700_/);
    const video = await fb.uploadMedia(page, {
      bytes: Buffer.alloc(2000, 3),
      mime: 'video/mp4',
      kind: 'video',
    });
    const withVideo = await fb.publish({
      account: page,
      text: 'a video',
      media: [video],
      clientRef: 'r',
      idempotencyKey: 'k',
    });
    expect(withVideo).toEqual({ platformPostId: video.id, url: `https://www.facebook.com/${video.id}` });
    expect(emulator.posts().map((p) => [p.kind, p.text, p.media.length])).toEqual([
      ['text', 'just words', 0],
      ['image', 'two photos', 2],
      ['video', 'a video', 1],
    ]);
  });

  it('classifies errors: transient, throttled until regained, duplicate, expired token, permission', async () => {
    emulator.setFaults({ failNext: { status: 500, count: 1 } });
    expect(await failure(post('a'))).toMatchObject({ kind: 'retryable', ambiguous: true, platformCode: '2' });
    emulator.setFaults({ failNext: { status: 429, count: 1, resetInS: 600 } });
    expect(await failure(post('a'))).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 600_000,
      platformCode: '4',
    });
    emulator.configure({ postLimit: 1 });
    await post('only one');
    const page32 = await failure(post('two'));
    expect(page32).toMatchObject({ kind: 'rate_limited', platformCode: '32' });
    expect(page32.retryAfterMs).toBeGreaterThan(50 * 60_000);
    emulator.configure({ postLimit: 100 });
    expect(await failure(post('only one'))).toMatchObject({ kind: 'duplicate', platformCode: '506' });
    expect(await failure(post('x', { externalId: '701', accessToken: 'page-token' }))).toMatchObject({
      kind: 'permanent',
      platformCode: '200',
    });
    emulator.setFaults({ expireTokens: true });
    const expired = await failure(post('late'));
    expect(expired).toMatchObject({ kind: 'auth', platformCode: '190/463' });
    expect(JSON.stringify(expired)).not.toContain('page-token');
  });

  it('reconciles a dropped response with lookup, and reads metrics', async () => {
    const since = new Date(Date.now() - 1000);
    emulator.setFaults({ dropResponseNext: 1 });
    expect(await failure(post('lost answer'))).toMatchObject({ kind: 'retryable', ambiguous: true });
    const found = await fb.lookup({ account: page, clientRef: 'r', text: 'lost answer', since });
    expect(found?.platformPostId).toBe(emulator.posts()[0]?.id);
    await expect(fb.lookup({ account: page, clientRef: 'r', text: 'never', since })).resolves.toBeNull();
    emulator.setMetrics(found!.platformPostId, { likes: 5, comments: 4, shares: 3 });
    await expect(fb.metrics(page, found!.platformPostId)).resolves.toEqual({
      likes: 5,
      replies: 4,
      reposts: 3,
    });
  });
});
