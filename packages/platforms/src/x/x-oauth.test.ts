import { startXEmulator, type XEmulator } from '@vibetribe/emulators';
import { type PlatformOAuth } from '../oauth/oauth';
import { consent, failure } from '../testing/oauth-round-trip';
import { createXConnector } from './x-connector';
import { createXOAuth } from './x-oauth';

let emulator: XEmulator;
let oauth: PlatformOAuth;
beforeAll(async () => {
  emulator = await startXEmulator();
  oauth = createXOAuth({
    baseUrl: emulator.url,
    authorizeBaseUrl: emulator.url,
    oauth: { clientId: 'cid', clientSecret: 'secret' },
  });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset(true));

describe('X OAuth against the emulator', () => {
  it('round trip: PKCE code exchange, users/me, a 2 h token that publishes, refresh that rotates', async () => {
    const [account, ...rest] = await oauth.connect(await consent(oauth, 'ada'));
    expect(rest).toEqual([]);
    expect(account).toMatchObject({ externalId: expect.stringMatching(/^\d+$/), displayName: '@ada' });
    const { tokens } = account!;
    expect(tokens.expiresAt!.getTime() - Date.now()).toBeGreaterThan(7100_000);
    expect(tokens.refreshToken).toEqual(expect.any(String));
    const x = createXConnector({ baseUrl: emulator.url });
    const me = { externalId: account!.externalId, ...tokens };
    await x.publish({ account: me, text: 'hello', media: [], clientRef: 'r', idempotencyKey: 'k' });
    expect(emulator.posts(account!.externalId).map((p) => p.text)).toEqual(['hello']);

    emulator.setFaults({ expireTokens: true });
    const expired = await failure(
      x.publish({ account: me, text: 'again', media: [], clientRef: 'r2', idempotencyKey: 'k2' }),
    );
    expect(expired).toMatchObject({ kind: 'auth', status: 401 });
    const refreshed = await oauth.refresh(me);
    expect(refreshed?.refreshToken).not.toBe(tokens.refreshToken);
    await x.publish({
      account: { ...me, ...refreshed },
      text: 'again',
      media: [],
      clientRef: 'r2',
      idempotencyKey: 'k2',
    });
    // X rotates refresh tokens: the old one is spent.
    expect(await failure(oauth.refresh(me))).toMatchObject({ kind: 'auth', platformCode: 'invalid_request' });
  });

  it('refuses a replayed code, a wrong verifier and a missing challenge', async () => {
    const callback = await consent(oauth, 'bob');
    await oauth.connect(callback);
    expect(await failure(oauth.connect(callback))).toMatchObject({ kind: 'auth', status: 400 });
    const other = await consent(oauth, 'bob');
    expect(await failure(oauth.connect({ ...other, codeVerifier: 'x'.repeat(43) }))).toMatchObject({
      kind: 'auth',
    });
    const noPkce = new URL(oauth.authorizeUrl({ state: 's', redirectUri: 'http://127.0.0.1:1/cb' }));
    expect((await fetch(noPkce, { redirect: 'manual' })).status).toBe(400);
  });

  it('revokes a token; an unconfigured client is a permanent error', async () => {
    const [account] = await oauth.connect(await consent(oauth, 'cy'));
    const revoked = await fetch(`${emulator.url}/2/oauth2/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token: account!.tokens.accessToken, client_id: 'cid' }),
    });
    expect(await revoked.json()).toEqual({ revoked: true });
    const me = await fetch(`${emulator.url}/2/users/me`, {
      headers: { authorization: `Bearer ${account!.tokens.accessToken}` },
    });
    expect(me.status).toBe(401);
    expect(() =>
      createXOAuth({ baseUrl: emulator.url }).authorizeUrl({ state: 's', redirectUri: 'r' }),
    ).toThrow(/no OAuth client/);
  });
});
