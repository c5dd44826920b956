import { extractUrlsWithIndices, parseTweet } from 'twitter-text';
import { type Platform } from '../platform';
import { type PlatformLimits, resolveLimits } from './limits';

/** Text length in the platform's own unit against its maximum. */
export interface TextCount {
  used: number;
  max: number;
}

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;
// Mastodon counts a remote mention `@user@domain` as just `@user`.
const REMOTE_MENTION =
  /(?<![=/\p{L}\p{N}_])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)@[\p{L}\p{N}_.-]+[\p{L}\p{N}_]/giu;

/** Number of user-perceived characters (extended grapheme clusters). */
export function countGraphemes(text: string): number {
  let n = 0;
  for (const _ of graphemeSegmenter.segment(text)) n++;
  return n;
}

/** Length in UTF-8 bytes. */
export function countUtf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function countThreads(text: string): number {
  let n = 0;
  for (const { segment } of graphemeSegmenter.segment(text)) {
    n += EMOJI.test(segment) ? countUtf8Bytes(segment) : 1;
  }
  return n;
}

function countMastodon(text: string, urlLength: number): number {
  const withoutDomains = text.replace(REMOTE_MENTION, '@$1');
  // Mastodon only shortens links that carry a scheme.
  const urls = extractUrlsWithIndices(withoutDomains, { extractUrlsWithoutProtocol: false });
  let n = 0;
  let from = 0;
  for (const { indices } of urls) {
    n += countGraphemes(withoutDomains.slice(from, indices[0])) + urlLength;
    from = indices[1];
  }
  return n + countGraphemes(withoutDomains.slice(from));
}

/** Length of `text` as `platform` counts it. */
export function measureText(platform: Platform, text: string, limits: PlatformLimits): number {
  switch (platform) {
    case 'x':
      return parseTweet(text.normalize('NFC')).weightedLength;
    case 'bluesky':
      return countGraphemes(text);
    case 'threads':
      return countThreads(text);
    case 'mastodon':
      return countMastodon(text, limits.urlLength ?? 23);
    case 'linkedin':
    case 'facebook':
    case 'instagram':
      // UNCONFIRMED how Meta and LinkedIn count; UTF-16 units (what their web composers limit) is the strict reading.
      return text.length;
  }
}

/** The unit `measureText` counts in, for messages. */
export function textUnit(platform: Platform): string {
  switch (platform) {
    case 'x':
      return 'weighted characters';
    case 'bluesky':
      return 'graphemes';
    case 'threads':
    case 'mastodon':
    case 'linkedin':
    case 'facebook':
    case 'instagram':
      return 'characters';
  }
}

/** How much of the platform's text limit `text` uses, for composer counters. */
export function countText(platform: Platform, text: string, limits?: Partial<PlatformLimits>): TextCount {
  const resolved = resolveLimits(platform, limits);
  return { used: measureText(platform, text, resolved), max: resolved.textMax };
}
