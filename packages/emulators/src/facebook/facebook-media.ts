import { type FormValue } from '../http/io';
import { readFields, textField } from '../kit/kit-fields';
import { type KitContext, type KitReply } from '../kit/kit-route';
import { graphError } from '../graph/graph-problems';
import { requirePage } from './facebook-auth';

function hasSource(fields: Map<string, FormValue>, urlField: string): boolean {
  const source = fields.get('source');
  return (typeof source === 'object' && source.size > 0) || textField(fields, urlField) !== undefined;
}

/** `POST /{page}/photos {source|url, published}`: unpublished photos are attached to a feed post later. */
export async function uploadPhoto(ctx: KitContext): Promise<KitReply> {
  const pageId = ctx.params[0] ?? '';
  requirePage(ctx, pageId);
  const fields = await readFields(ctx);
  if (!hasSource(fields, 'url')) throw graphError(400, 324, '(#324) Requires upload file');
  const published = textField(fields, 'published') !== 'false';
  const photo = ctx.state.storeMedia(pageId, 'image', { published, attached: false });
  return { status: 200, body: { id: photo.id } };
}

/** `POST /{page}/videos {source|file_url, description, published:false}` (graph-video host). */
export async function uploadVideo(ctx: KitContext): Promise<KitReply> {
  const pageId = ctx.params[0] ?? '';
  requirePage(ctx, pageId);
  const fields = await readFields(ctx);
  if (!hasSource(fields, 'file_url'))
    throw graphError(400, 390, 'There was a problem uploading your video file.');
  const video = ctx.state.storeMedia(pageId, 'video', {
    description: textField(fields, 'description') ?? '',
  });
  return { status: 200, body: { id: video.id } };
}

/** A video's `status` field: `video_status` is `processing`, `ready` or `error`. */
export function videoStatus(ctx: KitContext, id: string): Record<string, unknown> | undefined {
  const video = ctx.state.media.get(id);
  if (!video || video.kind !== 'video') return undefined;
  const status = { processing: 'processing', ready: 'ready', failed: 'error' }[ctx.state.mediaStatus(video)];
  return { id, status: { video_status: status, processing_progress: status === 'processing' ? 50 : 100 } };
}
