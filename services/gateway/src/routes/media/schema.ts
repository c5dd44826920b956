import { MAX_FILES_PER_REQUEST, MEDIA_TYPES, TransformSchema } from '@vibetribe/media-storage';
import { MEDIA_KINDS, MEDIA_STATUSES } from '@vibetribe/database';
import { text, z } from '../../lib/zod';
import { pageQuery } from '../posts/cursor';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export const MediaParams = z.strictObject({ id: z.uuid() });

/** A medium by its uuid, or by its public id URL-encoded (it holds slashes: `org%2F…`). */
const PUBLIC_REF = new RegExp(
  `^(?:${UUID}|org/${UUID}/user/${UUID}/\\d{4}/\\d{2}/\\d{2}/${UUID}(?:\\.[a-z0-9]{2,4})?)$`,
);

/**
 * A medium by its uuid, or by its public id URL-encoded (it holds slashes: `org%2F…`). The document
 * states the characters and length; the exact shape is checked on top.
 */
export const DeleteMediaParams = z.strictObject({
  id: z
    .string()
    .regex(/^[0-9a-z/.-]{36,200}$/, 'must be a media id or its public id')
    .refine((s) => PUBLIC_REF.test(s), 'must be a media id or its public id')
    .openapi({
      description: "The medium's id, or its public id URL-encoded (`org%2F<org>%2Fuser%2F…`)",
    }),
});

export const ListMediaQuery = z.strictObject({
  kind: z.enum(MEDIA_KINDS).optional(),
  status: z.enum(MEDIA_STATUSES).optional(),
  ...pageQuery,
});

export const OptimizeUrlBody = TransformSchema.extend({ media_id: z.uuid() }).openapi('OptimizeUrlRequest');

const binary = z.string().openapi({ type: 'string', format: 'binary' });

/** The single upload's form: one `file`, an optional `alt` text. */
export const UploadForm = z
  .strictObject({ file: binary, alt: text({ max: 1500 }).optional() })
  .openapi('MediaUploadForm', { required: ['file'] });

/** The multiple upload's form: up to ten `files`. */
export const UploadMultipleForm = z
  .strictObject({ files: z.array(binary).min(1).max(MAX_FILES_PER_REQUEST) })
  .openapi('MediaUploadMultipleForm');

/** The text fields each form takes (the files are checked by the storage engine). */
export const UploadFields = z.strictObject({ alt: text({ max: 1500 }).optional() });
export const UploadMultipleFields = z.strictObject({});

export const MediaSchema = z
  .object({
    id: z.uuid(),
    organization_id: z.uuid(),
    uploader_id: z.uuid().nullable(),
    kind: z.enum(MEDIA_KINDS),
    mime: z.string(),
    bytes: z.number().int(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    duration_s: z.number().nullable(),
    codec: z.string().nullable(),
    alt: z.string().nullable(),
    storage: z.enum(['local', 'cloudinary']),
    public_id: z.string(),
    url: z
      .string()
      .openapi({ description: 'Fetchable without credentials (signed and expiring for local storage)' }),
    renditions: z.record(z.string(), z.string()),
    original_name: z.string().nullable(),
    sha256: z.string(),
    status: z.enum(MEDIA_STATUSES),
    error: z.string().nullable(),
    processed_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Media');

export const MediaListSchema = z.object({ data: z.array(MediaSchema) }).openapi('MediaList');

export const MediaPageSchema = z
  .object({ data: z.array(MediaSchema), next_cursor: z.string().nullable() })
  .openapi('MediaPage');

export const OptimizedUrlSchema = z.object({ url: z.string() }).openapi('OptimizedUrl');

const counts = <T extends readonly [string, ...string[]]>(keys: T) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])) as Record<T[number], z.ZodNumber>);

export const MediaStatsSchema = z
  .object({
    total: z.number().int(),
    bytes: z.number().int(),
    by_kind: counts(MEDIA_KINDS),
    by_status: counts(MEDIA_STATUSES),
    queue: counts(['waiting', 'active', 'completed', 'failed', 'delayed'] as const),
  })
  .openapi('MediaStats');

export const MediaConfigSchema = z
  .object({
    storage: z.enum(['local', 'cloudinary']),
    max_files: z.number().int(),
    types: z.array(
      z.object({ mime: z.string(), ext: z.string(), kind: z.enum(MEDIA_KINDS), max_bytes: z.number().int() }),
    ),
  })
  .openapi('MediaConfig');

export { MEDIA_TYPES };
