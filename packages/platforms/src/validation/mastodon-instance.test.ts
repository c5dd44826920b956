import { mastodonLimits } from './mastodon-instance';
import { validateForPlatform } from './validate';

describe('mastodonLimits', () => {
  const limits = mastodonLimits({
    statuses: { max_characters: 1000, max_media_attachments: 6, characters_reserved_per_url: 30 },
    media_attachments: {
      supported_mime_types: ['image/jpeg', 'image/png', 'video/mp4'],
      image_size_limit: 1000,
    },
  });

  it('maps the instance configuration onto the limits', () => {
    expect(limits).toMatchObject({ textMax: 1000, maxMedia: 6, urlLength: 30 });
    expect(limits.image).toMatchObject({ maxCount: 6, mimes: ['image/jpeg', 'image/png'], maxBytes: 1000 });
    expect(limits.gif?.mimes).toEqual([]);
  });

  it('feeds validation', () => {
    const media = [{ id: 'a', kind: 'image' as const, mime: 'image/webp', bytes: 2000 }];
    expect(
      validateForPlatform('mastodon', { text: 'a'.repeat(900), media }, limits).map((v) => v.code),
    ).toEqual(['media_type_unsupported', 'media_too_large']);
  });
});
