import { recentPosts } from '../kit/kit-fields';
import { type FormValue } from '../http/io';
import { consumePost, readFields, textField } from '../kit/kit-fields';
import { type KitContext, type KitReply } from '../kit/kit-route';
import { type KitPost } from '../kit/kit-types';
import { graphError } from '../graph/graph-problems';
import { requirePage } from './facebook-auth';
import { videoStatus } from './facebook-media';

function attachedMedia(fields: Map<string, FormValue>): string[] {
  const raw = textField(fields, 'attached_media');
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw graphError(400, 100, '(#100) param attached_media must be an array.');
  }
  if (!Array.isArray(parsed)) throw graphError(400, 100, '(#100) param attached_media must be an array.');
  return parsed.map((m: { media_fbid?: unknown }) => String(m.media_fbid));
}

function refuseDuplicate(ctx: KitContext, pageId: string, message: string): void {
  const same = [...ctx.state.posts.values()].some(
    (p) => p.accountId === pageId && p.text === message && message !== '',
  );
  if (same) throw graphError(400, 506, '(#506) Duplicate status message');
}

/** `POST /{page}/feed {message, attached_media?}` → `{id: "<page>_<post>"}`. */
export async function createFeedPost(ctx: KitContext): Promise<KitReply> {
  const pageId = ctx.params[0] ?? '';
  requirePage(ctx, pageId);
  const fields = await readFields(ctx);
  const message = textField(fields, 'message') ?? '';
  const media = attachedMedia(fields);
  if (message === '' && media.length === 0)
    throw graphError(400, 100, '(#100) Missing message or attachment');
  for (const id of media) {
    const photo = ctx.state.media.get(id);
    if (!photo || photo.kind !== 'image' || photo.accountId !== pageId || photo.data.attached === true) {
      throw graphError(400, 100, `(#100) Invalid media_fbid ${id}`);
    }
  }
  refuseDuplicate(ctx, pageId, message);
  consumePost(ctx, pageId);
  for (const id of media) {
    const photo = ctx.state.media.get(id);
    if (photo) photo.data.attached = true;
  }
  const post = ctx.state.storePost({
    id: `${pageId}_${ctx.state.nextId()}`,
    accountId: pageId,
    text: message,
    media,
    kind: media.length > 0 ? 'image' : 'text',
  });
  return { status: 200, body: { id: post.id } };
}

/** `POST /{video-id} {published:true, description}`: publishes an uploaded, processed video. */
export async function publishVideo(ctx: KitContext): Promise<KitReply> {
  const id = ctx.params[0] ?? '';
  const video = ctx.state.media.get(id);
  if (!video || video.kind !== 'video')
    throw graphError(404, 803, `(#803) Some of the aliases you requested do not exist: ${id}`);
  requirePage(ctx, video.accountId);
  const fields = await readFields(ctx);
  if (textField(fields, 'published') !== 'true') throw graphError(400, 100, '(#100) published must be true');
  if (ctx.state.mediaStatus(video) !== 'ready')
    throw graphError(400, 100, '(#100) The video is not ready to be published');
  const description =
    textField(fields, 'description') ??
    (typeof video.data.description === 'string' ? video.data.description : '');
  if (ctx.state.posts.has(id)) return { status: 200, body: { success: true } };
  refuseDuplicate(ctx, video.accountId, description);
  consumePost(ctx, video.accountId);
  ctx.state.storePost({ id, accountId: video.accountId, text: description, media: [id], kind: 'video' });
  return { status: 200, body: { success: true } };
}

const postFields = (p: KitPost) => ({
  id: p.id,
  message: p.text,
  created_time: p.receivedAt.replace(/\.\d{3}Z$/, '+0000'),
  permalink_url: `https://www.facebook.com/${p.id}`,
});

/** `GET /{id}?fields=…`: a post (message, reactions, comments, shares) or a video's status. */
export function getNode(ctx: KitContext): KitReply {
  const id = ctx.params[0] ?? '';
  const post = ctx.state.posts.get(id);
  const fields = ctx.url.searchParams.get('fields') ?? '';
  if (post && !(fields.includes('status') && !fields.includes('reactions'))) {
    requirePage(ctx, post.accountId);
    const m = post.metrics;
    return {
      status: 200,
      body: {
        ...postFields(post),
        reactions: { data: [], summary: { total_count: m.likes ?? 0 } },
        comments: { data: [], summary: { total_count: m.comments ?? 0 } },
        shares: { count: m.shares ?? 0 },
      },
    };
  }
  const video = videoStatus(ctx, id);
  if (video) return { status: 200, body: video };
  throw graphError(404, 803, `(#803) Some of the aliases you requested do not exist: ${id}`);
}

/** `GET /{page}/feed?since&limit`: newest first. */
export function getFeed(ctx: KitContext): KitReply {
  const pageId = ctx.params[0] ?? '';
  requirePage(ctx, pageId);
  const data = recentPosts(ctx, pageId).map(postFields);
  return { status: 200, body: { data } };
}
