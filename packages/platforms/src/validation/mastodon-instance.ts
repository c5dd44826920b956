import { PLATFORM_LIMITS, type PlatformLimits } from './limits';

/** The part of Mastodon's `GET /api/v2/instance` → `configuration` that bounds a status. */
export interface MastodonInstanceConfiguration {
  statuses?: {
    max_characters?: number;
    max_media_attachments?: number;
    characters_reserved_per_url?: number;
  };
  media_attachments?: {
    supported_mime_types?: string[];
    image_size_limit?: number;
    video_size_limit?: number;
  };
}

/** Limit overrides for one Mastodon instance, to pass to `validateForPlatform('mastodon', …)`. */
export function mastodonLimits(config: MastodonInstanceConfiguration): Partial<PlatformLimits> {
  const defaults = PLATFORM_LIMITS.mastodon;
  const statuses = config.statuses ?? {};
  const media = config.media_attachments ?? {};
  const mimes = media.supported_mime_types;
  const ofType = (base: readonly string[], prefix: string) =>
    mimes ? mimes.filter((m) => m.startsWith(prefix)) : base;
  const maxMedia = statuses.max_media_attachments ?? defaults.maxMedia;
  const image = defaults.image && {
    ...defaults.image,
    maxCount: maxMedia,
    mimes: ofType(defaults.image.mimes, 'image/'),
    maxBytes: media.image_size_limit ?? defaults.image.maxBytes,
  };
  const gif = defaults.gif && {
    ...defaults.gif,
    mimes: ofType(defaults.gif.mimes, 'image/gif'),
    maxBytes: media.image_size_limit ?? defaults.gif.maxBytes,
  };
  const video = defaults.video && {
    ...defaults.video,
    mimes: ofType(defaults.video.mimes, 'video/'),
    maxBytes: media.video_size_limit ?? defaults.video.maxBytes,
  };
  return {
    textMax: statuses.max_characters ?? defaults.textMax,
    urlLength: statuses.characters_reserved_per_url ?? defaults.urlLength,
    maxMedia,
    image,
    gif,
    video,
  };
}
