import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import parseRange from 'range-parser';
import sharp from 'sharp';
import {
  FILES_PATH,
  isMediaKey,
  LocalStorage,
  type MediaStorage,
  type Transform,
} from '@vibetribe/media-storage';
import type { Middleware } from 'koa';
import { methodNotAllowed, notFound, Problem } from '../../errors';

const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.mpg': 'video/mpeg',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
};

const FIT = { fill: 'cover', fit: 'inside', limit: 'inside', pad: 'contain', scale: 'fill' } as const;

/** An image reshaped as it streams out (sharp), for optimize-url on local storage. */
function transformed(source: Readable, t: Transform, acceptsWebp: boolean): { body: Readable; type: string } {
  const format =
    t.format === 'auto' || t.format === undefined
      ? acceptsWebp
        ? 'webp'
        : 'jpeg'
      : t.format === 'jpg'
        ? 'jpeg'
        : t.format;
  const quality = t.quality === 'auto' || t.quality === undefined ? 80 : t.quality;
  const pipeline = sharp({ failOn: 'none' })
    .rotate()
    .resize({
      ...(t.width ? { width: t.width } : {}),
      ...(t.height ? { height: t.height } : {}),
      fit: FIT[t.crop ?? 'limit'],
      withoutEnlargement: (t.crop ?? 'limit') === 'limit',
    })
    .toFormat(format, { quality });
  return { body: source.pipe(pipeline), type: `image/${format}` };
}

/**
 * The one byte range a request asks for, when it should get it: `undefined` serves the whole file.
 * Several ranges, a malformed header, or an `If-Range` that names another version of the file are
 * answered with the whole file (RFC 9110 lets a server ignore Range); a range past the end is 416.
 */
function requestedRange(
  header: string | undefined,
  ifRange: string | undefined,
  size: number,
  lastModified: string,
): { start: number; end: number } | undefined {
  if (!header || (ifRange && ifRange !== lastModified)) return undefined;
  const ranges = parseRange(size, header, { combine: true });
  if (ranges === -1) {
    throw new Problem(
      416,
      'range-not-satisfiable',
      'Range not satisfiable',
      `The file has ${size} bytes.`,
      {},
      { 'Content-Range': `bytes */${size}` },
    );
  }
  if (ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) return undefined;
  return ranges[0];
}

/**
 * `GET /files/<key>?exp=…&sig=…`: local storage's files at signed, expiring URLs, served to anyone who
 * holds one (Instagram, Facebook and Threads fetch media by URL without credentials). No auth, no
 * listing: a key this service did not sign is 403, a key it does not know is 404. Untransformed files
 * honour a single byte `Range` (206), as platforms fetching video and players seeking in it expect.
 */
export function serveFiles(storage: MediaStorage): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith(FILES_PATH)) {
      await next();
      return;
    }
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') throw methodNotAllowed('GET, HEAD');
    const key = ctx.path.slice(FILES_PATH.length);
    if (!(storage instanceof LocalStorage) || !isMediaKey(key)) throw notFound('File');
    const checked = storage.signer.verify(key, new URLSearchParams(ctx.querystring));
    if (!checked.ok)
      throw new Problem(403, `url-${checked.reason}`, 'Forbidden', 'This URL is not valid (or no longer).');
    const path = storage.pathOf(key);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) throw notFound('File');
    const type = TYPES[extname(key)] ?? 'application/octet-stream';
    const exp = Number(new URLSearchParams(ctx.querystring).get('exp'));
    ctx.set('Cache-Control', `private, max-age=${Math.max(0, exp - Math.floor(Date.now() / 1000))}`);
    const transform = checked.transform;
    if (Object.keys(transform).length > 0 && type.startsWith('image/')) {
      const out = transformed(createReadStream(path), transform, ctx.accepts('image/webp') === 'image/webp');
      ctx.type = out.type;
      ctx.body = out.body;
      return;
    }
    const lastModified = info.mtime.toUTCString();
    const range = requestedRange(
      ctx.get('Range') || undefined,
      ctx.get('If-Range') || undefined,
      info.size,
      lastModified,
    );
    ctx.set('Accept-Ranges', 'bytes');
    ctx.set('Last-Modified', lastModified);
    ctx.type = type;
    if (range) {
      ctx.status = 206;
      ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${info.size}`);
      ctx.length = range.end - range.start + 1;
      ctx.body = createReadStream(path, range);
      return;
    }
    ctx.length = info.size;
    ctx.body = createReadStream(path);
  };
}
