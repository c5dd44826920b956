import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
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
 * `GET /files/<key>?exp=…&sig=…`: local storage's files at signed, expiring URLs, served to anyone who
 * holds one (Instagram, Facebook and Threads fetch media by URL without credentials). No auth, no
 * listing: a key this service did not sign is 403, a key it does not know is 404.
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
    ctx.type = type;
    ctx.length = info.size;
    ctx.body = createReadStream(path);
  };
}
