import { type KitEmulator, startFacebookEmulator } from '@vibetribe/emulators';
import { startTestGateway, type TestGateway } from '../../test-support/harness';

jest.setTimeout(60_000);

// Facebook connect with page selection: the callback keeps the pages found (tokens encrypted, in Redis,
// bound to the user and organization), the front end lists them and connects the chosen ones, once.

let emulator: KitEmulator;
let gw: TestGateway;
beforeAll(async () => {
  emulator = await startFacebookEmulator();
  Object.assign(process.env, {
    FACEBOOK_GRAPH_BASE_URL: emulator.url,
    FACEBOOK_DIALOG_BASE_URL: emulator.url,
    FACEBOOK_CLIENT_ID: 'cid',
    FACEBOOK_CLIENT_SECRET: 'secret',
    OAUTH_RESULT_URL: 'http://app.example/connected',
  });
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
  await emulator?.close();
});

/** A Facebook user with two pages goes through connect and consent; returns the selection id the callback redirected with. */
async function connectPages(token: string, orgId: string) {
  const user = `u${Date.now()}`;
  const pages = [`${Date.now()}1`, `${Date.now()}2`];
  emulator.addAccount({ id: user, name: 'Page Admin', type: 'user' });
  emulator.addAccount({ id: pages[0]!, name: 'Corner Bakery', type: 'page', ownerId: user });
  emulator.addAccount({ id: pages[1]!, name: 'Bakery Two', type: 'page', ownerId: user });
  const res = await gw.api('POST', `/api/v1/organizations/${orgId}/accounts/facebook/connect`, { token });
  expect(res.status).toBe(200);
  const authorize = new URL(res.body.authorize_url as string);
  authorize.searchParams.set('login', user);
  const back = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location') ?? '');
  const done = await fetch(`${gw.url}${back.pathname}${back.search}`, { redirect: 'manual' });
  expect(done.status).toBe(302);
  const result = new URL(done.headers.get('location') ?? '');
  expect(result.searchParams.get('oauth')).toBe('select');
  expect(result.searchParams.get('platform')).toBe('facebook');
  return { selection: result.searchParams.get('selection') ?? '', pages };
}

const path = (orgId: string, selection: string) =>
  `/api/v1/organizations/${orgId}/accounts/facebook/selections/${selection}`;
const accounts = async (token: string, orgId: string) =>
  (await gw.api('GET', `/api/v1/organizations/${orgId}/accounts`, { token })).body.data as {
    external_id: string;
    display_name: string;
  }[];

describe('Facebook page selection', () => {
  test('the pages found are listed without tokens; only the chosen one is stored, once', async () => {
    const owner = await gw.register('Owner');
    const { selection, pages } = await connectPages(owner.token, owner.orgId);
    expect(await accounts(owner.token, owner.orgId)).toEqual([]);

    const listed = await gw.api('GET', path(owner.orgId, selection), { token: owner.token });
    expect(listed.status).toBe(200);
    expect(listed.body.pages).toEqual([
      { page_id: pages[0], display_name: 'Corner Bakery', kind: 'page' },
      { page_id: pages[1], display_name: 'Bakery Two', kind: 'page' },
    ]);
    for (const token of emulator.state.tokens.keys())
      expect(JSON.stringify(listed.body)).not.toContain(token);

    const typo = await gw.api('POST', path(owner.orgId, selection), {
      token: owner.token,
      body: { page_ids: ['nope'] },
    });
    expect(typo.status).toBe(422);
    expect(typo.body.type).toMatch(/page-not-in-selection$/);

    const chosen = await gw.api('POST', path(owner.orgId, selection), {
      token: owner.token,
      body: { page_ids: [pages[1]] },
    });
    expect(chosen.status).toBe(201);
    expect(chosen.body.data).toEqual([
      expect.objectContaining({ platform: 'facebook', external_id: pages[1], status: 'connected' }),
    ]);
    expect((await accounts(owner.token, owner.orgId)).map((a) => a.external_id)).toEqual([pages[1]]);

    // A replay stores nothing more.
    const replay = await gw.api('POST', path(owner.orgId, selection), {
      token: owner.token,
      body: { page_ids: [pages[0]] },
    });
    expect(replay.status).toBe(404);
    expect(replay.body.type).toMatch(/oauth-selection-not-found$/);
    expect(replay.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await accounts(owner.token, owner.orgId)).toHaveLength(1);
  });

  test("another user, another organization or a bad body gets nothing of someone's selection", async () => {
    const owner = await gw.register('Owner');
    const { selection, pages } = await connectPages(owner.token, owner.orgId);
    const stranger = await gw.register('Stranger');
    const foreignOrg = await gw.api('GET', path(stranger.orgId, selection), { token: stranger.token });
    expect(foreignOrg.status).toBe(404);
    const foreign = await gw.api('GET', path(owner.orgId, selection), { token: stranger.token });
    expect(foreign.status).toBe(404);
    const strict = await gw.api('POST', path(owner.orgId, selection), {
      token: owner.token,
      body: { page_ids: [pages[0]], extra: true },
    });
    expect(strict.status).toBe(400);
    // Still there for its owner.
    expect((await gw.api('GET', path(owner.orgId, selection), { token: owner.token })).status).toBe(200);
  });
});
