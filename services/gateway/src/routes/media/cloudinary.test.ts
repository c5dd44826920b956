import { type CloudinaryEmulator, startCloudinaryEmulator } from '@vibetribe/emulators';
import { imageFixture, videoFixture } from '@vibetribe/testing';
import { startTestGateway, type TestGateway } from '../../test-support/harness';
import { multipartBody } from '../../test-support/upload-client';

let emulator: CloudinaryEmulator;
let gw: TestGateway;
beforeAll(async () => {
  emulator = await startCloudinaryEmulator();
  gw = await startTestGateway({
    CLOUDINARY_URL: emulator.cloudinaryUrl,
    MEDIA_QUEUE_PREFIX: `test-cld-${process.pid}`,
  });
});
afterAll(async () => {
  await gw?.deps.media.queue.obliterate({ force: true }).catch(() => undefined);
  await gw?.close();
  await emulator?.close();
});

/** Uploads one file as `owner`. */
async function sendFile(owner: { token: string; orgId: string }, name: string, body: Buffer) {
  const form = multipartBody([{ field: 'file', name, body }]);
  const res = await fetch(`${gw.url}/api/v1/media/upload`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${owner.token}`,
      'x-organization-id': owner.orgId,
      'content-type': form.contentType,
    },
    body: form.body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

test('with CLOUDINARY_URL set, uploads go to Cloudinary through the SDK (the emulator) and deletes destroy them', async () => {
  const owner = await gw.register();
  const send = (name: string, body: Buffer) => sendFile(owner, name, body);
  const image = await send('a.png', await imageFixture('png', { width: 90, height: 60 }));
  expect(image.status).toBe(201);
  expect(image.body).toMatchObject({ storage: 'cloudinary', width: 90, height: 60 });
  expect(image.body.public_id).toBe(
    `org/${owner.orgId}/user/${owner.userId}/${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/${image.body.id}`,
  );
  expect(image.body.url).toMatch(
    /^https:\/\/res\.cloudinary\.com\/vibetribe-test\/image\/upload\/f_auto,q_auto\/org\//,
  );
  const video = await send('v.mp4', await videoFixture('mp4'));
  expect(video.body).toMatchObject({ storage: 'cloudinary', kind: 'video' });
  expect(
    emulator
      .assets()
      .map((a) => a.publicId)
      .sort(),
  ).toEqual([image.body.public_id, video.body.public_id].sort());
  const auth = { token: owner.token, headers: { 'x-organization-id': owner.orgId } };
  expect(
    (await gw.api('DELETE', `/api/v1/media/${encodeURIComponent(image.body.public_id as string)}`, auth))
      .status,
  ).toBe(204);
  expect(emulator.assets().map((a) => a.publicId)).toEqual([video.body.public_id]);
  const url = await gw.api('POST', '/api/v1/media/optimize-url', {
    ...auth,
    body: { media_id: video.body.id, width: 640, crop: 'limit' },
  });
  expect(url.body.url).toMatch(/\/video\/upload\/c_limit,f_auto,q_auto,w_640\//);
});

test('Cloudinary failing: 503, and nothing is written', async () => {
  const owner = await gw.register();
  emulator.failUploads(1);
  const res = await sendFile(owner, 'a.png', await imageFixture('png'));
  expect(res.status).toBe(503);
  const list = await gw.api('GET', '/api/v1/media', {
    token: owner.token,
    headers: { 'x-organization-id': owner.orgId },
  });
  expect(list.body.data).toEqual([]);
});
