import {
  type ConnectorAccount,
  type MediaUpload,
  type PlatformConnector,
  type UploadedMedia,
} from '../connector';
import { graphResponseError } from '../graph/graph-errors';
import { pollUntilReady } from '../http/poll';
import { createSend, type PlatformSend } from '../http/send';
import { validateForPlatform } from '../validation/validate';
import { normalizeForMatch } from '../x/x-match';
import {
  type FacebookConnectorConfig,
  type ResolvedFacebookConfig,
  resolveFacebookConfig,
} from './facebook-config';
import { anything, feed, postMetrics, videoStatus, withId } from './facebook-schemas';

/** The public address of a post or video. */
export const facebookPostUrl = (id: string) => `https://www.facebook.com/${id}`;

/** A multipart form with the bytes as `source` and the given fields. */
function sourceForm(media: MediaUpload, fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append('source', new Blob([Uint8Array.from(media.bytes)], { type: media.mime }), 'media');
  return form;
}

/** Photos go up unpublished (to attach to one feed post); a video goes up unpublished and is polled until ready. */
async function upload(
  send: PlatformSend,
  config: ResolvedFacebookConfig,
  account: ConnectorAccount,
  media: MediaUpload,
): Promise<UploadedMedia> {
  const page = encodeURIComponent(account.externalId);
  const video = media.kind === 'video';
  const { data } = await send(
    {
      what: video ? 'video upload' : 'photo upload',
      method: 'POST',
      url: video ? `${config.graphVideo}/${page}/videos` : `${config.graph}/${page}/photos`,
      token: account.accessToken,
      form: sourceForm(media, {
        published: 'false',
        ...(media.alt && !video ? { alt_text_custom: media.alt } : {}),
      }),
      timeoutMs: config.uploadTimeoutMs,
    },
    withId,
  );
  if (video) {
    await pollUntilReady(
      'facebook',
      `video ${data.id}`,
      async () => {
        const { data: s } = await send(
          {
            what: 'video status',
            method: 'GET',
            url: `${config.graph}/${data.id}`,
            token: account.accessToken,
            query: { fields: 'status' },
          },
          videoStatus,
        );
        if (s.status.video_status === 'ready') return { done: true };
        return {
          done: false,
          ...(s.status.video_status === 'error' ? { failed: 'video_status error' } : {}),
        };
      },
      { intervalMs: config.maxPollIntervalMs, timeoutMs: config.processingTimeoutMs },
    );
  }
  return { id: data.id, kind: media.kind, ...(media.alt ? { alt: media.alt } : {}) };
}

/** The Facebook Pages connector: the account is the page, its token a page token. */
export function createFacebookConnector(config?: FacebookConnectorConfig): PlatformConnector {
  const resolved = resolveFacebookConfig(config);
  const send = createSend(
    'facebook',
    { fetch: resolved.fetch, timeoutMs: resolved.timeoutMs },
    graphResponseError('facebook'),
  );
  return {
    platform: 'facebook',
    validate: (input, limits) => validateForPlatform('facebook', input, limits),
    uploadMedia: (account, media) => upload(send, resolved, account, media),
    async publish(req) {
      const token = req.account.accessToken;
      const video = req.media.find((m) => m.kind === 'video');
      if (video) {
        const form = new URLSearchParams({ published: 'true', description: req.text });
        await send(
          { what: 'publish video', method: 'POST', url: `${resolved.graph}/${video.id}`, token, form },
          anything,
        );
        return { platformPostId: video.id, url: facebookPostUrl(video.id) };
      }
      const form = new URLSearchParams({ message: req.text });
      if (req.media.length > 0)
        form.set('attached_media', JSON.stringify(req.media.map((m) => ({ media_fbid: m.id }))));
      const page = encodeURIComponent(req.account.externalId);
      const { data } = await send(
        { what: 'publish', method: 'POST', url: `${resolved.graph}/${page}/feed`, token, form },
        withId,
      );
      return { platformPostId: data.id, url: facebookPostUrl(data.id) };
    },
    // Facebook refuses a duplicate status message (506), so a text match since the intent is ours.
    async lookup(req) {
      const { data } = await send(
        {
          what: 'lookup',
          method: 'GET',
          url: `${resolved.graph}/${encodeURIComponent(req.account.externalId)}/feed`,
          token: req.account.accessToken,
          query: {
            fields: 'id,message,created_time',
            since: String(Math.floor(req.since.getTime() / 1000)),
            limit: '100',
          },
        },
        feed,
      );
      const wanted = normalizeForMatch(req.text);
      const found = data.data.find((p) => normalizeForMatch(p.message ?? '') === wanted);
      return found ? { platformPostId: found.id, url: facebookPostUrl(found.id) } : null;
    },
    async metrics(account, platformPostId) {
      const { data } = await send(
        {
          what: 'metrics',
          method: 'GET',
          url: `${resolved.graph}/${encodeURIComponent(platformPostId)}`,
          token: account.accessToken,
          query: { fields: 'reactions.summary(total_count),comments.summary(total_count),shares' },
        },
        postMetrics,
      );
      return {
        likes: data.reactions?.summary.total_count ?? 0,
        replies: data.comments?.summary.total_count ?? 0,
        reposts: data.shares?.count ?? 0,
      };
    },
  };
}
