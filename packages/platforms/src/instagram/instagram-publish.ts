import { type PublishRequest, type PublishResult, type UploadedMedia } from '../connector';
import { PlatformError } from '../errors';
import { pollUntilReady } from '../http/poll';
import { type PlatformSend } from '../http/send';
import { type ResolvedInstagramConfig } from './instagram-config';
import { containerStatus, permalink, withId } from './instagram-schemas';

const urlOf = (m: UploadedMedia): string => (m.ref as { url?: string } | undefined)?.url ?? m.id;

/**
 * Content publishing: a container per item (an image, a Reel, or carousel items and their parent),
 * each polled until FINISHED, then `media_publish`. Containers are made anew on every attempt, so an
 * expired one (2207020) is fixed by retrying.
 */
export async function publishInstagram(
  send: PlatformSend,
  config: ResolvedInstagramConfig,
  req: PublishRequest,
): Promise<PublishResult> {
  const token = req.account.accessToken;
  const user = `${config.graph}/${encodeURIComponent(req.account.externalId)}`;
  if (req.media.length === 0) {
    throw new PlatformError({
      platform: 'instagram',
      kind: 'validation',
      message: 'Instagram needs an image or a video',
      platformCode: 'media_required',
    });
  }
  const container = async (fields: Record<string, string>) => {
    const { data } = await send(
      {
        what: 'media container',
        method: 'POST',
        url: `${user}/media`,
        token,
        form: new URLSearchParams(fields),
      },
      withId,
    );
    await pollUntilReady(
      'instagram',
      `container ${data.id}`,
      async () => {
        const { data: s } = await send(
          {
            what: 'container status',
            method: 'GET',
            url: `${config.graph}/${data.id}`,
            token,
            query: { fields: 'status_code,status' },
          },
          containerStatus,
        );
        if (s.status_code === 'FINISHED') return { done: true };
        if (s.status_code === 'EXPIRED')
          throw new PlatformError({
            platform: 'instagram',
            kind: 'retryable',
            message: `container ${data.id} expired`,
            platformCode: 'container_expired',
          });
        return { done: false, ...(s.status_code === 'ERROR' ? { failed: s.status ?? 'ERROR' } : {}) };
      },
      { intervalMs: config.maxPollIntervalMs, timeoutMs: config.processingTimeoutMs },
    );
    return data.id;
  };
  const item = (m: UploadedMedia, extra: Record<string, string>) =>
    m.kind === 'video'
      ? { media_type: extra.is_carousel_item ? 'VIDEO' : 'REELS', video_url: urlOf(m), ...extra }
      : { image_url: urlOf(m), ...(m.alt ? { alt_text: m.alt } : {}), ...extra };
  let creationId: string;
  const [only] = req.media;
  if (req.media.length === 1 && only) {
    creationId = await container(
      item(only, { caption: req.text, ...(only.kind === 'video' ? { share_to_feed: 'true' } : {}) }),
    );
  } else {
    const children: string[] = [];
    for (const m of req.media) children.push(await container(item(m, { is_carousel_item: 'true' })));
    creationId = await container({ media_type: 'CAROUSEL', children: children.join(','), caption: req.text });
  }
  const { data } = await send(
    {
      what: 'publish',
      method: 'POST',
      url: `${user}/media_publish`,
      token,
      form: new URLSearchParams({ creation_id: creationId }),
    },
    withId,
  );
  const { data: link } = await send(
    {
      what: 'permalink',
      method: 'GET',
      url: `${config.graph}/${data.id}`,
      token,
      query: { fields: 'permalink' },
    },
    permalink,
  ).catch(() => ({ data: { permalink: undefined } }));
  return { platformPostId: data.id, url: link.permalink ?? `https://www.instagram.com/` };
}
