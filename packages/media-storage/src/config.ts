import { z } from 'zod';
import { type CloudinaryConfig, CloudinaryStorage, DEFAULT_CHUNK_BYTES } from './cloudinary-storage';
import { LocalStorage } from './local-storage';
import { DEFAULT_LIMITS } from './rules';
import { MediaUrlSigner } from './signed-urls';
import type { MediaStorage } from './storage';
import type { MediaLimits } from './types';

/**
 * The storage keys of the environment, the same in the gateway and the media service (each spreads
 * this into its own env schema). The size limits are there so tests and small installs can lower them.
 */
export const mediaStorageEnv = {
  PUBLIC_URL: z.url().default('http://127.0.0.1:3000'),
  MEDIA_STORAGE_DIR: z.string().min(1).default('.data/media'),
  MEDIA_URL_TTL_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(86_400),
  MEDIA_IMAGE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(DEFAULT_LIMITS.imageBytes)
    .default(DEFAULT_LIMITS.imageBytes),
  MEDIA_VIDEO_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(DEFAULT_LIMITS.videoBytes)
    .default(DEFAULT_LIMITS.videoBytes),
  MEDIA_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('bull'),
  CLOUDINARY_URL: z
    .string()
    .regex(/^cloudinary:\/\/[^:@/]+:[^@/]+@[^/?]+(\?.*)?$/, 'must be cloudinary://<key>:<secret>@<cloud>')
    .optional(),
  CLOUDINARY_CLOUD_NAME: z.string().min(1).optional(),
  CLOUDINARY_API_KEY: z.string().min(1).optional(),
  CLOUDINARY_API_SECRET: z.string().min(1).optional(),
  CLOUDINARY_UPLOAD_PREFIX: z.url().optional(),
  ENCRYPTION_KEY: z.base64(),
};

/** The parsed storage keys. */
export type MediaStorageEnv = z.output<z.ZodObject<typeof mediaStorageEnv>>;

/**
 * The Cloudinary account the environment names, or undefined for local disk. CLOUDINARY_URL wins when
 * it is set together with the three CLOUDINARY_* keys (the SDK itself reads CLOUDINARY_URL first too);
 * its `upload_prefix` query parameter, or CLOUDINARY_UPLOAD_PREFIX, points it at another API (the
 * emulator). Two of the three keys without the third is an error, not a silent fall back to disk.
 */
export function cloudinaryConfig(env: MediaStorageEnv): CloudinaryConfig | undefined {
  if (env.CLOUDINARY_URL) {
    const url = new URL(env.CLOUDINARY_URL);
    const prefix = url.searchParams.get('upload_prefix') ?? env.CLOUDINARY_UPLOAD_PREFIX;
    return {
      cloudName: url.hostname,
      apiKey: decodeURIComponent(url.username),
      apiSecret: decodeURIComponent(url.password),
      ...(prefix ? { uploadPrefix: prefix } : {}),
      chunkBytes: DEFAULT_CHUNK_BYTES,
    };
  }
  const parts = [env.CLOUDINARY_CLOUD_NAME, env.CLOUDINARY_API_KEY, env.CLOUDINARY_API_SECRET];
  if (parts.every((p) => p === undefined)) return undefined;
  if (parts.some((p) => p === undefined))
    throw new Error(
      'set all of CLOUDINARY_CLOUD_NAME, CLOUDINARY_API_KEY and CLOUDINARY_API_SECRET, or CLOUDINARY_URL',
    );
  return {
    cloudName: env.CLOUDINARY_CLOUD_NAME!,
    apiKey: env.CLOUDINARY_API_KEY!,
    apiSecret: env.CLOUDINARY_API_SECRET!,
    ...(env.CLOUDINARY_UPLOAD_PREFIX ? { uploadPrefix: env.CLOUDINARY_UPLOAD_PREFIX } : {}),
    chunkBytes: DEFAULT_CHUNK_BYTES,
  };
}

/** The size limits the environment sets. */
export const mediaLimits = (env: MediaStorageEnv): MediaLimits => ({
  imageBytes: env.MEDIA_IMAGE_MAX_BYTES,
  videoBytes: env.MEDIA_VIDEO_MAX_BYTES,
});

/** The storage the environment names: Cloudinary when configured, otherwise local disk. */
export function createMediaStorage(env: MediaStorageEnv): LocalStorage | CloudinaryStorage {
  const cloud = cloudinaryConfig(env);
  if (cloud) return new CloudinaryStorage(cloud);
  const signer = new MediaUrlSigner(env.ENCRYPTION_KEY, env.PUBLIC_URL);
  return new LocalStorage(env.MEDIA_STORAGE_DIR, signer, env.MEDIA_URL_TTL_S);
}

export type { MediaStorage };
