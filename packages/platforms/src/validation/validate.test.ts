import { type Platform } from '../platform';
import { type MediaFacts, type Violation } from './types';
import { validateForPlatform } from './validate';

const MiB = 1024 * 1024;
const image = (over: Partial<MediaFacts> = {}): MediaFacts => ({
  id: 'i',
  kind: 'image',
  mime: 'image/jpeg',
  bytes: 100_000,
  width: 1080,
  height: 1080,
  alt: 'a cat',
  ...over,
});
const video = (over: Partial<MediaFacts> = {}): MediaFacts => ({
  id: 'v',
  kind: 'video',
  mime: 'video/mp4',
  bytes: 10 * MiB,
  durationS: 30,
  ...over,
});
const gif = (over: Partial<MediaFacts> = {}): MediaFacts => ({
  id: 'g',
  kind: 'gif',
  mime: 'image/gif',
  bytes: MiB,
  ...over,
});

const codes = (violations: Violation[]) => violations.map((v) => `${v.field}:${v.code}`);
const check = (platform: Platform, text: string, media: MediaFacts[] = []) =>
  codes(validateForPlatform(platform, { text, media }));

describe('validateForPlatform', () => {
  describe('X', () => {
    it.each<[string, string, MediaFacts[], string[]]>([
      ['280 Latin characters', 'a'.repeat(280), [], []],
      ['281 Latin characters', 'a'.repeat(281), [], ['text:text_too_long']],
      ['140 CJK characters', '漢'.repeat(140), [], []],
      ['141 CJK characters', '漢'.repeat(141), [], ['text:text_too_long']],
      ['140 emoji', '🎉'.repeat(140), [], []],
      ['a long URL counts 23', `${'a'.repeat(256)} https://example.com/${'x'.repeat(500)}`, [], []],
      ['URLs over the limit', `${'a'.repeat(257)} https://example.com/x`, [], ['text:text_too_long']],
      ['empty without media', '  ', [], ['text:text_required']],
      ['empty with an image', '', [image()], []],
      ['4 images', 'hi', [image(), image(), image(), image()], []],
      ['5 images', 'hi', [image(), image(), image(), image(), image()], ['media:too_many_media']],
      ['2 videos', 'hi', [video(), video()], ['media:too_many_media']],
      ['an image with a gif', 'hi', [image(), gif()], ['media:media_mix_unsupported']],
      ['a 6 MiB image', 'hi', [image({ bytes: 6 * MiB })], ['media[0]:media_too_large']],
      ['a 16 MiB gif', 'hi', [gif({ bytes: 16 * MiB })], ['media[0]:media_too_large']],
      ['a 141 s video', 'hi', [video({ durationS: 141 })], ['media[0]:media_too_long']],
      ['a TIFF', 'hi', [image({ mime: 'image/tiff' })], ['media[0]:media_type_unsupported']],
      ['a BOM', 'hi\uFEFF', [], ['text:text_invalid_characters']],
    ])('%s', (_name, text, media, expected) => {
      expect(check('x', text, media)).toEqual(expected);
    });

    it('says the limit and the actual value', () => {
      const [violation] = validateForPlatform('x', { text: '漢'.repeat(141), media: [] });
      expect(violation?.message).toBe('Text is 282 weighted characters; X allows at most 280.');
    });
  });

  describe('Bluesky', () => {
    it('allows 300 graphemes that stay under 3,000 bytes', () => {
      expect(check('bluesky', 'é'.repeat(300))).toEqual([]);
    });
    it('counts graphemes, not code units', () => {
      expect(check('bluesky', '👍🏽'.repeat(300))).toEqual([]);
      expect(check('bluesky', '👍🏽'.repeat(301))).toEqual(['text:text_too_long']);
    });
    it('also caps UTF-8 bytes: 300 family emoji are 300 graphemes but 7,500 bytes', () => {
      expect(check('bluesky', '👨‍👩‍👧‍👦'.repeat(300))).toEqual(['text:text_too_many_bytes']);
    });
    it('requires alt text on every image and caps each at 2,000,000 bytes', () => {
      expect(
        check('bluesky', 'hi', [image({ alt: ' ' }), image({ bytes: 2_000_001 }), image({ alt: undefined })]),
      ).toEqual(['media[0]:alt_text_required', 'media[1]:media_too_large', 'media[2]:alt_text_required']);
    });
    it('takes one video but not a GIF', () => {
      expect(check('bluesky', '', [video()])).toEqual([]);
      expect(check('bluesky', 'hi', [gif()])).toEqual(['media[0]:media_type_unsupported']);
    });
  });

  describe('Threads', () => {
    it('counts emoji as their UTF-8 bytes', () => {
      expect(check('threads', '😀'.repeat(125))).toEqual([]);
      expect(check('threads', '😀'.repeat(126))).toEqual(['text:text_too_long']);
      expect(check('threads', 'a'.repeat(500))).toEqual([]);
    });
  });

  describe('Instagram', () => {
    it('needs media', () => {
      expect(check('instagram', 'caption only')).toEqual(['media:media_required']);
      expect(check('instagram', '')).toEqual(['media:media_required']);
    });
    it('caps the carousel at 10', () => {
      expect(
        check(
          'instagram',
          'x',
          Array.from({ length: 10 }, () => image()),
        ),
      ).toEqual([]);
      expect(
        check(
          'instagram',
          'x',
          Array.from({ length: 11 }, () => image()),
        ),
      ).toEqual(['media:too_many_media']);
    });
    it('counts hashtags and mentions', () => {
      const tags = Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(' ');
      const mentions = Array.from({ length: 21 }, (_, i) => `@user${i}`).join(' ');
      expect(check('instagram', `${tags} ${mentions} mail@example.com #1`, [image()])).toEqual([
        'text:too_many_hashtags',
        'text:too_many_mentions',
      ]);
    });
    it('takes JPEG only, within 4:5 to 1.91:1', () => {
      expect(check('instagram', '', [image({ mime: 'image/png', width: 1000, height: 2000 })])).toEqual([
        'media[0]:media_type_unsupported',
        'media[0]:media_aspect_ratio',
      ]);
    });
    it('reports every violation at once', () => {
      expect(check('instagram', 'a'.repeat(2201))).toEqual(['text:text_too_long', 'media:media_required']);
    });
  });

  describe('LinkedIn', () => {
    it('allows 3,000 characters and multi-image up to 20', () => {
      expect(
        check(
          'linkedin',
          'a'.repeat(3000),
          Array.from({ length: 20 }, () => image()),
        ),
      ).toEqual([]);
      expect(
        check(
          'linkedin',
          'a'.repeat(3001),
          Array.from({ length: 21 }, () => image()),
        ),
      ).toEqual(['text:text_too_long', 'media:too_many_media']);
    });
    it('does not combine a video with images', () => {
      expect(check('linkedin', 'hi', [video(), image()])).toEqual(['media:media_mix_unsupported']);
    });
  });

  describe('Facebook', () => {
    it('allows 63,206 characters', () => {
      expect(check('facebook', 'a'.repeat(63_206))).toEqual([]);
      expect(check('facebook', 'a'.repeat(63_207))).toEqual(['text:text_too_long']);
    });
  });

  describe('Mastodon', () => {
    it('counts URLs as 23 and applies instance overrides', () => {
      const text = `${'a'.repeat(476)} https://example.com/${'x'.repeat(200)}`;
      expect(check('mastodon', text)).toEqual([]);
      expect(
        codes(validateForPlatform('mastodon', { text: 'a'.repeat(600), media: [] }, { textMax: 1000 })),
      ).toEqual([]);
    });
  });

  it('lists several violations across text and media', () => {
    expect(check('x', 'a'.repeat(300), [image({ bytes: 6 * MiB, mime: 'image/bmp' }), video()])).toEqual([
      'text:text_too_long',
      'media[0]:media_type_unsupported',
      'media[0]:media_too_large',
      'media:media_mix_unsupported',
    ]);
  });
});
