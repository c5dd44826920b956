import { type ConnectorAccount, type MediaUpload, type UploadedMedia } from '../connector';
import { type PlatformSend } from '../http/send';
import { pollUntilReady } from '../http/poll';
import { type ResolvedLinkedInConfig } from './linkedin-config';
import { anything, imageInit, videoInit, videoStatus } from './linkedin-schemas';

const bytesOf = (media: MediaUpload) =>
  media.bytes instanceof Uint8Array ? media.bytes : new Uint8Array(media.bytes);

/** Image: initialize with the author as owner, then PUT the bytes to the upload URL. */
async function uploadImage(
  send: PlatformSend,
  config: ResolvedLinkedInConfig,
  account: ConnectorAccount,
  media: MediaUpload,
) {
  const { data } = await send(
    {
      what: 'image initialize',
      method: 'POST',
      url: `${config.baseUrl}/rest/images`,
      query: { action: 'initializeUpload' },
      token: account.accessToken,
      json: { initializeUploadRequest: { owner: account.externalId } },
    },
    imageInit,
  );
  await send(
    {
      what: 'image upload',
      method: 'PUT',
      url: data.value.uploadUrl,
      token: account.accessToken,
      bytes: bytesOf(media),
      headers: { 'content-type': 'application/octet-stream' },
      timeoutMs: config.uploadTimeoutMs,
    },
    anything,
  );
  return data.value.image;
}

/** Video: initialize, PUT each byte range collecting ETags, finalize, then poll until AVAILABLE. */
async function uploadVideo(
  send: PlatformSend,
  config: ResolvedLinkedInConfig,
  account: ConnectorAccount,
  media: MediaUpload,
) {
  const bytes = bytesOf(media);
  const { data } = await send(
    {
      what: 'video initialize',
      method: 'POST',
      url: `${config.baseUrl}/rest/videos`,
      query: { action: 'initializeUpload' },
      token: account.accessToken,
      json: {
        initializeUploadRequest: {
          owner: account.externalId,
          fileSizeBytes: bytes.byteLength,
          uploadCaptions: false,
          uploadThumbnail: false,
        },
      },
    },
    videoInit,
  );
  const partIds: string[] = [];
  for (const part of data.value.uploadInstructions) {
    const { headers } = await send(
      {
        what: 'video part upload',
        method: 'PUT',
        url: part.uploadUrl,
        token: account.accessToken,
        bytes: bytes.subarray(part.firstByte, part.lastByte + 1),
        headers: { 'content-type': 'application/octet-stream' },
        timeoutMs: config.uploadTimeoutMs,
      },
      anything,
    );
    partIds.push(headers.get('etag') ?? '');
  }
  const video = data.value.video;
  await send(
    {
      what: 'video finalize',
      method: 'POST',
      url: `${config.baseUrl}/rest/videos`,
      query: { action: 'finalizeUpload' },
      token: account.accessToken,
      json: {
        finalizeUploadRequest: { video, uploadToken: data.value.uploadToken ?? '', uploadedPartIds: partIds },
      },
    },
    anything,
  );
  await pollUntilReady(
    'linkedin',
    `video ${video}`,
    async () => {
      const { data: s } = await send(
        {
          what: 'video status',
          method: 'GET',
          url: `${config.baseUrl}/rest/videos/${encodeURIComponent(video)}`,
          token: account.accessToken,
        },
        videoStatus,
      );
      if (s.status === 'AVAILABLE') return { done: true };
      return { done: false, ...(s.status === 'PROCESSING_FAILED' ? { failed: s.status } : {}) };
    },
    { intervalMs: config.maxPollIntervalMs, timeoutMs: config.processingTimeoutMs },
  );
  return video;
}

/** Uploads one attachment with LinkedIn's own flow; the id is the image or video URN. */
export async function uploadLinkedInMedia(
  send: PlatformSend,
  config: ResolvedLinkedInConfig,
  account: ConnectorAccount,
  media: MediaUpload,
): Promise<UploadedMedia> {
  const id =
    media.kind === 'video'
      ? await uploadVideo(send, config, account, media)
      : await uploadImage(send, config, account, media);
  return { id, kind: media.kind, ...(media.alt ? { alt: media.alt } : {}) };
}
