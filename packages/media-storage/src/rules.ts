import type * as FileType from 'file-type' with { 'resolution-mode': 'import' };
import type { MediaKind, MediaLimits, MediaType } from './types';

/** The types an upload may have (the spec's list); anything else is refused with 415. */
export const MEDIA_TYPES: readonly MediaType[] = [
  { mime: 'image/jpeg', ext: 'jpg', kind: 'image' },
  { mime: 'image/png', ext: 'png', kind: 'image' },
  { mime: 'image/gif', ext: 'gif', kind: 'gif' },
  { mime: 'image/webp', ext: 'webp', kind: 'image' },
  { mime: 'video/mp4', ext: 'mp4', kind: 'video' },
  { mime: 'video/mpeg', ext: 'mpg', kind: 'video' },
  { mime: 'video/quicktime', ext: 'mov', kind: 'video' },
  { mime: 'video/webm', ext: 'webm', kind: 'video' },
];

/** file-type names MPEG program streams by their system layer (MPEG-1, MPEG-2): both are `video/mpeg`. */
const SNIFFED_ALIASES: Record<string, string> = { 'video/MP1S': 'video/mpeg', 'video/MP2P': 'video/mpeg' };

const MIB = 1024 * 1024;

/** The spec's limits: images up to 10 MB, videos up to 100 MB (MB meaning MiB, 1,048,576 bytes). */
export const DEFAULT_LIMITS: MediaLimits = { imageBytes: 10 * MIB, videoBytes: 100 * MIB };

/** The most files one `upload-multiple` request takes. */
export const MAX_FILES_PER_REQUEST = 10;

/** The byte limit of a kind. */
export const limitOf = (kind: MediaKind, limits: MediaLimits): number =>
  kind === 'video' ? limits.videoBytes : limits.imageBytes;

/** file-type reads at most this many leading bytes to decide (its `reasonableDetectionSizeInBytes`). */
export const SNIFF_BYTES = 4100;

let fileType: typeof FileType | undefined;

/**
 * The accepted type the leading bytes prove, or undefined (HTML, SVG, scripts, anything unlisted). The
 * name and the declared Content-Type are never consulted: a PNG named `.jpg` is a PNG. file-type is an
 * ES module without top-level await, so Node 24 loads it with require() (and jest, which runs CommonJS,
 * compiles it; see jest.preset.js): import() would not run under jest.
 */
export async function sniffMediaType(head: Uint8Array): Promise<MediaType | undefined> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  fileType ??= require('file-type') as typeof FileType;
  const found = await fileType.fileTypeFromBuffer(head);
  const mime = found ? (SNIFFED_ALIASES[found.mime] ?? found.mime) : undefined;
  return MEDIA_TYPES.find((t) => t.mime === mime);
}
