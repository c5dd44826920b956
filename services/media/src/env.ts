import { mediaStorageEnv } from '@vibetribe/media-storage';
import { commonEnv, loadEnv, portVar } from '@vibetribe/runtime';
import { z } from 'zod';

const schema = z.object({
  ...commonEnv,
  // PUBLIC_URL, ENCRYPTION_KEY (signs local media URLs), MEDIA_STORAGE_DIR, MEDIA_QUEUE_PREFIX, CLOUDINARY_*.
  ...mediaStorageEnv,
  MEDIA_PORT: portVar(3003),
  MEDIA_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  // A job whose worker died is taken back after its lock lapses; stalled jobs are looked for this often.
  MEDIA_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  MEDIA_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
  FFPROBE_PATH: z.string().min(1).default('ffprobe'),
  FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
});

/** The media service's configuration. */
export type MediaEnv = z.output<typeof schema>;

/** Reads and validates the media service's environment; throws naming every bad key. */
export const mediaEnv = (source: NodeJS.ProcessEnv = process.env): Readonly<MediaEnv> =>
  loadEnv(schema, source);
