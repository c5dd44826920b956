/** Every platform VibeTribe publishes to, in display order. */
export const PLATFORMS = [
  'x',
  'linkedin',
  'facebook',
  'instagram',
  'threads',
  'bluesky',
  'mastodon',
] as const;

/** One of {@link PLATFORMS}. */
export type Platform = (typeof PLATFORMS)[number];

/** Names as the platforms spell them, for human-facing messages. */
export const PLATFORM_LABELS: Readonly<Record<Platform, string>> = {
  x: 'X',
  linkedin: 'LinkedIn',
  facebook: 'Facebook',
  instagram: 'Instagram',
  threads: 'Threads',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
};

/** Narrows an untrusted string (request body, database row) to a {@link Platform}. */
export function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value);
}
