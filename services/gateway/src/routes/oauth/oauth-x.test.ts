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
  });
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
  await emulator?.close();
});

describe('OAuth connect: X', () => {
  test('round trip with PKCE through the gateway; the account is stored, tokens encrypted and never shown', async () => {
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
      expect.objectContaining({ platform: 'x', display_name: `@${login}`, status: 'connected' }),
    ]);
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
