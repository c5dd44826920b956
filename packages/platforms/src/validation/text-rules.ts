import { PLATFORM_LABELS, type Platform } from '../platform';
import { countUtf8Bytes, measureText, textUnit } from './count-text';
import { type PlatformLimits } from './limits';
import { type PostInput, type Violation } from './types';

// A tag needs a letter somewhere: "#1" is not a hashtag on Instagram.
const HASHTAG = /(?<![\p{L}\p{N}_&#])#[\p{L}\p{M}\p{N}_]*[\p{L}_][\p{L}\p{M}\p{N}_]*/gu;
// The lookbehind keeps e-mail addresses from counting as mentions.
const MENTION = /(?<![\p{L}\p{N}_.@])@[A-Za-z0-9._]+/gu;
// twitter-text rejects these outright; X answers 400 for them.
const X_INVALID_CHARS = /[\uFFFE\uFEFF\uFFFF]/u;

function countMatches(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** Every text rule `input` breaks on `platform`. */
export function textViolations(platform: Platform, input: PostInput, limits: PlatformLimits): Violation[] {
  const label = PLATFORM_LABELS[platform];
  const out: Violation[] = [];
  const empty = input.text.trim() === '';

  if (empty && (limits.textRequired || (input.media.length === 0 && !limits.mediaRequired))) {
    const why = limits.textRequired ? 'text' : 'text or media';
    out.push({
      code: 'text_required',
      field: 'text',
      message: `A ${label} post needs ${why}; the text is empty.`,
    });
  }

  const used = measureText(platform, input.text, limits);
  if (used > limits.textMax) {
    out.push({
      code: 'text_too_long',
      field: 'text',
      message: `Text is ${used} ${textUnit(platform)}; ${label} allows at most ${limits.textMax}.`,
    });
  }

  if (limits.textMaxBytes !== undefined) {
    const bytes = countUtf8Bytes(input.text);
    if (bytes > limits.textMaxBytes) {
      out.push({
        code: 'text_too_many_bytes',
        field: 'text',
        message: `Text is ${bytes} bytes in UTF-8; ${label} allows at most ${limits.textMaxBytes}.`,
      });
    }
  }

  if (platform === 'x' && X_INVALID_CHARS.test(input.text)) {
    out.push({
      code: 'text_invalid_characters',
      field: 'text',
      message: 'Text contains a character X rejects (U+FEFF, U+FFFE or U+FFFF).',
    });
  }

  if (limits.maxHashtags !== undefined) {
    const tags = countMatches(input.text, HASHTAG);
    if (tags > limits.maxHashtags) {
      out.push({
        code: 'too_many_hashtags',
        field: 'text',
        message: `Text has ${tags} hashtags; ${label} allows at most ${limits.maxHashtags}.`,
      });
    }
  }

  if (limits.maxMentions !== undefined) {
    const mentions = countMatches(input.text, MENTION);
    if (mentions > limits.maxMentions) {
      out.push({
        code: 'too_many_mentions',
        field: 'text',
        message: `Text has ${mentions} mentions; ${label} allows at most ${limits.maxMentions}.`,
      });
    }
  }
  return out;
}
