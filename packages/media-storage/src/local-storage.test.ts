import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { imageFixture, videoFixture } from '@vibetribe/testing';
import { mediaKey } from './keys';
import { LocalStorage } from './local-storage';
import { sniffMediaType } from './rules';
import { MediaUrlSigner } from './signed-urls';

const root = mkdtempSync(join(tmpdir(), 'vt-local-'));
const signer = new MediaUrlSigner(Buffer.alloc(32, 3).toString('base64'), 'http://media.test');
const storage = new LocalStorage(root, signer);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ids = { organizationId: randomUUID(), userId: randomUUID(), mediaId: randomUUID() };

/** Every file under the root, relative. */
const files = () =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name);

describe('local storage', () => {
  test('writes the file at its key, dated folders under the organization and the user', async () => {
    const png = await imageFixture('png');
    const key = mediaKey(ids, new Date('2026-12-02T10:00:00Z'));
    expect(key).toBe(`org/${ids.organizationId}/user/${ids.userId}/2026/12/02/${ids.mediaId}`);
    const stored = await storage.put(Readable.from([png]), {
      key,
      ext: 'png',
      mime: 'image/png',
      kind: 'image',
    });
    expect(stored).toEqual({ publicId: `${key}.png`, bytes: png.length });
    expect(await readFile(join(root, `${key}.png`))).toEqual(png);
    await storage.remove(stored.publicId);
    await storage.remove(stored.publicId);
    expect(files()).toEqual([]);
  });

  test('a failed source leaves no file, not even a partial one', async () => {
    const source = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 1));
        this.destroy(new Error('client aborted'));
      },
    });
    await expect(
      storage.put(source, { key: mediaKey(ids), ext: 'png', mime: 'image/png', kind: 'image' }),
    ).rejects.toThrow('client aborted');
    expect(files()).toEqual([]);
  });

  test('refuses keys it did not make (no path traversal)', () => {
    expect(() => storage.pathOf('../../etc/passwd')).toThrow(/not a media key/);
    expect(() => storage.pathOf(`org/${ids.organizationId}/../x.png`)).toThrow(/not a media key/);
  });
});

describe('signed URLs', () => {
  const key = `${mediaKey(ids)}.png`;
  const query = (url: string) => new URL(url).searchParams;

  test('verify what they signed, transformation included, until they expire', () => {
    const now = Date.now();
    const url = signer.url(key, 60, { width: 200, crop: 'fill' }, now);
    expect(url.startsWith(`http://media.test/files/${key}?`)).toBe(true);
    expect(signer.verify(key, query(url), now)).toEqual({
      ok: true,
      transform: { width: 200, crop: 'fill' },
    });
    expect(signer.verify(key, query(url), now + 61_000)).toEqual({ ok: false, reason: 'expired' });
    const widened = query(url);
    widened.set('w', '4000');
    expect(signer.verify(key, widened, now)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(signer.verify(key.replace('.png', '.jpg'), query(url), now)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });
});

describe('type from the magic bytes', () => {
  test('names every accepted type, whatever the file is called', async () => {
    for (const [format, mime] of [
      ['png', 'image/png'],
      ['jpeg', 'image/jpeg'],
      ['gif', 'image/gif'],
      ['webp', 'image/webp'],
    ] as const)
      expect((await sniffMediaType(await imageFixture(format)))?.mime).toBe(mime);
    for (const [container, mime] of [
      ['mp4', 'video/mp4'],
      ['mov', 'video/quicktime'],
      ['webm', 'video/webm'],
      ['mpeg', 'video/mpeg'],
    ] as const)
      expect((await sniffMediaType(await videoFixture(container)))?.mime).toBe(mime);
  });

  test('refuses HTML, SVG and scripts dressed as images', async () => {
    for (const text of [
      '<!doctype html><html><script>alert(1)</script>',
      '<svg xmlns="http://www.w3.org/2000/svg"/>',
      '#!/bin/sh\nrm -rf /',
    ])
      expect(await sniffMediaType(Buffer.from(text))).toBeUndefined();
  });
});
