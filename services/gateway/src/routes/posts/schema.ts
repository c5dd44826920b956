import { POST_STATUSES, TARGET_STATUSES } from '@vibetribe/database';
import { type Platform, PLATFORMS } from '@vibetribe/platforms';
import { text, TIME_ZONES, z } from '../../lib/zod';
import { pageQuery } from './cursor';

const isoWithOffset = z.iso
  .datetime({ offset: true })
  .openapi({ description: 'ISO-8601 with an offset, e.g. 2026-12-01T09:00:00+01:00' });
// The document lists them, so a client (and Schemathesis) knows exactly which names are taken.
const timezone = z
  .enum(TIME_ZONES, 'must be an IANA time zone, e.g. Europe/Paris')
  .openapi({ description: 'An IANA time zone, e.g. Europe/Paris' });
// A strict object rather than a record, so the document says no other key is taken.
const platformContent = z
  .strictObject(
    Object.fromEntries(PLATFORMS.map((p) => [p, text({ max: 70_000 }).optional()])) as Record<
      Platform,
      z.ZodOptional<ReturnType<typeof text>>
    >,
  )
  .openapi({ description: 'Per-platform text that replaces `content` for that platform' });

export const PostParams = z.strictObject({ id: z.uuid() });

export const OrgHeader = z.object({
  'x-organization-id': z
    .uuid()
    .optional()
    .openapi({ description: 'The organization to act in; optional when you belong to exactly one' }),
});

export const CreatePostBody = z
  .strictObject({
    content: text({ max: 70_000 }),
    target_account_ids: z.array(z.uuid()).min(1).max(20),
    scheduled_at: isoWithOffset.optional(),
    timezone: timezone.optional(),
    platform_content: platformContent.optional(),
    media_ids: z.array(z.uuid()).max(20).optional(),
  })
  .openapi('CreatePostRequest');

export const UpdatePostBody = z
  .strictObject({
    // posts.version is an int4.
    version: z.number().int().min(1).max(2_147_483_647),
    content: text({ max: 70_000 }).optional(),
    target_account_ids: z.array(z.uuid()).min(1).max(20).optional(),
    scheduled_at: isoWithOffset
      .nullable()
      .optional()
      .openapi({ description: 'A new time; null turns the post back into a draft' }),
    timezone: timezone.optional(),
    platform_content: platformContent.optional(),
    media_ids: z.array(z.uuid()).max(20).optional(),
  })
  .openapi('UpdatePostRequest');

export const ListPostsQuery = z.strictObject({
  status: z.enum(POST_STATUSES).optional(),
  from: isoWithOffset.optional().openapi({ description: 'scheduled_at at or after' }),
  to: isoWithOffset.optional().openapi({ description: 'scheduled_at before' }),
  account_id: z.uuid().optional(),
  platform: z.enum(PLATFORMS).optional(),
  ...pageQuery,
});

const TargetSchema = z.object({
  id: z.uuid(),
  account_id: z.uuid(),
  platform: z.string(),
  status: z.enum(TARGET_STATUSES),
  platform_post_id: z.string().nullable(),
  platform_url: z.string().nullable(),
  attempts: z.number().int(),
  last_error: z.object({ kind: z.string(), message: z.string() }).catchall(z.unknown()).nullable(),
  published_at: z.string().nullable(),
  sandbox: z.boolean().openapi({ description: 'Made for a sandbox account: published to an emulator only' }),
});

export const PostSchema = z
  .object({
    id: z.uuid(),
    organization_id: z.uuid(),
    author_id: z.uuid().nullable(),
    content: z.string(),
    platform_content: z.record(z.string(), z.string()),
    media_ids: z.array(z.uuid()),
    scheduled_at: z.string().nullable(),
    timezone: z.string(),
    status: z.enum(POST_STATUSES),
    version: z.number().int(),
    published_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    targets: z.array(TargetSchema),
  })
  .openapi('Post');

export const TimelineEntrySchema = z
  .object({
    at: z.string(),
    action: z.string(),
    actor_type: z.string(),
    actor_id: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('TimelineEntry');

export const PostDetailSchema = PostSchema.extend({ timeline: z.array(TimelineEntrySchema) }).openapi(
  'PostDetail',
);

export const PostPageSchema = z
  .object({ data: z.array(PostSchema), next_cursor: z.string().nullable() })
  .openapi('PostPage');

export const PostChangesQuery = z.strictObject({
  since: isoWithOffset.openapi({ description: 'Posts changed at or after this instant' }),
  ...pageQuery,
});

/** A deleted post in a list of changes: what a client needs to drop it. */
export const PostTombstoneSchema = z
  .object({
    id: z.uuid(),
    deleted: z.literal(true),
    status: z.enum(POST_STATUSES),
    updated_at: z.string(),
  })
  .openapi('PostTombstone');

export const PostChangesSchema = z
  .object({
    data: z.array(z.union([PostSchema, PostTombstoneSchema])),
    next_cursor: z.string().nullable(),
  })
  .openapi('PostChanges');
