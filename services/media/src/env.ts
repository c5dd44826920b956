import { commonEnv, loadEnv, portVar } from '@vibetribe/runtime';
import { z } from 'zod';

const schema = z.object({
  ...commonEnv,
  MEDIA_PORT: portVar(3003),
  MEDIA_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  MEDIA_STORAGE_DIR: z.string().default('.data/media'),
  CLOUDINARY_URL: z.string().startsWith('cloudinary://').optional(),
});

/** The media service's configuration. */
export type MediaEnv = z.output<typeof schema>;

/** Reads and validates the media service's environment; throws naming every bad key. */
export const mediaEnv = (source: NodeJS.ProcessEnv = process.env): Readonly<MediaEnv> =>
  loadEnv(schema, source);
