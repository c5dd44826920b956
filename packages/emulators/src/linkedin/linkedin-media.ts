import { readBody } from '../http/io';
import { type KitContext, type KitReply } from '../kit/kit-route';
import { mayPostAs } from './linkedin-auth';
import { invalidInput, linkedinProblem } from './linkedin-problems';

/** Parts a video upload is split into (LinkedIn uses 4 MiB). */
export const LINKEDIN_PART_BYTES = 4 * 1024 * 1024;

const selfUrl = (ctx: KitContext) => `http://${ctx.req.headers.host ?? '127.0.0.1'}`;

/** The nested JSON body LinkedIn's actions take. */
async function jsonBody(ctx: KitContext): Promise<Record<string, Record<string, unknown>>> {
  const text = (await readBody(ctx.req, 1024 * 1024)).toString('utf8');
  try {
    return JSON.parse(text) as Record<string, Record<string, unknown>>;
  } catch {
    throw invalidInput('The body is not valid JSON.');
  }
}

/** `POST /rest/images?action=initializeUpload {initializeUploadRequest:{owner}}`. */
export async function images(ctx: KitContext): Promise<KitReply> {
  if (ctx.url.searchParams.get('action') !== 'initializeUpload') throw invalidInput('Unknown action.');
  const owner = (await jsonBody(ctx)).initializeUploadRequest?.owner;
  if (typeof owner !== 'string' || !mayPostAs(ctx, owner))
    throw linkedinProblem(403, 'bad_request', 'Not enough permissions to upload as owner.');
  const media = ctx.state.storeMedia(ctx.token.accountId, 'image', { owner, uploaded: false });
  return {
    status: 200,
    body: {
      value: {
        uploadUrlExpiresAt: Date.now() + 3600_000,
        uploadUrl: `${selfUrl(ctx)}/upload/image/${media.id}`,
        image: `urn:li:image:${media.id}`,
      },
    },
  };
}

/** `PUT` the image's bytes to its upload URL. */
export async function putImage(ctx: KitContext): Promise<KitReply> {
  const media = ctx.state.media.get(ctx.params[0] ?? '');
  if (!media || media.kind !== 'image') throw linkedinProblem(404, 'not_found');
  const bytes = await readBody(ctx.req, 64 * 1024 * 1024);
  media.data.uploaded = bytes.length > 0;
  return { status: 201 };
}

/** `POST /rest/videos?action=initializeUpload|finalizeUpload`. */
export async function videos(ctx: KitContext): Promise<KitReply> {
  const action = ctx.url.searchParams.get('action');
  const body = await jsonBody(ctx);
  if (action === 'initializeUpload') {
    const req = body.initializeUploadRequest ?? {};
    const size = req.fileSizeBytes;
    if (typeof req.owner !== 'string' || !mayPostAs(ctx, req.owner))
      throw linkedinProblem(403, 'bad_request', 'Not enough permissions to upload as owner.');
    if (typeof size !== 'number' || size <= 0) throw invalidInput('fileSizeBytes is required.');
    const media = ctx.state.storeMedia(ctx.token.accountId, 'video', {
      owner: req.owner,
      size,
      parts: [] as string[],
    });
    media.readyAtMs = Number.POSITIVE_INFINITY;
    const instructions = [];
    for (let first = 0, part = 0; first < size; first += LINKEDIN_PART_BYTES, part++) {
      const last = Math.min(first + LINKEDIN_PART_BYTES, size) - 1;
      instructions.push({
        uploadUrl: `${selfUrl(ctx)}/upload/video/${media.id}/${part}`,
        firstByte: first,
        lastByte: last,
      });
    }
    return {
      status: 200,
      body: {
        value: {
          video: `urn:li:video:${media.id}`,
          uploadToken: '',
          uploadInstructions: instructions,
          uploadUrlsExpireAt: Date.now() + 3600_000,
        },
      },
    };
  }
  if (action === 'finalizeUpload') {
    const req = body.finalizeUploadRequest ?? {};
    const id = /^urn:li:video:(.+)$/.exec(String(req.video))?.[1];
    const media = id === undefined ? undefined : ctx.state.media.get(id);
    if (!media) throw linkedinProblem(404, 'not_found');
    const parts = Array.isArray(req.uploadedPartIds) ? req.uploadedPartIds : [];
    const sent = media.data.parts as string[];
    if (parts.length !== sent.length || parts.some((p, i) => p !== sent[i]))
      throw invalidInput('uploadedPartIds do not match the uploaded parts.');
    media.readyAtMs = Date.now() + ctx.state.settings.mediaProcessingMs;
    return { status: 200, body: {} };
  }
  throw invalidInput('Unknown action.');
}

/** `PUT` one part of a video; the answer's ETag is the part id to finalize with. */
export async function putVideoPart(ctx: KitContext): Promise<KitReply> {
  const media = ctx.state.media.get(ctx.params[0] ?? '');
  if (!media || media.kind !== 'video') throw linkedinProblem(404, 'not_found');
  const bytes = await readBody(ctx.req, 8 * 1024 * 1024);
  const etag = `/ambry-video/${media.id}-${ctx.params[1]}-${bytes.length}`;
  (media.data.parts as string[])[Number(ctx.params[1])] = etag;
  return { status: 200, headers: { etag }, raw: true };
}

/** `GET /rest/videos/:urn`: `WAITING_UPLOAD`, `PROCESSING`, `AVAILABLE` or `PROCESSING_FAILED`. */
export function getVideo(ctx: KitContext): KitReply {
  const id = /^urn:li:video:(.+)$/.exec(ctx.params[0] ?? '')?.[1];
  const media = id === undefined ? undefined : ctx.state.media.get(id);
  if (!media || media.kind !== 'video') throw linkedinProblem(404, 'not_found');
  const status =
    media.readyAtMs === Number.POSITIVE_INFINITY
      ? 'WAITING_UPLOAD'
      : { processing: 'PROCESSING', ready: 'AVAILABLE', failed: 'PROCESSING_FAILED' }[
          ctx.state.mediaStatus(media)
        ];
  return { status: 200, body: { id: ctx.params[0], owner: media.data.owner, status } };
}
