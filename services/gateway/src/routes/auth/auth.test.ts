import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { testTokenConfig } from '@vibetribe/testing';
import { startTestGateway, type TestGateway } from '../../test-support/harness';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const keys = () => testTokenConfig();
const claims = (sub: string) => ({ sub, purpose: 'access', jti: 'j1' });

describe('auth', () => {
  test('register, login, me, refresh, logout', async () => {
    const u = await gw.register('Ada');
    const me = await gw.api('GET', '/api/v1/auth/me', { token: u.token });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: u.userId, email: u.email, name: 'Ada' });
    expect(me.body.organizations).toHaveLength(1);
    expect(me.body.organizations[0].role).toBe('owner');
    expect(JSON.stringify(me.body)).not.toContain('password');

    const login = await gw.api('POST', '/api/v1/auth/login', {
      body: { email: u.email.toUpperCase(), password: 'correct horse battery' },
    });
    expect(login.status).toBe(200);
    expect(login.body.token_type).toBe('Bearer');

    const bad = await gw.api('POST', '/api/v1/auth/login', {
      body: { email: u.email, password: 'wrong password!!' },
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.type).toMatch(/invalid-credentials$/);

    const refreshed = await gw.api('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: login.body.refresh_token },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(login.body.refresh_token);

    const out = await gw.api('POST', '/api/v1/auth/logout', {
      token: u.token,
      body: { refresh_token: refreshed.body.refresh_token },
    });
    expect(out.status).toBe(204);
    const after = await gw.api('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: refreshed.body.refresh_token },
    });
    expect(after.status).toBe(401);
  });

  test('a duplicate email is 409 and creates nothing', async () => {
    const u = await gw.register();
    const again = await gw.api('POST', '/api/v1/auth/register', {
      body: { email: u.email, password: 'another password', name: 'X' },
    });
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/email-taken$/);
  });

  test('reusing a spent refresh token revokes its whole family', async () => {
    const u = await gw.register();
    const first = await gw.api('POST', '/api/v1/auth/refresh', { body: { refresh_token: u.refresh } });
    expect(first.status).toBe(200);
    const reuse = await gw.api('POST', '/api/v1/auth/refresh', { body: { refresh_token: u.refresh } });
    expect(reuse.status).toBe(401);
    // The legitimate successor is revoked too: the family is burnt.
    const successor = await gw.api('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: first.body.refresh_token },
    });
    expect(successor.status).toBe(401);
  });

  test('unknown fields are 400 with every issue listed', async () => {
    const res = await gw.api('POST', '/api/v1/auth/register', {
      body: { email: 'not-an-email', password: 'short', name: '', role: 'owner' },
    });
    expect(res.status).toBe(400);
    expect(res.body.type).toMatch(/validation-error$/);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.password', 'body.name', 'body']));
  });

  test('malformed JSON is a 400 problem, a non-JSON body 415', async () => {
    const res = await gw.api('POST', '/api/v1/auth/login', {
      raw: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.type).toMatch(/malformed-body$/);
    const form = await gw.api('POST', '/api/v1/auth/login', {
      raw: 'email=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
  });

  describe('JWT attacks are 401', () => {
    let userId: string;
    beforeAll(async () => {
      userId = (await gw.register()).userId;
    });
    const expect401 = async (token: string) => {
      const res = await gw.api('GET', '/api/v1/auth/me', { token });
      expect(res.status).toBe(401);
      expect(res.body.type).toMatch(/unauthenticated$/);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js/);
    };
    const sign = (payload: object, key: string, options: jwt.SignOptions) => jwt.sign(payload, key, options);
    const base = { issuer: 'vibetribe', audience: 'vibetribe-api', expiresIn: 600 } as const;

    test('alg: none', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const body = Buffer.from(
        JSON.stringify({
          ...claims(userId),
          iss: 'vibetribe',
          aud: 'vibetribe-api',
          exp: Math.floor(Date.now() / 1000) + 600,
          iat: Math.floor(Date.now() / 1000),
        }),
      ).toString('base64url');
      await expect401(`${header}.${body}.`);
    });
    test('a key that is not ours', async () => {
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      await expect401(sign(claims(userId), other, { ...base, algorithm: 'ES256' }));
    });
    test('HS256 signed with the public key (algorithm confusion)', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const body = Buffer.from(
        JSON.stringify({
          ...claims(userId),
          iss: 'vibetribe',
          aud: 'vibetribe-api',
          iat: now,
          exp: now + 600,
        }),
      ).toString('base64url');
      const { createHmac } = await import('node:crypto');
      const sig = createHmac('sha256', keys().publicKey).update(`${header}.${body}`).digest('base64url');
      await expect401(`${header}.${body}.${sig}`);
    });
    test('RS256 with another key pair', async () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      await expect401(sign(claims(userId), rsa, { ...base, algorithm: 'RS256' }));
    });
    test('expired', async () => {
      await expect401(
        sign({ ...claims(userId), exp: Math.floor(Date.now() / 1000) - 60 }, keys().privateKey!, {
          algorithm: 'ES256',
          issuer: 'vibetribe',
          audience: 'vibetribe-api',
        }),
      );
    });
    test('wrong audience and wrong issuer', async () => {
      await expect401(
        sign(claims(userId), keys().privateKey!, { ...base, algorithm: 'ES256', audience: 'someone-else' }),
      );
      await expect401(
        sign(claims(userId), keys().privateKey!, { ...base, algorithm: 'ES256', issuer: 'evil' }),
      );
    });
    test('a token with another purpose, and a refresh token, are not access tokens', async () => {
      await expect401(
        sign({ ...claims(userId), purpose: 'refresh' }, keys().privateKey!, { ...base, algorithm: 'ES256' }),
      );
      const u = await gw.register();
      await expect401(u.refresh);
    });
  });

  test('/auth is rate limited per IP with Retry-After', async () => {
    const strict = await startTestGateway({ RATE_LIMIT_AUTH_PER_IP: '3', RATE_LIMIT_WINDOW_S: '30' });
    try {
      await strict.deps.redis.del('rl:auth-ip:127.0.0.1');
      const responses = [];
      for (let i = 0; i < 5; i++) {
        responses.push(
          await strict.api('POST', '/api/v1/auth/login', {
            body: { email: 'nobody@example.test', password: 'whatever-123' },
          }),
        );
      }
      expect(responses.map((r) => r.status)).toEqual([401, 401, 401, 429, 429]);
      const last = responses[4]!;
      expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(last.body.type).toMatch(/rate-limited$/);
    } finally {
      await strict.deps.redis.del('rl:auth-ip:127.0.0.1');
      await strict.close();
    }
  });
});
