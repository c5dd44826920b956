import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

/** Image formats the fixtures make. */
export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

/**
 * A real image of `width` × `height` in `format`. `noise` makes it incompressible (a large file from
 * few pixels); otherwise it is a gradient that compresses well.
 */
export async function imageFixture(
  format: ImageFormat,
  opts: { width?: number; height?: number; noise?: boolean } = {},
): Promise<Buffer> {
  const width = opts.width ?? 64;
  const height = opts.height ?? 48;
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++)
    pixels[i] = opts.noise ? Math.floor(Math.random() * 256) : (i * 7) % 256;
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  const encoded =
    format === 'png'
      ? image.png({ compressionLevel: opts.noise ? 0 : 6 })
      : format === 'jpeg'
        ? image.jpeg({ quality: opts.noise ? 100 : 80 })
        : format === 'gif'
          ? image.gif()
          : image.webp({ lossless: !!opts.noise });
  return encoded.toBuffer();
}

/** Video containers the fixtures make. */
export type VideoContainer = 'mp4' | 'mov' | 'webm' | 'mpeg';

const CODECS: Record<VideoContainer, string[]> = {
  mp4: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', 'mp4'],
  mov: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'mov'],
  webm: ['-c:v', 'libvpx', '-b:v', '200k', '-f', 'webm'],
  mpeg: ['-c:v', 'mpeg1video', '-r', '25', '-f', 'mpeg'],
};

/** A real video (ffmpeg's test pattern) of `seconds` at `width` × `height`, in `container`. */
export async function videoFixture(
  container: VideoContainer,
  opts: { seconds?: number; width?: number; height?: number } = {},
): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'vt-video-'));
  const out = join(dir, `fixture.${container}`);
  try {
    const size = `${opts.width ?? 160}x${opts.height ?? 120}`;
    await run(process.env.FFMPEG_PATH ?? 'ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `testsrc=duration=${opts.seconds ?? 1}:size=${size}:rate=10`,
      ...CODECS[container],
      '-y',
      out,
    ]);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `head` followed by filler up to `bytes` in total: a file whose type its first bytes prove, of any size. */
export function paddedTo(head: Buffer, bytes: number): Buffer {
  if (bytes < head.length) throw new Error(`cannot pad ${head.length} bytes down to ${bytes}`);
  return Buffer.concat([head, Buffer.alloc(bytes - head.length, 0x5a)]);
}
