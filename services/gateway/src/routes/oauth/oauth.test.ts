import { type KitEmulator, startLinkedInEmulator } from '@vibetribe/emulators';
import { startTestGateway, type TestGateway } from '../../test-support/harness';

jest.setTimeout(60_000);

let emulator: KitEmulator;
let gw: TestGateway;
beforeAll(async () => {
  emulator = await startLinkedInEmulator();
  Object.assign(process.env, {
    LINKEDIN_API_BASE_URL: emulator.url,
    LINKEDIN_OAUTH_BASE_URL: emulator.url,
    LINKEDIN_CLIENT_ID: 'cid',
    LINKEDIN_CLIENT_SECRET: 'secret',
    OAUTH_RESULT_URL: 'http://app.example/connected',
  });
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
  await emulator?.close();
});

/** Starts a connect and follows the consent screen; returns the callback URL the platform redirected to. */
async function consent(token: string, orgId: string, login: string): Promise<URL> {
  const res = await gw.api('POST', `/api/v1/organizations/${orgId}/accounts/linkedin/connect`, { token });
  expect(res.status).toBe(200);
  const authorize = new URL(res.body.authorize_url as string);
  expect(authorize.searchParams.get('redirect_uri')).toMatch(/\/api\/v1\/oauth\/linkedin\/callback$/);
  authorize.searchParams.set('login', login);
  const page = await fetch(authorize, { redirect: 'manual' });
  const callback = new URL(page.headers.get('location') ?? '');
  return new URL(`${callback.pathname}${callback.search}`, 'http://gateway');
}

const callback = (url: URL) => gw.api('GET', `${url.pathname}${url.search}`, { headers: {} });

describe('OAuth connect', () => {
  test('connects the member and their organization; tokens are stored encrypted and never shown', async () => {
    const owner = await gw.register('Owner');
    const member = `m${Date.now()}`;
    emulator.addAccount({ id: member, name: 'Ada', type: 'person' });
    emulator.addAccount({ id: String(Date.now()), name: 'Acme', type: 'organization', ownerId: member });
    const url = await consent(owner.token, owner.orgId, member);
    const done = await fetch(`${gw.url}${url.pathname}${url.search}`, { redirect: 'manual' });
    expect(done.status).toBe(302);
    const result = new URL(done.headers.get('location') ?? '');
    expect(result.origin + result.pathname).toBe('http://app.example/connected');
    expect(result.searchParams.get('oauth')).toBe('connected');
    expect(result.searchParams.get('accounts')?.split(',')).toHaveLength(2);

    const list = await gw.api('GET', `/api/v1/organizations/${owner.orgId}/accounts`, { token: owner.token });
    expect(list.body.data.map((a: { display_name: string }) => a.display_name)).toEqual(['Ada', 'Acme']);
    const issued = [...emulator.state.tokens.keys(), ...emulator.state.refreshTokens.keys()];
    expect(issued.length).toBeGreaterThan(0);
    const dump = JSON.stringify(
      await gw.deps.orm.em
        .getConnection()
        .execute('select * from social_accounts where organization_id = ?', [owner.orgId]),
    );
    for (const token of issued) {
      expect(dump).not.toContain(token);
      expect(JSON.stringify(list.body)).not.toContain(token);
    }

    // The same state again is a replay: 400, nothing more stored.
    const replay = await callback(url);
    expect(replay.status).toBe(400);
    expect(replay.body.type).toMatch(/oauth-state-invalid$/);
  });

  test('a tampered state is 400 and stores nothing; connecting needs admin', async () => {
    const owner = await gw.register('Owner');
    const member = `t${Date.now()}`;
    emulator.addAccount({ id: member, name: 'Tam', type: 'person' });
    const real = await consent(owner.token, owner.orgId, member);
    real.searchParams.set('state', `${real.searchParams.get('state')}x`);
    const tampered = await callback(real);
    expect(tampered.status).toBe(400);
    const list = await gw.api('GET', `/api/v1/organizations/${owner.orgId}/accounts`, { token: owner.token });
    expect(list.body.data).toEqual([]);
    const other = await gw.register('Stranger');
    const foreign = await gw.api('POST', `/api/v1/organizations/${owner.orgId}/accounts/linkedin/connect`, {
      token: other.token,
    });
    expect(foreign.status).toBe(404);
  });
});
