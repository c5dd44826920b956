import { encodeCursor } from './routes/posts/cursor';
import { startTestGateway, type TestGateway } from './test-support/harness';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

type Schema = Record<string, any>;

/** Every schema node in `node`, depth first. */
function* schemas(node: unknown): Generator<Schema> {
  if (Array.isArray(node)) for (const n of node) yield* schemas(n);
  else if (node !== null && typeof node === 'object') {
    yield node;
    for (const v of Object.values(node)) yield* schemas(v);
  }
}

describe('the OpenAPI document', () => {
  let doc: Schema;
  beforeAll(async () => {
    doc = (await gw.api('GET', '/api/v1/openapi.json')).body;
  });

  test("lists the spec's paths, collections without a trailing slash", () => {
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/v1/auth/login',
        '/api/v1/auth/logout',
        '/api/v1/auth/me',
        '/api/v1/auth/refresh',
        '/api/v1/auth/register',
        '/api/v1/organizations',
        '/api/v1/organizations/{orgId}',
        '/api/v1/organizations/{orgId}/accounts',
        '/api/v1/organizations/{orgId}/accounts/{accountId}',
        '/api/v1/organizations/{orgId}/accounts/{platform}/connect',
        '/api/v1/organizations/{orgId}/accounts/facebook/selections/{selectionId}',
        '/api/v1/organizations/{orgId}/members',
        '/api/v1/organizations/{orgId}/members/{userId}',
        '/api/v1/posts',
        '/api/v1/posts/changes',
        '/api/v1/posts/{id}',
        '/api/v1/posts/{id}/publish',
        '/api/v1/posts/{id}/retry',
        '/api/v1/media',
        '/api/v1/media/upload',
        '/api/v1/media/upload-multiple',
        '/api/v1/media/optimize-url',
        '/api/v1/media/stats',
        '/api/v1/media/config',
        '/api/v1/media/{id}',
        '/api/v1/oauth/{platform}/callback',
        '/api/v1/queues/stats',
        '/api/v1/system/health',
        '/api/v1/system/jobs/{name}/trigger',
        '/api/v1/analytics/posts/{id}',
        '/api/v1/analytics/overview',
      ].sort(),
    );
  });

  test('takes files as multipart/form-data, so the docs page offers a file picker', () => {
    const upload = doc.paths['/api/v1/media/upload'].post.requestBody.content['multipart/form-data'].schema;
    const form = upload.$ref ? doc.components.schemas[upload.$ref.split('/').pop()] : upload;
    expect(form.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(form.required).toContain('file');
  });

  test('states what the server enforces: no NUL, IANA time zones, the cursor format', () => {
    const free = [...schemas(doc)].filter(
      (s) => s.type === 'string' && !('pattern' in s || 'format' in s || 'enum' in s || 'const' in s),
    );
    expect(free).toEqual([]);
    const body = doc.components.schemas.CreatePostRequest.properties;
    // Both spellings browsers send: the IANA name and ICU's older one.
    expect(body.timezone.enum).toEqual(
      expect.arrayContaining(['UTC', 'Europe/Paris', 'Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kyiv']),
    );
    expect(body.platform_content.additionalProperties).toBe(false);
    const cursor = doc.paths['/api/v1/posts'].get.parameters.find((p: Schema) => p.name === 'cursor');
    const issued = encodeCursor(new Date(), '0b7c2f0e-7a55-4c1e-9a57-1c2d3e4f5a6b');
    expect(new RegExp(cursor.schema.pattern).test(issued)).toBe(true);
  });

  test('the server takes what the document allows at its edges', async () => {
    const owner = await gw.register();
    const org = (name: string) =>
      gw.api('POST', '/api/v1/organizations', { token: owner.token, body: { name } });
    // 120 characters as JSON Schema counts them (code points), 240 UTF-16 units.
    expect((await org('😀'.repeat(120))).status).toBe(201);
    expect((await org('😀'.repeat(121))).status).toBe(400);
    expect((await org(' \r\n')).status).toBe(400);
    const page = (cursor: string) =>
      gw.api('GET', `/api/v1/posts?cursor=${encodeURIComponent(cursor)}`, {
        token: owner.token,
        headers: { 'x-organization-id': owner.orgId },
      });
    // Any cursor matching the pattern reads as a position; anything else is a 400.
    expect((await page(`999999999999999.${owner.userId}`)).status).toBe(200);
    expect((await page(`0.${owner.userId}`)).status).toBe(200);
    expect((await page('bm90IGEgY3Vyc29y')).status).toBe(400);
  });
});
