import { type Platform } from '../platform';
import { type MediaKind } from './types';

/** Limits for one kind of attachment on one platform. */
export interface MediaKindLimits {
  /** How many attachments of this kind one post may carry. */
  readonly maxCount: number;
  readonly mimes: readonly string[];
  readonly maxBytes?: number;
  readonly minDurationS?: number;
  readonly maxDurationS?: number;
  /** Width / height bounds, checked when the media service reported dimensions. */
  readonly minAspect?: number;
  readonly maxAspect?: number;
  readonly altRequired?: boolean;
}

/** Everything validation checks for one platform, as data so an instance or plan can override it. */
export interface PlatformLimits {
  /** Maximum text length in the platform's own unit (see `countText`). */
  readonly textMax: number;
  readonly textMaxBytes?: number;
  /** Text needed even when media is attached (an empty post with no media is always invalid). */
  readonly textRequired: boolean;
  /** Length every URL counts as, where the platform shortens links for counting. */
  readonly urlLength?: number;
  readonly maxHashtags?: number;
  readonly maxMentions?: number;
  readonly mediaRequired: boolean;
  readonly maxMedia: number;
  /** Whether one post may combine attachments of different kinds. */
  readonly mixedMedia: boolean;
  readonly altMaxChars?: number;
  /** `null`: the platform does not accept this kind. */
  readonly image: MediaKindLimits | null;
  readonly gif: MediaKindLimits | null;
  readonly video: MediaKindLimits | null;
}

const MiB = 1024 * 1024;
const MB = 1000 * 1000;

// Byte limits use MiB where the platform's own code does (X, Instagram, Mastodon); the ones marked
// UNCONFIRMED in PLATFORMS.md use decimal MB, the stricter reading.
const X_LIMITS: PlatformLimits = {
  textMax: 280,
  textRequired: false,
  urlLength: 23,
  mediaRequired: false,
  maxMedia: 4,
  mixedMedia: false,
  altMaxChars: 1000,
  image: { maxCount: 4, mimes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'], maxBytes: 5 * MiB },
  gif: { maxCount: 1, mimes: ['image/gif'], maxBytes: 15 * MiB },
  video: {
    maxCount: 1,
    mimes: ['video/mp4', 'video/quicktime'],
    maxBytes: 512 * MiB,
    minDurationS: 0.5,
    maxDurationS: 140,
  },
};

const LINKEDIN_LIMITS: PlatformLimits = {
  textMax: 3000,
  textRequired: false,
  mediaRequired: false,
  maxMedia: 20,
  mixedMedia: false,
  image: { maxCount: 20, mimes: ['image/jpeg', 'image/png', 'image/gif'] },
  gif: { maxCount: 1, mimes: ['image/gif'] },
  video: { maxCount: 1, mimes: ['video/mp4'], maxBytes: 500 * MB, minDurationS: 3, maxDurationS: 30 * 60 },
};

const FACEBOOK_LIMITS: PlatformLimits = {
  textMax: 63_206,
  textRequired: false,
  mediaRequired: false,
  // UNCONFIRMED: the Graph API documents no attached_media cap; 10 matches the composer.
  maxMedia: 10,
  mixedMedia: false,
  image: {
    maxCount: 10,
    mimes: ['image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/tiff'],
    maxBytes: 4 * MB,
  },
  gif: { maxCount: 1, mimes: ['image/gif'], maxBytes: 4 * MB },
  video: { maxCount: 1, mimes: ['video/mp4', 'video/quicktime'] },
};

const INSTAGRAM_LIMITS: PlatformLimits = {
  textMax: 2200,
  textRequired: false,
  maxHashtags: 30,
  maxMentions: 20,
  mediaRequired: true,
  maxMedia: 10,
  mixedMedia: true,
  image: { maxCount: 10, mimes: ['image/jpeg'], maxBytes: 8 * MiB, minAspect: 4 / 5, maxAspect: 1.91 },
  gif: null,
  video: { maxCount: 10, mimes: ['video/mp4', 'video/quicktime'], minDurationS: 3, maxDurationS: 15 * 60 },
};

const THREADS_LIMITS: PlatformLimits = {
  textMax: 500,
  textRequired: false,
  mediaRequired: false,
  maxMedia: 20,
  mixedMedia: true,
  image: { maxCount: 20, mimes: ['image/jpeg', 'image/png'], maxBytes: 8 * MB },
  gif: null,
  video: { maxCount: 20, mimes: ['video/mp4', 'video/quicktime'], maxBytes: 1000 * MB, maxDurationS: 5 * 60 },
};

const BLUESKY_LIMITS: PlatformLimits = {
  textMax: 300,
  textMaxBytes: 3000,
  textRequired: false,
  mediaRequired: false,
  maxMedia: 4,
  mixedMedia: false,
  image: {
    maxCount: 4,
    mimes: ['image/jpeg', 'image/png', 'image/webp'],
    maxBytes: 2_000_000,
    altRequired: true,
  },
  // Bluesky has no animated-image embed; the media service can convert a GIF to video first.
  gif: null,
  video: { maxCount: 1, mimes: ['video/mp4'], maxBytes: 300 * MB },
};

const MASTODON_LIMITS: PlatformLimits = {
  textMax: 500,
  textRequired: false,
  urlLength: 23,
  mediaRequired: false,
  maxMedia: 4,
  mixedMedia: false,
  altMaxChars: 1500,
  image: {
    maxCount: 4,
    mimes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/heic', 'image/heif', 'image/avif'],
    maxBytes: 16 * MiB,
  },
  // Mastodon turns a GIF into a looping video, so it takes a video's slot and size limit.
  gif: { maxCount: 1, mimes: ['image/gif'], maxBytes: 16 * MiB },
  video: { maxCount: 1, mimes: ['video/mp4', 'video/webm', 'video/quicktime'], maxBytes: 99 * MiB },
};

/** Default limits per platform, from PLATFORMS.md. */
export const PLATFORM_LIMITS: Readonly<Record<Platform, PlatformLimits>> = {
  x: X_LIMITS,
  linkedin: LINKEDIN_LIMITS,
  facebook: FACEBOOK_LIMITS,
  instagram: INSTAGRAM_LIMITS,
  threads: THREADS_LIMITS,
  bluesky: BLUESKY_LIMITS,
  mastodon: MASTODON_LIMITS,
};

/** The platform's defaults with `overrides` laid over them (a per-kind override replaces that kind whole). */
export function resolveLimits(platform: Platform, overrides?: Partial<PlatformLimits>): PlatformLimits {
  const defaults = PLATFORM_LIMITS[platform];
  if (!overrides) return defaults;
  // An explicit `undefined` (a form field left blank) must not erase the default.
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...defaults, ...(defined as Partial<PlatformLimits>) };
}

/** The limits for one media kind, or null when the platform does not take it. */
export function kindLimits(limits: PlatformLimits, kind: MediaKind): MediaKindLimits | null {
  switch (kind) {
    case 'image':
      return limits.image;
    case 'gif':
      return limits.gif;
    case 'video':
      return limits.video;
  }
}
