import { Media, Organization } from '@vibetribe/database';
import { createMediaStorage } from '@vibetribe/media-storage';
import { mediaUrls } from './media-urls';

// The worker signs a fresh URL at publish time for the platform's rendition: the one stored at
// upload expires (MEDIA_URL_TTL_S), and a post may be due a week later.
const storage = createMediaStorage({
  PUBLIC_URL: 'http://127.0.0.1:3000',
  MEDIA_STORAGE_DIR: '/tmp/vt-media-urls-test',
  MEDIA_URL_TTL_S: 3_600,
  MEDIA_IMAGE_MAX_BYTES: 10_485_760,
  MEDIA_VIDEO_MAX_BYTES: 104_857_600,
  MEDIA_QUEUE_PREFIX: 'bull',
  ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? '',
});

function medium(variants: Record<string, string>): Media {
  const m = new Media(new Organization('Org', 'org'), {
    kind: 'image',
    mime: 'image/png',
    bytes: 100,
    storage: 'local',
    publicId: 'org/o1/user/u1/2026/12/02/original.png',
    url: 'http://127.0.0.1:3000/files/org/o1/user/u1/2026/12/02/original.png?exp=1&sig=stale',
    sha256: 'x'.repeat(64),
  });
  m.variants = variants;
  return m;
}

describe('media URLs at publish time', () => {
  const url = mediaUrls(storage);
  const m = medium({
    x: 'org/o1/user/u1/2026/12/02/original-x.jpg',
    instagram: 'org/o1/user/u1/2026/12/02/original-ig.jpg',
  });

  test("a platform with a rendition gets the rendition's URL, signed now", () => {
    const x = new URL(url(m, 'x'));
    expect(x.pathname).toBe('/files/org/o1/user/u1/2026/12/02/original-x.jpg');
    expect(Number(x.searchParams.get('exp'))).toBeGreaterThan(Date.now() / 1000 + 3_000);
    expect(x.searchParams.get('sig')).toMatch(/^[\w-]{20,}$/);
    expect(new URL(url(m, 'instagram')).pathname).toBe('/files/org/o1/user/u1/2026/12/02/original-ig.jpg');
  });

  test('a platform without one, or a medium without renditions, gets the original, never the stale stored URL', () => {
    expect(new URL(url(m, 'linkedin')).pathname).toBe('/files/org/o1/user/u1/2026/12/02/original.png');
    const plain = url(medium({}), 'x');
    expect(new URL(plain).pathname).toBe('/files/org/o1/user/u1/2026/12/02/original.png');
    expect(plain).not.toContain('sig=stale');
  });
});
