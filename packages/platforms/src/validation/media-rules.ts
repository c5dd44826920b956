import { PLATFORM_LABELS, type Platform } from '../platform';
import { kindLimits, type MediaKindLimits, type PlatformLimits } from './limits';
import { type MediaFacts, type MediaKind, type PostInput, type Violation } from './types';

const KIND_NAMES: Readonly<Record<MediaKind, string>> = { image: 'images', gif: 'GIFs', video: 'videos' };

/** "5,242,880 bytes (5.0 MiB)": exact for support tickets, rounded for people. */
export function describeBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  const rounded = mib >= 1 ? `${mib.toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`;
  return `${bytes.toLocaleString('en-US')} bytes (${rounded})`;
}

function itemViolations(
  label: string,
  index: number,
  item: MediaFacts,
  rules: MediaKindLimits,
  altMaxChars: number | undefined,
): Violation[] {
  const field = `media[${index}]` as const;
  const out: Violation[] = [];
  if (!rules.mimes.includes(item.mime)) {
    out.push({
      code: 'media_type_unsupported',
      field,
      message: `${item.mime} is not accepted for ${item.kind} on ${label}; use ${rules.mimes.join(', ')}.`,
    });
  }
  if (rules.maxBytes !== undefined && item.bytes > rules.maxBytes) {
    out.push({
      code: 'media_too_large',
      field,
      message: `The ${item.kind} is ${describeBytes(item.bytes)}; ${label} allows at most ${describeBytes(rules.maxBytes)}.`,
    });
  }
  if (item.durationS !== undefined) {
    if (rules.minDurationS !== undefined && item.durationS < rules.minDurationS) {
      out.push({
        code: 'media_too_short',
        field,
        message: `The ${item.kind} lasts ${item.durationS} s; ${label} needs at least ${rules.minDurationS} s.`,
      });
    }
    if (rules.maxDurationS !== undefined && item.durationS > rules.maxDurationS) {
      out.push({
        code: 'media_too_long',
        field,
        message: `The ${item.kind} lasts ${item.durationS} s; ${label} allows at most ${rules.maxDurationS} s.`,
      });
    }
  }
  if (item.width && item.height) {
    const aspect = item.width / item.height;
    const tooNarrow = rules.minAspect !== undefined && aspect < rules.minAspect;
    const tooWide = rules.maxAspect !== undefined && aspect > rules.maxAspect;
    if (tooNarrow || tooWide) {
      out.push({
        code: 'media_aspect_ratio',
        field,
        message: `The ${item.kind} is ${item.width}x${item.height} (aspect ${aspect.toFixed(2)}); ${label} needs ${rules.minAspect?.toFixed(2) ?? '0'} to ${rules.maxAspect?.toFixed(2) ?? 'any'}.`,
      });
    }
  }
  const alt = item.alt?.trim() ?? '';
  if (rules.altRequired && alt === '') {
    out.push({
      code: 'alt_text_required',
      field,
      message: `${label} requires alt text on every ${item.kind}.`,
    });
  }
  if (altMaxChars !== undefined && alt.length > altMaxChars) {
    out.push({
      code: 'alt_text_too_long',
      field,
      message: `Alt text is ${alt.length} characters; ${label} allows at most ${altMaxChars}.`,
    });
  }
  return out;
}

/** Every media rule `input` breaks on `platform`. */
export function mediaViolations(platform: Platform, input: PostInput, limits: PlatformLimits): Violation[] {
  const label = PLATFORM_LABELS[platform];
  const media = input.media;
  const out: Violation[] = [];

  if (limits.mediaRequired && media.length === 0) {
    out.push({
      code: 'media_required',
      field: 'media',
      message: `A ${label} post needs at least one image or video.`,
    });
  }
  const totalExceeded = media.length > limits.maxMedia;
  if (totalExceeded) {
    out.push({
      code: 'too_many_media',
      field: 'media',
      message: `The post has ${media.length} attachments; ${label} allows at most ${limits.maxMedia}.`,
    });
  }

  const counts = new Map<MediaKind, number>();
  media.forEach((item, index) => {
    counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1);
    const rules = kindLimits(limits, item.kind);
    if (rules === null) {
      out.push({
        code: 'media_type_unsupported',
        field: `media[${index}]`,
        message: `${label} does not accept ${KIND_NAMES[item.kind]}.`,
      });
      return;
    }
    out.push(...itemViolations(label, index, item, rules, limits.altMaxChars));
  });

  for (const [kind, count] of counts) {
    const max = kindLimits(limits, kind)?.maxCount;
    // When the overall cap already fired, only a stricter per-kind cap adds information.
    if (max !== undefined && count > max && !(totalExceeded && max >= limits.maxMedia)) {
      out.push({
        code: 'too_many_media',
        field: 'media',
        message: `The post has ${count} ${KIND_NAMES[kind]}; ${label} allows at most ${max}.`,
      });
    }
  }

  if (!limits.mixedMedia && counts.size > 1) {
    const kinds = [...counts.keys()].map((k) => KIND_NAMES[k]).join(' and ');
    out.push({
      code: 'media_mix_unsupported',
      field: 'media',
      message: `The post mixes ${kinds}; ${label} takes only one kind of attachment per post.`,
    });
  }
  return out;
}
