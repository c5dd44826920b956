import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { signAccessToken } from '@vibetribe/runtime';
import { newTokenConfig, testTokenConfig } from '@vibetribe/testing';
import { gatewayEnv } from '../env';
import { startTestGateway, type TestGateway } from '../test-support/harness';
import { VerifiedTokenCache } from './auth';

describe('VerifiedTokenCache', () => {
  test("an entry lives until the token's exp, not a millisecond longer", () => {
    let now = 1_000_000_000_000;
    const cache = new VerifiedTokenCache(10, () => now);
    const expS = now / 1000 + 60;
    cache.set('t', 'user-1', expS);
    expect(cache.get('t')).toBe('user-1');
    now = expS * 1000 - 1;
    expect(cache.get('t')).toBe('user-1');
    now = expS * 1000;
    expect(cache.get('t')).toBeUndefined();
    // Gone, not just hidden.
    expect(cache.size).toBe(0);
    // Already expired: never stored.
    cache.set('old', 'user-2', now / 1000 - 1);
    expect(cache.get('old')).toBeUndefined();
  });

  test('bounded: the least recently used token goes first; 0 keeps nothing', () => {
    const cache = new VerifiedTokenCache(2);
    const exp = Date.now() / 1000 + 600;
    cache.set('a', '1', exp);
    cache.set('b', '2', exp);
    cache.get('a');
    cache.set('c', '3', exp);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('1');
    expect(cache.get('c')).toBe('3');
    const off = new VerifiedTokenCache(0);
    off.set('a', '1', exp);
    expect(off.get('a')).toBeUndefined();
  });
});

describe('cached verification answers exactly as verification does', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  const me = (token: string) => gw.api('GET', '/api/v1/auth/me', { token });

  test('a tampered or re-signed copy of a cached token is refused', async () => {
    const u = await gw.register();
    expect((await me(u.token)).status).toBe(200);
    expect((await me(u.token)).status).toBe(200);
    const [header, payload, signature] = u.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: randomUUID() })).toString('base64url');
    expect((await me(`${header}.${forged}.${signature}`)).status).toBe(401);
    // alg none, the same claims: refused.
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect((await me(`${none}.${payload}.`)).status).toBe(401);
    // Signed by the right key but for another purpose: refused, cached or not.
    const keys = testTokenConfig();
    const refreshLike = jwt.sign({ purpose: 'refresh' }, keys.privateKey!, {
      algorithm: 'ES256',
      subject: u.userId,
      issuer: keys.issuer,
      audience: keys.audience,
      expiresIn: 600,
    });
    expect((await me(refreshLike)).status).toBe(401);
    expect((await me(refreshLike)).status).toBe(401);
  });

  test('a cached token stops working once it expires (beyond the clock tolerance)', async () => {
    const u = await gw.register();
    const keys = testTokenConfig();
    const exp = Math.floor(Date.now() / 1000) + 1;
    const shortLived = jwt.sign({ purpose: 'access', sub: u.userId, exp }, keys.privateKey!, {
      algorithm: 'ES256',
      issuer: keys.issuer,
      audience: keys.audience,
      jwtid: randomUUID(),
    });
    expect((await me(shortLived)).status).toBe(200);
    expect((await me(shortLived)).status).toBe(200);
    // The verifier allows 5 s of clock skew past exp; after that, 401, as without the cache.
    await new Promise((r) => setTimeout(r, (exp + 6) * 1000 - Date.now()));
    expect((await me(shortLived)).status).toBe(401);
  }, 20_000);

  test('a normally signed token still works (the cache is on by default)', async () => {
    const u = await gw.register();
    const { token } = signAccessToken(testTokenConfig(), u.userId);
    expect((await me(token)).status).toBe(200);
    expect(gw.deps.env.AUTH_TOKEN_CACHE_SIZE).toBeGreaterThan(0);
  });
});

describe('gateway environment: the new knobs are validated', () => {
  const keys = testTokenConfig();
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    JWT_PRIVATE_KEY: keys.privateKey,
    JWT_PUBLIC_KEY: keys.publicKey,
  };
  for (const key of ['DATABASE_POOL_MAX', 'AUTH_TOKEN_CACHE_SIZE', 'POST_LIST_CACHE_MB']) delete base[key];

  test('JWT_PUBLIC_KEY is a keyring that must hold the signing key', () => {
    const previous = newTokenConfig();
    // Current and previous keys, one after another: read as given.
    const ring = `${keys.publicKey}${previous.publicKey}`;
    expect(gatewayEnv({ ...base, JWT_PUBLIC_KEY: ring }).jwt.publicKey).toBe(ring);
    // Only another key: no verifier would accept the tokens this gateway signs.
    expect(() => gatewayEnv({ ...base, JWT_PUBLIC_KEY: previous.publicKey })).toThrow(
      /JWT_PUBLIC_KEY.*does not hold the public key of the signing key/,
    );
  });

  test('defaults', () => {
    const env = gatewayEnv(base);
    expect(env.DATABASE_POOL_MAX).toBe(10);
    expect(env.AUTH_TOKEN_CACHE_SIZE).toBe(10_000);
    expect(env.POST_LIST_CACHE_MB).toBe(32);
  });

  test.each([
    ['DATABASE_POOL_MAX', '0'],
    ['DATABASE_POOL_MAX', '2.5'],
    ['DATABASE_POOL_MAX', 'many'],
    ['DATABASE_POOL_MAX', '501'],
    ['AUTH_TOKEN_CACHE_SIZE', '-1'],
    ['POST_LIST_CACHE_MB', '-1'],
    ['POST_LIST_CACHE_MB', 'lots'],
  ])('%s=%s is refused, naming the key', (key, value) => {
    expect(() => gatewayEnv({ ...base, [key]: value })).toThrow(key);
  });

  test('values are read', () => {
    const env = gatewayEnv({
      ...base,
      DATABASE_POOL_MAX: '4',
      AUTH_TOKEN_CACHE_SIZE: '0',
      POST_LIST_CACHE_MB: '0',
    });
    expect(env).toMatchObject({ DATABASE_POOL_MAX: 4, AUTH_TOKEN_CACHE_SIZE: 0, POST_LIST_CACHE_MB: 0 });
  });
});
