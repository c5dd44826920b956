import { type FormValue, parseFields, parseJson, readBody } from '../http/io';
import { MEDIA_CATEGORIES, mediaData, mediaState } from './x-media-state';
import { badRequest } from './x-problems';
import { type XReply, type XRequestContext } from './x-route';
import { type StoredMedia } from './x-state';

const MiB = 1024 * 1024;
const text = (v: FormValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

function bodyLimit(ctx: XRequestContext): number {
  return Math.max(ctx.state.settings.maxChunkBytes, MEDIA_CATEGORIES.tweet_gif?.maxBytes ?? 0) + MiB;
}

/** Query string and body fields together: the command shape may put either in either. */
async function fields(ctx: XRequestContext): Promise<Map<string, FormValue>> {
  const body = await readBody(ctx.req, bodyLimit(ctx));
  const out = await parseFields(body, ctx.req.headers['content-type'], badRequest);
  for (const [key, value] of ctx.url.searchParams) if (!out.has(key)) out.set(key, value);
  return out;
}

function ownMedia(ctx: XRequestContext, id: string | undefined): StoredMedia {
  const media = id === undefined ? undefined : ctx.state.media.get(id);
  if (!media || media.userId !== ctx.user.userId || mediaState(media, Date.now()).state === 'expired') {
    throw badRequest('Invalid media_id.');
  }
  return media;
}

function createMedia(
  ctx: XRequestContext,
  mediaType: string,
  totalBytes: number,
  category?: string,
): StoredMedia {
  const resolved =
    category ??
    (mediaType.startsWith('video/')
      ? 'tweet_video'
      : mediaType === 'image/gif'
        ? 'tweet_gif'
        : 'tweet_image');
  const rules = MEDIA_CATEGORIES[resolved];
  if (!rules) throw badRequest(`Unknown media_category: ${resolved}.`);
  if (!rules.types.includes(mediaType))
    throw badRequest(`media_type ${mediaType} is not allowed for ${resolved}.`);
  if (!Number.isInteger(totalBytes) || totalBytes <= 0)
    throw badRequest('total_bytes must be a positive integer.');
  if (totalBytes > rules.maxBytes) throw badRequest(`File size exceeds ${rules.maxBytes} bytes.`);
  const id = ctx.state.nextId();
  const media: StoredMedia = {
    id,
    mediaKey: `${rules.keyPrefix}${id}`,
    userId: ctx.user.userId,
    category: resolved,
    mediaType,
    totalBytes,
    segments: new Map(),
    createdAtMs: Date.now(),
    processingMs: 0,
    fails: false,
  };
  ctx.state.media.set(id, media);
  return media;
}

function finalize(ctx: XRequestContext, media: StoredMedia): XReply {
  if (media.finalizedAtMs !== undefined) throw badRequest('Media is already finalized.');
  const received = [...media.segments.values()].reduce((a, b) => a + b, 0);
  if (received !== media.totalBytes) {
    throw badRequest(`File size mismatch: received ${received} of ${media.totalBytes} bytes.`);
  }
  const { state } = ctx;
  if (media.category !== 'tweet_image') {
    media.processingMs = state.settings.mediaProcessingMs;
    if ((state.faults.failMediaProcessingNext ?? 0) > 0) {
      state.faults.failMediaProcessingNext = (state.faults.failMediaProcessingNext ?? 1) - 1;
      media.fails = true;
    }
  }
  media.finalizedAtMs = Date.now();
  state.stats.mediaUploads++;
  return { status: 200, body: { data: mediaData(media, Date.now(), true) } };
}

function append(ctx: XRequestContext, media: StoredMedia, f: Map<string, FormValue>): XReply {
  if (media.finalizedAtMs !== undefined) throw badRequest('Media is already finalized.');
  const index = Number(text(f.get('segment_index')));
  if (!Number.isInteger(index) || index < 0 || index > 999)
    throw badRequest('segment_index must be 0 to 999.');
  const part = f.get('media');
  if (part === undefined) throw badRequest('The media field is required.');
  const size = typeof part === 'string' ? Buffer.byteLength(part) : part.size;
  if (size > ctx.state.settings.maxChunkBytes) {
    throw badRequest(`Segment is ${size} bytes; at most ${ctx.state.settings.maxChunkBytes}.`);
  }
  media.segments.set(index, size);
  return { status: 200, body: { data: { expires_at: Math.floor(media.createdAtMs / 1000) + 86_400 } } };
}

function simpleUpload(ctx: XRequestContext, f: Map<string, FormValue>): XReply {
  const part = f.get('media');
  if (part === undefined || typeof part === 'string')
    throw badRequest('The media field must be a file part.');
  const mediaType = text(f.get('media_type')) ?? part.type;
  const media = createMedia(ctx, mediaType, part.size, text(f.get('media_category')));
  media.segments.set(0, part.size);
  return finalize(ctx, media);
}

/** `POST /2/media/upload`: a simple upload, or `command=INIT|APPEND|FINALIZE`. */
export async function uploadCommand(ctx: XRequestContext): Promise<XReply> {
  const f = await fields(ctx);
  const command = text(f.get('command'))?.toUpperCase();
  switch (command) {
    case undefined:
      return simpleUpload(ctx, f);
    case 'INIT': {
      const media = createMedia(
        ctx,
        text(f.get('media_type')) ?? '',
        Number(text(f.get('total_bytes'))),
        text(f.get('media_category')),
      );
      return { status: 200, body: { data: mediaData(media, Date.now()) } };
    }
    case 'APPEND':
      return append(ctx, ownMedia(ctx, text(f.get('media_id'))), f);
    case 'FINALIZE':
      return finalize(ctx, ownMedia(ctx, text(f.get('media_id'))));
    default:
      throw badRequest(`Unknown command: ${command}.`);
  }
}

/** `GET /2/media/upload?command=STATUS&media_id=…`. */
export function uploadStatus(ctx: XRequestContext): XReply {
  if (ctx.url.searchParams.get('command')?.toUpperCase() !== 'STATUS')
    throw badRequest('command must be STATUS.');
  const media = ownMedia(ctx, ctx.url.searchParams.get('media_id') ?? undefined);
  if (media.finalizedAtMs === undefined) throw badRequest('Media is not finalized.');
  return { status: 200, body: { data: mediaData(media, Date.now()) } };
}

/** `POST /2/media/upload/initialize` (JSON). */
export async function uploadInitialize(ctx: XRequestContext): Promise<XReply> {
  const f = await fields(ctx);
  const media = createMedia(
    ctx,
    text(f.get('media_type')) ?? '',
    Number(text(f.get('total_bytes'))),
    text(f.get('media_category')),
  );
  return { status: 200, body: { data: mediaData(media, Date.now()) } };
}

/** `POST /2/media/upload/{id}/append` (multipart `media`, `segment_index`). */
export async function uploadAppend(ctx: XRequestContext): Promise<XReply> {
  const media = ownMedia(ctx, ctx.params[0]);
  return append(ctx, media, await fields(ctx));
}

/** `POST /2/media/upload/{id}/finalize`. */
export async function uploadFinalize(ctx: XRequestContext): Promise<XReply> {
  await readBody(ctx.req, MiB);
  return finalize(ctx, ownMedia(ctx, ctx.params[0]));
}

/** `POST /2/media/metadata` `{id, metadata:{alt_text:{text}}}`. */
export async function mediaMetadata(ctx: XRequestContext): Promise<XReply> {
  const body = parseJson(await readBody(ctx.req, MiB), badRequest) as {
    id?: unknown;
    metadata?: { alt_text?: { text?: unknown } };
  } | null;
  const media = ownMedia(ctx, typeof body?.id === 'string' ? body.id : undefined);
  const alt = body?.metadata?.alt_text?.text;
  if (typeof alt !== 'string' || alt.length > 1000)
    throw badRequest('alt_text.text must be a string of at most 1000 characters.');
  media.alt = alt;
  return { status: 200, body: { data: { id: media.id, associated_metadata: { alt_text: { text: alt } } } } };
}
