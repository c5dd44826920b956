import { startXEmulator, type XEmulator } from '@vibetribe/emulators';
import { startTestGateway, type TestGateway } from '../../test-support/harness';

jest.setTimeout(60_000);

let emulator: XEmulator;
let gw: TestGateway;
beforeAll(async () => {
  emulator = await startXEmulator();
  Object.assign(process.env, {
    X_API_BASE_URL: emulator.url,
    X_OAUTH_BASE_URL: emulator.url,
    X_CLIENT_ID: 'x-cid',
    X_CLIENT_SECRET: 'x-secret',
    OAUTH_RESULT_URL: 'http://app.example/connected',
    SANDBOX_PLATFORMS: 'x',
  });
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
  await emulator?.close();
});

describe('OAuth connect: X', () => {
  test('round trip with PKCE through the gateway: a sandbox account, tokens encrypted and never shown', async () => {
    const owner = await gw.register('Owner');
    const login = `x${Date.now()}`;
    const res = await gw.api('POST', `/api/v1/organizations/${owner.orgId}/accounts/x/connect`, {
      token: owner.token,
    });
    expect(res.status).toBe(200);
    const authorize = new URL(res.body.authorize_url as string);
    expect(authorize.pathname).toBe('/i/oauth2/authorize');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('scope')).toContain('offline.access');
    authorize.searchParams.set('login', login);
    const consent = await fetch(authorize, { redirect: 'manual' });
    const callback = new URL(consent.headers.get('location') ?? '');
    const done = await fetch(`${gw.url}${callback.pathname}${callback.search}`, { redirect: 'manual' });
    expect(done.status).toBe(302);
    const result = new URL(done.headers.get('location') ?? '');
    expect(result.searchParams.get('oauth')).toBe('connected');

    const list = await gw.api('GET', `/api/v1/organizations/${owner.orgId}/accounts`, { token: owner.token });
    expect(list.body.data).toEqual([
      expect.objectContaining({
        platform: 'x',
        display_name: `@${login}`,
        status: 'connected',
        sandbox: true,
      }),
    ]);
    // A draft's target for it is marked too, in the post and in the list.
    const post = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body: { content: 'sandboxed', target_account_ids: [list.body.data[0].id] },
    });
    expect(post.status).toBe(201);
    expect(post.body.targets).toEqual([expect.objectContaining({ sandbox: true })]);
    const posts = await gw.api('GET', '/api/v1/posts', { token: owner.token });
    expect(posts.body.data[0].targets).toEqual([expect.objectContaining({ sandbox: true })]);
    const dump = JSON.stringify(
      await gw.deps.orm.em
        .getConnection()
        .execute('select * from social_accounts where organization_id = ?', [owner.orgId]),
    );
    const issued = emulator.issuedTokens();
    expect(issued.length).toBeGreaterThanOrEqual(2);
    for (const token of issued) {
      expect(dump).not.toContain(token);
      expect(JSON.stringify(list.body)).not.toContain(token);
    }
  });
});
