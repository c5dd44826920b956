import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { type LocalStorage, renditionKey } from '@vibetribe/media-storage';
import { MediaRejected } from './probe';

/** X takes images up to 5 MB (JPEG, PNG, GIF, WebP) and GIFs up to 15 MB. */
export const X_IMAGE_BYTES = 5 * 1024 * 1024;
export const X_GIF_BYTES = 15 * 1024 * 1024;
/** Instagram takes JPEG under 8 MiB, aspect ratio from 4:5 to 1.91:1. */
export const INSTAGRAM_BYTES = 8 * 1024 * 1024;
export const INSTAGRAM_MIN_RATIO = 4 / 5;
export const INSTAGRAM_MAX_RATIO = 1.91;

/** The width × height Instagram takes for an image of `w` × `h`: cropped to the nearest allowed ratio, at most 1440 wide. */
export function instagramFrame(w: number, h: number): { width: number; height: number } {
  const ratio = Math.min(INSTAGRAM_MAX_RATIO, Math.max(INSTAGRAM_MIN_RATIO, w / h));
  const width = Math.min(1440, ratio >= w / h ? w : Math.round(h * ratio));
  return { width, height: Math.round(width / ratio) };
}

/** Encodes with falling JPEG quality until the result is at most `maxBytes`. */
async function jpegWithin(image: sharp.Sharp, maxBytes: number): Promise<Buffer> {
  for (const quality of [90, 80, 70, 60, 50, 40]) {
    const out = await image.clone().jpeg({ quality, mozjpeg: true }).toBuffer();
    if (out.length <= maxBytes) return out;
  }
  throw new MediaRejected(`no JPEG rendition fits in ${maxBytes} bytes`);
}

/** Writes a rendition beside its original (deterministic key: a retried job overwrites, never adds). */
async function put(storage: LocalStorage, original: string, name: string, bytes: Buffer): Promise<string> {
  const key = renditionKey(original, name, 'jpg').replace(/\.jpg$/, '');
  const stored = await storage.put(Readable.from([bytes]), {
    key,
    ext: 'jpg',
    mime: 'image/jpeg',
    kind: 'image',
  });
  return stored.publicId;
}

/**
 * The renditions of an image on local disk: a thumbnail (400 px), X's (the original when it already
 * fits, else a JPEG under 5 MB) and Instagram's (a JPEG cropped into 4:5–1.91:1, under 8 MiB).
 */
export async function imageRenditions(
  storage: LocalStorage,
  publicId: string,
  facts: { width: number; height: number; bytes: number; mime: string },
): Promise<Record<string, string>> {
  const path = storage.pathOf(publicId);
  const first = () => sharp(path, { failOn: 'none' }).rotate();
  const variants: Record<string, string> = {};
  const thumb = await first()
    .resize(400, 400, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toBuffer();
  variants.thumbnail = await put(storage, publicId, 'thumbnail', thumb);
  const xLimit = facts.mime === 'image/gif' ? X_GIF_BYTES : X_IMAGE_BYTES;
  variants.x =
    facts.bytes <= xLimit
      ? publicId
      : await put(
          storage,
          publicId,
          'x',
          await jpegWithin(
            first().resize(4096, 4096, { fit: 'inside', withoutEnlargement: true }),
            X_IMAGE_BYTES,
          ),
        );
  const frame = instagramFrame(facts.width, facts.height);
  const insta = first()
    .resize(frame.width, frame.height, { fit: 'cover', position: 'attention' })
    .flatten({ background: '#ffffff' });
  variants.instagram = await put(storage, publicId, 'instagram', await jpegWithin(insta, INSTAGRAM_BYTES));
  return variants;
}

/** One frame of a video as JPEG, by ffmpeg (at 1 s, or the middle of a shorter video). */
function grabFrame(ffmpeg: string, path: string, atS: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, [
      '-v',
      'error',
      '-ss',
      String(atS),
      '-i',
      path,
      '-frames:v',
      '1',
      '-f',
      'image2',
      '-c:v',
      'mjpeg',
      'pipe:1',
    ]);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', (err) => reject(new Error(`${ffmpeg}: ${err.message}`)));
    child.once('close', (code) => {
      const frame = Buffer.concat(chunks);
      if (code === 0 && frame.length > 0) resolve(frame);
      else reject(new MediaRejected('no frame could be taken from the video'));
    });
  });
}

/** A video's poster (a frame, at most 1280 wide) and its thumbnail (400 px). */
export async function videoRenditions(
  storage: LocalStorage,
  ffmpeg: string,
  publicId: string,
  durationS: number | null,
): Promise<Record<string, string>> {
  const frame = await grabFrame(
    ffmpeg,
    storage.pathOf(publicId),
    durationS !== null && durationS < 2 ? durationS / 2 : 1,
  );
  const poster = await sharp(frame)
    .resize(1280, 1280, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 85 })
    .toBuffer();
  const thumb = await sharp(frame)
    .resize(400, 400, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toBuffer();
  return {
    poster: await put(storage, publicId, 'poster', poster),
    thumbnail: await put(storage, publicId, 'thumbnail', thumb),
  };
}
