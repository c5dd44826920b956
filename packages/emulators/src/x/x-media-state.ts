import { type StoredMedia } from './x-state';

/** X forgets an upload this long after INIT. */
export const MEDIA_TTL_S = 24 * 60 * 60;

/** What each `media_category` accepts. */
export const MEDIA_CATEGORIES: Readonly<
  Record<string, { maxBytes: number; types: readonly string[]; keyPrefix: string }>
> = {
  tweet_image: {
    maxBytes: 5 * 1024 * 1024,
    types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
    keyPrefix: '3_',
  },
  tweet_gif: { maxBytes: 15 * 1024 * 1024, types: ['image/gif'], keyPrefix: '16_' },
  tweet_video: { maxBytes: 512 * 1024 * 1024, types: ['video/mp4', 'video/quicktime'], keyPrefix: '7_' },
};

/** The processing stage of an upload at `nowMs`; it moves on with time, not with polling. */
export type MediaStage = 'initialized' | 'pending' | 'in_progress' | 'succeeded' | 'failed' | 'expired';

/** An upload's stage and, while processing, its progress. */
export function mediaState(
  media: StoredMedia,
  nowMs: number,
): { state: MediaStage; progress: number; remainingMs: number } {
  if (nowMs > media.createdAtMs + MEDIA_TTL_S * 1000)
    return { state: 'expired', progress: 0, remainingMs: 0 };
  if (media.finalizedAtMs === undefined) return { state: 'initialized', progress: 0, remainingMs: 0 };
  const elapsed = nowMs - media.finalizedAtMs;
  if (elapsed >= media.processingMs) {
    return { state: media.fails ? 'failed' : 'succeeded', progress: 100, remainingMs: 0 };
  }
  const progress = Math.floor((elapsed / media.processingMs) * 100);
  return { state: 'in_progress', progress, remainingMs: media.processingMs - elapsed };
}

/** `processing_info` as FINALIZE and STATUS report it; absent before FINALIZE and for images, which X does not process. */
export function processingInfo(
  media: StoredMedia,
  nowMs: number,
  justFinalized = false,
): Record<string, unknown> | undefined {
  if (media.category === 'tweet_image') return undefined;
  const { state, progress, remainingMs } = mediaState(media, nowMs);
  if (state === 'initialized' || state === 'expired') return undefined;
  if (state === 'succeeded') return { state, progress_percent: 100 };
  if (state === 'failed') {
    return {
      state,
      progress_percent: 100,
      error: { code: 1, name: 'InvalidMedia', message: 'Unsupported video format' },
    };
  }
  return {
    state: justFinalized ? 'pending' : state,
    check_after_secs: Math.max(1, Math.ceil(remainingMs / 1000)),
    progress_percent: justFinalized ? 0 : progress,
  };
}

/** The `data` object every upload endpoint answers with. */
export function mediaData(media: StoredMedia, nowMs: number, justFinalized = false): Record<string, unknown> {
  const expiresAfter = Math.max(0, Math.ceil((media.createdAtMs + MEDIA_TTL_S * 1000 - nowMs) / 1000));
  const info = processingInfo(media, nowMs, justFinalized);
  return {
    id: media.id,
    media_key: media.mediaKey,
    size: media.totalBytes,
    expires_after_secs: expiresAfter,
    ...(info ? { processing_info: info } : {}),
  };
}
