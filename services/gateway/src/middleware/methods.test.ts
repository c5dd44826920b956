import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { startTestGateway, type TestGateway } from '../test-support/harness';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

/** A request with any method (fetch refuses TRACE): status, headers and the body as JSON when it is. */
function send(method: string, path: string, token: string) {
  return new Promise<{ status: number; headers: Record<string, string>; body: any }>((resolve, reject) => {
    const req = request(
      `${gw.url}${path}`,
      { method, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers as Record<string, string>,
            body: text ? JSON.parse(text) : undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('methods and paths', () => {
  test('a known path answers an unknown method with 405 and Allow, TRACE included', async () => {
    const owner = await gw.register();
    const cases: [string, string, string][] = [
      ['TRACE', '/api/v1/posts', 'GET, HEAD, OPTIONS, POST'],
      ['PATCH', '/api/v1/posts/', 'GET, HEAD, OPTIONS, POST'],
      ['TRACE', `/api/v1/organizations/${owner.orgId}/members`, 'GET, HEAD, OPTIONS, POST'],
      ['PUT', '/api/v1/auth/login', 'OPTIONS, POST'],
      ['HEAD', '/api/v1/auth/login', 'OPTIONS, POST'],
      ['PROPFIND', '/api/v1/openapi.json', 'GET, HEAD, OPTIONS'],
      // A fixed path beside a parameter route is not an id (not a 400 or 404 from `/:id`).
      ['DELETE', '/api/v1/media/stats', 'GET, HEAD, OPTIONS'],
      ['GET', '/api/v1/media/upload', 'OPTIONS, POST'],
      ['PUT', '/api/v1/posts/changes', 'GET, HEAD, OPTIONS'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await send(method, path, owner.token);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 405 });
      const listed = res.headers.allow!.split(', ').sort().join(', ');
      expect({ method, path, listed }).toEqual({ method, path, listed: allow });
      if (method !== 'HEAD') {
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body.type).toMatch(/method-not-allowed$/);
      }
    }
    const options = await gw.api('OPTIONS', `/api/v1/posts/${randomUUID()}`);
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')!.split(', ').sort()).toEqual([
      'DELETE',
      'GET',
      'HEAD',
      'OPTIONS',
      'PUT',
    ]);
    // Beside a router's own middleware (posts/changes, media) too.
    for (const [path, allow] of [
      [`/api/v1/media/${randomUUID()}`, 'DELETE, GET, HEAD, OPTIONS'],
      ['/api/v1/posts/changes', 'GET, HEAD, OPTIONS'],
    ]) {
      const res = await gw.api('OPTIONS', path!);
      expect({ path, status: res.status }).toEqual({ path, status: 204 });
      expect({ path, allow: res.headers.get('allow')!.split(', ').sort().join(', ') }).toEqual({
        path,
        allow,
      });
    }
    // An unknown path stays a 404, whatever the method.
    expect((await send('TRACE', '/api/v1/nope', owner.token)).status).toBe(404);
  });

  test('every collection answers with and without a trailing slash', async () => {
    const owner = await gw.register();
    for (const path of [
      '/api/v1/posts',
      '/api/v1/organizations',
      `/api/v1/organizations/${owner.orgId}/accounts`,
      `/api/v1/organizations/${owner.orgId}/members`,
    ]) {
      for (const form of [path, `${path}/`]) {
        const res = await gw.api('GET', form, { token: owner.token });
        expect({ form, status: res.status }).toEqual({ form, status: 200 });
      }
    }
    const created = await gw.api('POST', '/api/v1/organizations/', {
      token: owner.token,
      body: { name: 'Slash' },
    });
    expect(created.status).toBe(201);
  });
});
