import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

/** A file that cannot be processed (corrupt, or not what its bytes claimed): retrying will not help. */
export class MediaRejected extends Error {
  override name = 'MediaRejected';
}

/** Facts about a medium. */
export interface Probed {
  width: number | null;
  height: number | null;
  durationS: number | null;
  codec: string | null;
}

/** An image's dimensions (an animation's frame height, not the whole strip). */
export async function probeImage(path: string): Promise<Probed> {
  try {
    const m = await sharp(path, { animated: true }).metadata();
    return {
      width: m.width ?? null,
      height: m.pageHeight ?? m.height ?? null,
      durationS: null,
      codec: m.format ?? null,
    };
  } catch (err) {
    throw new MediaRejected(`the image cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A video's dimensions, duration and codec, from ffprobe. */
export async function probeVideo(ffprobe: string, path: string): Promise<Probed> {
  let stdout: string;
  try {
    ({ stdout } = await run(ffprobe, [
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      path,
    ]));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${ffprobe} is not installed`);
    throw new MediaRejected('the video cannot be read (ffprobe refused it)');
  }
  const out = JSON.parse(stdout) as {
    format?: { duration?: string };
    streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number }[];
  };
  const video = out.streams?.find((s) => s.codec_type === 'video');
  if (!video) throw new MediaRejected('the file has no video stream');
  const duration = Number(out.format?.duration);
  return {
    width: video.width ?? null,
    height: video.height ?? null,
    durationS: Number.isFinite(duration) ? duration : null,
    codec: video.codec_name ?? null,
  };
}
