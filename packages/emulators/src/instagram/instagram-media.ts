import { consumePost, readFields, textField } from '../kit/kit-fields';
import { type KitContext, type KitReply } from '../kit/kit-route';
import { type KitMedia } from '../kit/kit-state';
import { graphError } from '../graph/graph-problems';
import { requireUser } from './instagram-auth';

const MAX_CAPTION = 2200;
const MAX_HASHTAGS = 30;
const CONTAINER_TTL_MS = 24 * 3600_000;

/** A container's status as `?fields=status_code` reports it. */
export function containerStatus(ctx: KitContext, c: KitMedia): string {
  if (c.data.published === true) return 'PUBLISHED';
  if (Date.now() > c.createdAtMs + CONTAINER_TTL_MS) return 'EXPIRED';
  if (c.data.mediaType === 'CAROUSEL') {
    const children = (c.data.children as string[]).map((id) => ctx.state.media.get(id));
    if (children.some((k) => !k || containerStatus(ctx, k) === 'ERROR')) return 'ERROR';
    return children.every((k) => k && containerStatus(ctx, k) === 'FINISHED') ? 'FINISHED' : 'IN_PROGRESS';
  }
  return { processing: 'IN_PROGRESS', ready: 'FINISHED', failed: 'ERROR' }[ctx.state.mediaStatus(c)];
}

function checkCaption(caption: string): void {
  if (caption.length > MAX_CAPTION) throw graphError(400, 100, 'The caption is too long.', 2207010);
  if ((caption.match(/#[\p{L}\p{N}_]+/gu) ?? []).length > MAX_HASHTAGS)
    throw graphError(400, 100, 'Too many hashtags.', 2207010);
}

/** `POST /{ig-user}/media`: an image, a Reel, a carousel item or a carousel, as a container to publish. */
export async function createContainer(ctx: KitContext): Promise<KitReply> {
  const userId = ctx.params[0] ?? '';
  requireUser(ctx, userId);
  const fields = await readFields(ctx);
  const f = (name: string) => textField(fields, name);
  const caption = f('caption') ?? '';
  checkCaption(caption);
  const mediaType = f('media_type') ?? 'IMAGE';
  const item = f('is_carousel_item') === 'true';
  if (mediaType === 'CAROUSEL') {
    const children = (f('children') ?? '').split(',').filter(Boolean);
    if (children.length < 2 || children.length > 10)
      throw graphError(400, 100, 'A carousel takes 2 to 10 children.', 2207035);
    for (const id of children) {
      const child = ctx.state.media.get(id);
      if (!child || child.accountId !== userId || child.data.item !== true)
        throw graphError(400, 100, `Invalid child ${id}.`, 2207006);
    }
    const c = ctx.state.storeMedia(userId, 'image', { mediaType, caption, children });
    return { status: 200, body: { id: c.id } };
  }
  const video = mediaType === 'REELS' || mediaType === 'VIDEO';
  const url = f(video ? 'video_url' : 'image_url');
  if (!url) throw graphError(400, 100, `${video ? 'video_url' : 'image_url'} is required.`, 2207052);
  if (mediaType === 'VIDEO' && !item)
    throw graphError(400, 100, 'VIDEO is only for carousel items; use REELS.', 2207023);
  const c = ctx.state.storeMedia(userId, video ? 'video' : 'image', {
    mediaType,
    caption,
    url,
    item,
    altText: f('alt_text'),
  });
  return { status: 200, body: { id: c.id } };
}

/** `POST /{ig-user}/media_publish?creation_id=…` → the published media id. */
export async function publishContainer(ctx: KitContext): Promise<KitReply> {
  const userId = ctx.params[0] ?? '';
  requireUser(ctx, userId);
  const fields = await readFields(ctx);
  const container = ctx.state.media.get(textField(fields, 'creation_id') ?? '');
  if (!container || container.accountId !== userId || container.data.item === true) {
    throw graphError(400, 100, 'The media container could not be found.', 2207006);
  }
  const status = containerStatus(ctx, container);
  if (status === 'EXPIRED') throw graphError(400, 9007, 'The media container has expired.', 2207020);
  if (status === 'PUBLISHED') throw graphError(400, 9007, 'The media has already been published.', 2207050);
  if (status !== 'FINISHED') throw graphError(400, 9007, 'Media ID is not available', 2207027);
  consumePost(ctx, userId);
  container.data.published = true;
  const type = String(container.data.mediaType);
  const children = (container.data.children as string[] | undefined) ?? [];
  const media =
    children.length > 0
      ? children.map((id) => String(ctx.state.media.get(id)?.data.url))
      : [String(container.data.url)];
  const post = ctx.state.storePost({
    id: ctx.state.nextId(),
    accountId: userId,
    text: typeof container.data.caption === 'string' ? container.data.caption : '',
    media,
    kind: type.toLowerCase(),
  });
  return { status: 200, body: { id: post.id } };
}
