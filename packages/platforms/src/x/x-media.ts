import { setTimeout as sleep } from 'node:timers/promises';
import { type MediaUpload, type UploadedMedia } from '../connector';
import { PlatformError } from '../errors';
import { type MediaKind } from '../validation/types';
import { type ResolvedXConfig, X_SIMPLE_UPLOAD_MAX_BYTES } from './x-config';
import { type XSend } from './x-http';
import { anyResponse, mediaResponse, type XProcessingInfo } from './x-schemas';

const CATEGORY: Readonly<Record<MediaKind, string>> = {
  image: 'tweet_image',
  gif: 'tweet_gif',
  video: 'tweet_video',
};

type MediaData = { id: string; expires_after_secs?: number; processing_info?: XProcessingInfo };

// Blob wants bytes on a plain ArrayBuffer; slice() copies just the part being sent.
const blobOf = (bytes: Uint8Array, mime: string): Blob => new Blob([bytes.slice()], { type: mime });

async function simpleUpload(send: XSend, token: string, media: MediaUpload): Promise<MediaData> {
  const form = new FormData();
  form.append('media', blobOf(media.bytes, media.mime), 'media');
  form.append('media_category', CATEGORY[media.kind]);
  form.append('media_type', media.mime);
  const res = await send(
    { what: 'media upload', method: 'POST', path: '/2/media/upload', token, upload: true, form },
    mediaResponse,
  );
  return res.data;
}

async function chunkedUpload(
  send: XSend,
  config: ResolvedXConfig,
  token: string,
  media: MediaUpload,
): Promise<MediaData> {
  const init = await send(
    {
      what: 'media initialize',
      method: 'POST',
      path: '/2/media/upload/initialize',
      token,
      upload: true,
      json: {
        media_type: media.mime,
        total_bytes: media.bytes.byteLength,
        media_category: CATEGORY[media.kind],
      },
    },
    mediaResponse,
  );
  const id = init.data.id;
  for (let index = 0, offset = 0; offset < media.bytes.byteLength; index++, offset += config.chunkBytes) {
    const form = new FormData();
    form.append(
      'media',
      blobOf(media.bytes.subarray(offset, offset + config.chunkBytes), 'application/octet-stream'),
      'chunk',
    );
    form.append('segment_index', String(index));
    await send(
      {
        what: 'media append',
        method: 'POST',
        path: `/2/media/upload/${id}/append`,
        token,
        upload: true,
        form,
      },
      anyResponse,
    );
  }
  const done = await send(
    { what: 'media finalize', method: 'POST', path: `/2/media/upload/${id}/finalize`, token, upload: true },
    mediaResponse,
  );
  return done.data;
}

/** Polls STATUS until processing ends; a failed transcode is a validation error, a slow one retryable. */
async function awaitProcessing(
  send: XSend,
  config: ResolvedXConfig,
  token: string,
  data: MediaData,
): Promise<MediaData> {
  const deadline = Date.now() + config.processingTimeoutMs;
  let current = data;
  for (;;) {
    const info = current.processing_info;
    if (!info || info.state === 'succeeded') return current;
    if (info.state === 'failed') {
      throw new PlatformError({
        platform: 'x',
        kind: 'validation',
        message: `media processing failed${info.error?.message ? ` (${info.error.message})` : ''}`,
        platformCode:
          info.error?.name ?? (info.error?.code === undefined ? undefined : String(info.error.code)),
        platformMessage: info.error?.message,
      });
    }
    const waitMs = Math.min((info.check_after_secs ?? 1) * 1000, config.maxPollIntervalMs);
    if (Date.now() + waitMs > deadline) {
      throw new PlatformError({
        platform: 'x',
        kind: 'retryable',
        message: `media ${current.id} still ${info.state} after ${config.processingTimeoutMs} ms`,
        platformCode: 'processing_timeout',
      });
    }
    await sleep(waitMs);
    const status = await send(
      {
        what: 'media status',
        method: 'GET',
        path: '/2/media/upload',
        token,
        upload: true,
        query: { command: 'STATUS', media_id: current.id },
      },
      mediaResponse,
    );
    current = { ...current, ...status.data };
  }
}

/** Uploads one attachment (simple for small images, chunked otherwise), waits for processing, sets alt text. */
export async function uploadXMedia(
  send: XSend,
  config: ResolvedXConfig,
  token: string,
  media: MediaUpload,
): Promise<UploadedMedia> {
  const startedAt = Date.now();
  const simple = media.kind === 'image' && media.bytes.byteLength <= X_SIMPLE_UPLOAD_MAX_BYTES;
  const uploaded = simple
    ? await simpleUpload(send, token, media)
    : await chunkedUpload(send, config, token, media);
  const ready = await awaitProcessing(send, config, token, uploaded);
  if (media.alt) {
    await send(
      {
        what: 'media alt text',
        method: 'POST',
        path: '/2/media/metadata',
        token,
        upload: true,
        json: { id: ready.id, metadata: { alt_text: { text: media.alt } } },
      },
      anyResponse,
    );
  }
  const expiresAt =
    ready.expires_after_secs === undefined
      ? undefined
      : new Date(startedAt + ready.expires_after_secs * 1000).toISOString();
  return {
    id: ready.id,
    kind: media.kind,
    ...(media.alt ? { alt: media.alt } : {}),
    ...(expiresAt ? { expiresAt } : {}),
  };
}
