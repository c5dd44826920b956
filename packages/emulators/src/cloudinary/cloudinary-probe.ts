import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

/** What Cloudinary measures about an upload. */
export interface Probed {
  format: string;
  width?: number;
  height?: number;
  duration?: number;
  codec?: string;
}

/** Measures an image with sharp; undefined when it is not one. */
export async function probeImage(path: string): Promise<Probed | undefined> {
  try {
    const m = await sharp(path, { animated: true }).metadata();
    if (!m.format) return undefined;
    const format = m.format === 'jpeg' ? 'jpg' : m.format;
    return {
      format,
      ...(m.width ? { width: m.width } : {}),
      ...((m.pageHeight ?? m.height) ? { height: m.pageHeight ?? m.height } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Measures a video with ffprobe (Debian's ffmpeg); undefined when it is not one or ffprobe is missing. */
export async function probeVideo(path: string): Promise<Probed | undefined> {
  try {
    const { stdout } = await run(process.env.FFPROBE_PATH ?? 'ffprobe', [
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      path,
    ]);
    const out = JSON.parse(stdout) as {
      format?: { format_name?: string; duration?: string };
      streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number }[];
    };
    const video = out.streams?.find((s) => s.codec_type === 'video');
    if (!video) return undefined;
    const duration = Number(out.format?.duration);
    return {
      format: (out.format?.format_name ?? 'mp4').split(',')[0]!,
      ...(video.width ? { width: video.width } : {}),
      ...(video.height ? { height: video.height } : {}),
      ...(Number.isFinite(duration) ? { duration } : {}),
      ...(video.codec_name ? { codec: video.codec_name } : {}),
    };
  } catch {
    return undefined;
  }
}
