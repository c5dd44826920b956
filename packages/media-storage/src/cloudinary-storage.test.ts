import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { type CloudinaryEmulator, startCloudinaryEmulator } from '@vibetribe/emulators';
import { imageFixture, videoFixture } from '@vibetribe/testing';
import { CloudinaryStorage } from './cloudinary-storage';
import { cloudinaryConfig, type MediaStorageEnv } from './config';
import { mediaKey } from './keys';

// The SDK is required here with no CLOUDINARY_URL set, so it picked its `https` module at require time
// (PLATFORMS.md: the upload_prefix gotcha); every call below still reaches the plain-HTTP emulator.
let emulator: CloudinaryEmulator;
let storage: CloudinaryStorage;
const CHUNK = 8 * 1024;

beforeAll(async () => {
  emulator = await startCloudinaryEmulator({ minChunkBytes: CHUNK });
  const { cloudName, apiKey, apiSecret } = emulator.settings;
  storage = new CloudinaryStorage({
    cloudName,
    apiKey,
    apiSecret,
    uploadPrefix: emulator.url,
    chunkBytes: CHUNK,
  });
});
afterAll(() => emulator.close());

const key = () => mediaKey({ organizationId: randomUUID(), userId: randomUUID(), mediaId: randomUUID() });

/** A stream that yields `bytes` and then fails, as an aborted request does. */
function failingAfter(bytes: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(bytes);
      } else this.destroy(new Error('client aborted'));
    },
  });
}

describe('Cloudinary storage through the real SDK, against the emulator', () => {
  test('streams an image up and reads back what Cloudinary measured', async () => {
    const png = await imageFixture('png', { width: 120, height: 80 });
    const publicId = key();
    const stored = await storage.put(Readable.from([png]), {
      key: publicId,
      ext: 'png',
      mime: 'image/png',
      kind: 'image',
    });
    expect(stored).toMatchObject({ publicId, bytes: png.length, width: 120, height: 80 });
    expect(emulator.assets().find((a) => a.publicId === publicId)?.parts).toBe(1);
    await expect(storage.facts(publicId, 'image')).resolves.toMatchObject({
      width: 120,
      height: 80,
      format: 'png',
    });
  });

  test('sends a video in signed chunks (X-Unique-Upload-Id, Content-Range) and learns its codec', async () => {
    const mp4 = await videoFixture('mp4', { seconds: 2, width: 320, height: 240 });
    expect(mp4.length).toBeGreaterThan(CHUNK);
    const publicId = key();
    const before = emulator.stats().chunks;
    const stored = await storage.put(Readable.from([mp4]), {
      key: publicId,
      ext: 'mp4',
      mime: 'video/mp4',
      kind: 'video',
    });
    expect(stored.bytes).toBe(mp4.length);
    expect(emulator.stats().chunks - before).toBe(Math.ceil(mp4.length / CHUNK));
    const facts = await storage.facts(publicId, 'video');
    expect(facts).toMatchObject({ width: 320, height: 240, codec: 'h264' });
    expect(facts.durationS).toBeCloseTo(2, 0);
  });

  test('a source that fails mid-upload leaves no asset, single or chunked', async () => {
    const before = emulator.assets().length;
    const image = key();
    await expect(
      storage.put(failingAfter(Buffer.alloc(10_000, 1)), {
        key: image,
        ext: 'png',
        mime: 'image/png',
        kind: 'image',
      }),
    ).rejects.toThrow('client aborted');
    const video = key();
    await expect(
      storage.put(failingAfter(Buffer.alloc(3 * CHUNK, 1)), {
        key: video,
        ext: 'mp4',
        mime: 'video/mp4',
        kind: 'video',
      }),
    ).rejects.toThrow('client aborted');
    await new Promise((r) => setTimeout(r, 200));
    expect(emulator.assets().length).toBe(before);
  });

  test('destroy removes the asset and tolerates one already gone', async () => {
    const publicId = key();
    await storage.put(Readable.from([await imageFixture('jpeg')]), {
      key: publicId,
      ext: 'jpg',
      mime: 'image/jpeg',
      kind: 'image',
    });
    await storage.remove(publicId, 'image');
    expect(emulator.assets().some((a) => a.publicId === publicId)).toBe(false);
    await expect(storage.remove(publicId, 'image')).resolves.toBeUndefined();
  });

  test("a wrong secret is refused with Cloudinary's 401 and stores nothing", async () => {
    const { cloudName, apiKey } = emulator.settings;
    const wrong = new CloudinaryStorage({
      cloudName,
      apiKey,
      apiSecret: 'not-the-secret',
      uploadPrefix: emulator.url,
      chunkBytes: CHUNK,
    });
    const rejected = emulator.stats().rejectedSignatures;
    await expect(
      wrong.put(Readable.from([await imageFixture('png')]), {
        key: key(),
        ext: 'png',
        mime: 'image/png',
        kind: 'image',
      }),
    ).rejects.toThrow(/Invalid Signature/);
    expect(emulator.stats().rejectedSignatures).toBe(rejected + 1);
  });

  test('delivery URLs carry f_auto, q_auto, width and crop', () => {
    const url = storage.url('org/a/b', 'image', { transform: { width: 400, crop: 'fill' } });
    expect(url).toBe(
      'https://res.cloudinary.com/vibetribe-test/image/upload/c_fill,f_auto,q_auto,w_400/org/a/b',
    );
  });
});

describe('which Cloudinary setting wins', () => {
  const base = {
    CLOUDINARY_CLOUD_NAME: 'split',
    CLOUDINARY_API_KEY: 'k',
    CLOUDINARY_API_SECRET: 's',
  } as MediaStorageEnv;

  test('CLOUDINARY_URL over the three keys; its upload_prefix points the SDK elsewhere', () => {
    const env = { ...base, CLOUDINARY_URL: 'cloudinary://key:secret@whole?upload_prefix=http://127.0.0.1:9' };
    expect(cloudinaryConfig(env)).toMatchObject({
      cloudName: 'whole',
      apiKey: 'key',
      apiSecret: 'secret',
      uploadPrefix: 'http://127.0.0.1:9',
    });
    expect(cloudinaryConfig(base)).toMatchObject({ cloudName: 'split', apiKey: 'k', apiSecret: 's' });
  });

  test('none means local disk; two of the three keys is an error', () => {
    expect(cloudinaryConfig({} as MediaStorageEnv)).toBeUndefined();
    expect(() => cloudinaryConfig({ ...base, CLOUDINARY_API_SECRET: undefined })).toThrow(/CLOUDINARY_URL/);
  });
});
