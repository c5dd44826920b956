import { type KitEmulator, startLinkedInEmulator } from '@vibetribe/emulators';
import { type ConnectorAccount, type PlatformConnector } from '../connector';
import { type PlatformOAuth } from '../oauth/oauth';
import { consent, failure } from '../testing/oauth-round-trip';
import { createLinkedInConnector } from './linkedin-connector';
import { createLinkedInOAuth } from './linkedin-oauth';

let emulator: KitEmulator;
let li: PlatformConnector;
let oauth: PlatformOAuth;
const member: ConnectorAccount = { externalId: 'urn:li:person:501', accessToken: 'li-token' };
const org: ConnectorAccount = { externalId: 'urn:li:organization:9001', accessToken: 'li-token' };
const image = { bytes: Buffer.alloc(1024, 1), mime: 'image/png', kind: 'image' as const };

beforeAll(async () => {
  emulator = await startLinkedInEmulator({ mediaProcessingMs: 100 });
  const config = {
    baseUrl: emulator.url,
    oauthBaseUrl: emulator.url,
    timeoutMs: 2000,
    maxPollIntervalMs: 30,
  };
  li = createLinkedInConnector(config);
  oauth = createLinkedInOAuth({ ...config, oauth: { clientId: 'cid', clientSecret: 'secret' } });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset(true);
  emulator.addAccount({ id: '501', name: 'Ada Member', type: 'person' }, 'li-token');
  emulator.addAccount({ id: '9001', name: 'Acme Inc', type: 'organization', ownerId: '501' });
});

describe('LinkedIn connector against the emulator', () => {
  it('connects through OAuth: the member and the organizations they administer', async () => {
    const accounts = await oauth.connect(await consent(oauth, '501'));
    expect(accounts.map((a) => [a.externalId, a.displayName, a.kind])).toEqual([
      ['urn:li:person:501', 'Ada Member', 'member'],
      ['urn:li:organization:9001', 'Acme Inc', 'organization'],
    ]);
    const tokens = accounts[0]!.tokens;
    expect(tokens.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 59 * 86400_000);
    const refreshed = await oauth.refresh({
      ...member,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
    });
    expect(refreshed?.accessToken).not.toBe(tokens.accessToken);
    await li.publish({
      account: { ...member, accessToken: refreshed!.accessToken },
      text: 'via refreshed',
      media: [],
      clientRef: 'r',
      idempotencyKey: 'k',
    });
    const replayed = await failure(
      oauth.connect({ code: 'code_nope', redirectUri: 'http://127.0.0.1:1/cb' }),
    );
    expect(replayed).toMatchObject({ kind: 'auth', status: 400, platformCode: 'invalid_grant' });
  });

  it('publishes text (escaped little text), a single image, a multi-image post and a processed video', async () => {
    const text = await li.publish({
      account: member,
      text: 'Hello #launch (beta) @team',
      media: [],
      clientRef: 'r',
      idempotencyKey: 'k',
    });
    expect(text.platformPostId).toMatch(/^urn:li:share:/);
    expect(text.url).toBe(`https://www.linkedin.com/feed/update/${text.platformPostId}/`);
    const one = await li.uploadMedia(org, { ...image, alt: 'logo' });
    const images = [await li.uploadMedia(org, image), await li.uploadMedia(org, image)];
    const video = await li.uploadMedia(org, {
      bytes: new Uint8Array(5 * 1024 * 1024),
      mime: 'video/mp4',
      kind: 'video',
    });
    expect(video.id).toMatch(/^urn:li:video:/);
    await li.publish({ account: org, text: 'one image', media: [one], clientRef: 'r', idempotencyKey: 'k' });
    await li.publish({
      account: org,
      text: 'two images',
      media: images,
      clientRef: 'r',
      idempotencyKey: 'k',
    });
    await li.publish({ account: org, text: 'a video', media: [video], clientRef: 'r', idempotencyKey: 'k' });
    expect(emulator.posts().map((p) => [p.accountId, p.kind, p.text, p.media.length])).toEqual([
      ['urn:li:person:501', 'text', 'Hello \\#launch \\(beta\\) \\@team', 0],
      ['urn:li:organization:9001', 'image', 'one image', 1],
      ['urn:li:organization:9001', 'multi_image', 'two images', 2],
      ['urn:li:organization:9001', 'video', 'a video', 1],
    ]);
  });

  it('classifies errors: 5xx, short and daily 429, duplicate, expired token, failed video', async () => {
    const post = (t: string, account = member) =>
      li.publish({ account, text: t, media: [], clientRef: 'r', idempotencyKey: 'k' });
    emulator.setFaults({ failNext: { status: 503, count: 1 } });
    expect(await failure(post('a'))).toMatchObject({ kind: 'retryable', ambiguous: true, status: 503 });
    emulator.setFaults({ failNext: { status: 429, count: 1, resetInS: 30 } });
    const short = await failure(post('a'));
    expect(short).toMatchObject({ kind: 'rate_limited' });
    expect(short.retryAfterMs).toBeGreaterThan(28_000);
    emulator.configure({ postLimit: 1 });
    await post('first');
    const daily = await failure(post('second'));
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect(daily).toMatchObject({ kind: 'rate_limited' });
    expect(Math.abs(Date.now() + (daily.retryAfterMs as number) - midnight.getTime())).toBeLessThan(2000);
    emulator.configure({ postLimit: 100 });
    expect(await failure(post('first'))).toMatchObject({
      kind: 'duplicate',
      status: 422,
      platformCode: 'DUPLICATE_POST',
    });
    emulator.setFaults({ failMediaProcessingNext: 1 });
    const bad = await failure(
      li.uploadMedia(member, { bytes: new Uint8Array(10), mime: 'video/mp4', kind: 'video' }),
    );
    expect(bad).toMatchObject({ kind: 'validation', platformCode: 'media_processing_failed' });
    emulator.setFaults({ expireTokens: true });
    const expired = await failure(post('late'));
    expect(expired).toMatchObject({ kind: 'auth', status: 401, platformCode: '65601' });
    expect(JSON.stringify(expired)).not.toContain('li-token');
  });

  it('reconciles a dropped response with lookup, and reads metrics', async () => {
    const since = new Date();
    emulator.setFaults({ dropResponseNext: 1 });
    expect(
      await failure(
        li.publish({ account: member, text: 'did it #go', media: [], clientRef: 'r', idempotencyKey: 'k' }),
      ),
    ).toMatchObject({
      kind: 'retryable',
      ambiguous: true,
    });
    const found = await li.lookup({ account: member, clientRef: 'r', text: 'did it #go', since });
    expect(found?.platformPostId).toBe(emulator.posts()[0]?.id);
    await expect(li.lookup({ account: member, clientRef: 'r', text: 'never', since })).resolves.toBeNull();
    emulator.setMetrics(found!.platformPostId, { likes: 7, comments: 2 });
    await expect(li.metrics(member, found!.platformPostId)).resolves.toEqual({
      likes: 7,
      replies: 2,
      reposts: 0,
    });
  });
});
