import { startTestGateway } from '../test-support/harness';

test('request logs carry method, route and status, never passwords or tokens', async () => {
  const lines: string[] = [];
  const gw = await startTestGateway({}, { logLines: lines });
  try {
    const u = await gw.register('Logged');
    const login = await gw.api('POST', '/api/v1/auth/login', {
      body: { email: u.email, password: 'correct horse battery' },
    });
    await gw.api('POST', '/api/v1/auth/refresh', { body: { refresh_token: login.body.refresh_token } });
    await gw.api('GET', '/api/v1/auth/me', {
      token: login.body.access_token,
      headers: { cookie: 'session=abc' },
    });
    const log = lines.join('');
    expect(log).toContain('"route":"/api/v1/auth/login"');
    expect(log).toContain('"status":200');
    for (const secret of [
      'correct horse battery',
      login.body.access_token,
      login.body.refresh_token,
      u.token,
      u.refresh,
      'session=abc',
    ]) {
      expect(log).not.toContain(secret);
    }
  } finally {
    await gw.close();
  }
});
