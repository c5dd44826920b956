import Router from '@koa/router';
import { Media, runStatement, statement } from '@vibetribe/database';
import { limitOf, mediaJobId, MAX_FILES_PER_REQUEST, MEDIA_TYPES } from '@vibetribe/media-storage';
import type { AppState, GatewayDeps } from '../../context';
import { dependencyUnavailable, unprocessable } from '../../errors';
import { actingOrg, namedOrg } from '../../lib/acting-org';
import { routeGroup } from '../../lib/api';
import { withDeadline } from '../../lib/deadline';
import { decodeCursor, encodeCursor } from '../posts/cursor';
import { OrgHeader } from '../posts/schema';
import { deleteMedia, findMedia } from './commands';
import { presentMedia } from './presenters';
import {
  DeleteMediaParams,
  ListMediaQuery,
  MediaConfigSchema,
  MediaListSchema,
  MediaPageSchema,
  MediaParams,
  MediaSchema,
  MediaStatsSchema,
  OptimizedUrlSchema,
  OptimizeUrlBody,
  UploadFields,
  UploadForm,
  UploadMultipleFields,
  UploadMultipleForm,
} from './schema';
import { uploadMedia } from './upload';

/** Counts and bytes of an organization's media by kind and status. */
const MEDIA_COUNTS = statement(
  'media-counts',
  `SELECT kind, status, count(*)::int AS n, coalesce(sum(bytes), 0)::bigint AS bytes
     FROM media WHERE organization_id = ? GROUP BY kind, status`,
);

/** Bull's counts; 503 when Redis does not answer. */
const queueCounts = (deps: GatewayDeps) =>
  withDeadline(deps.media.queue.getJobCounts(), 2000, 'queue counts').catch(() => {
    throw dependencyUnavailable('redis');
  });

/** `/media`: streaming uploads, list, get, delete, optimized URLs, statistics and the upload rules. */
export function mediaRoutes(deps: GatewayDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/media' });
  const route = routeGroup(router, '/api/v1/media');
  const tags = ['media'];
  const { storage } = deps.media;
  const present = (m: Media) => presentMedia(m, storage);

  route({
    method: 'post',
    path: '/upload',
    summary:
      'Upload one image or video (multipart field `file`), streamed to storage; processed in the background',
    tags,
    auth: true,
    multipart: UploadForm,
    headers: OrgHeader,
    responses: {
      201: { description: 'Stored; `status` is processing until its job settles', schema: MediaSchema },
    },
    handler: async (ctx) => {
      const membership = await actingOrg(ctx, 'editor');
      const [row] = await uploadMedia(ctx, deps, membership, { single: 'file' }, UploadFields);
      ctx.status = 201;
      ctx.body = present(row!);
    },
  });

  route({
    method: 'post',
    path: '/upload-multiple',
    summary: `Upload up to ${MAX_FILES_PER_REQUEST} files (multipart field \`files\`); all are stored or none`,
    tags,
    auth: true,
    multipart: UploadMultipleForm,
    headers: OrgHeader,
    responses: { 201: { description: 'Stored', schema: MediaListSchema } },
    handler: async (ctx) => {
      const membership = await actingOrg(ctx, 'editor');
      const rows = await uploadMedia(ctx, deps, membership, { array: 'files' }, UploadMultipleFields);
      ctx.status = 201;
      ctx.body = { data: rows.map(present) };
    },
  });

  route({
    method: 'get',
    path: '/',
    summary: "List the organization's media, newest first",
    tags,
    auth: true,
    request: { query: ListMediaQuery },
    headers: OrgHeader,
    responses: { 200: { description: 'A page', schema: MediaPageSchema } },
    handler: async (ctx) => {
      const q = ctx.state.input.query;
      const membership = await actingOrg(ctx, 'viewer');
      const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
      const rows = await ctx.state.em.find(
        Media,
        {
          organization: membership.organization.id,
          ...(q.kind ? { kind: q.kind } : {}),
          ...(q.status ? { status: q.status } : {}),
          ...(cursor
            ? {
                $or: [
                  { createdAt: { $lt: cursor.createdAt } },
                  { createdAt: cursor.createdAt, id: { $lt: cursor.id } },
                ],
              }
            : {}),
        },
        { orderBy: { createdAt: 'desc', id: 'desc' }, limit: q.limit + 1 },
      );
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      ctx.body = {
        data: page.map(present),
        next_cursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
      };
    },
  });

  route({
    method: 'get',
    path: '/stats',
    summary: "The organization's media by kind and status, and the processing queue's counts",
    tags,
    auth: true,
    headers: OrgHeader,
    responses: { 200: { description: 'Statistics', schema: MediaStatsSchema } },
    handler: async (ctx) => {
      const membership = await actingOrg(ctx, 'viewer');
      const rows = await runStatement<{ kind: string; status: string; n: number; bytes: string }>(
        ctx.state.em,
        MEDIA_COUNTS,
        [membership.organization.id],
      );
      const byKind: Record<string, number> = { image: 0, gif: 0, video: 0 };
      const byStatus: Record<string, number> = { processing: 0, ready: 0, failed: 0 };
      for (const r of rows) {
        byKind[r.kind] = (byKind[r.kind] ?? 0) + r.n;
        byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
      }
      const c = await queueCounts(deps);
      ctx.body = {
        total: rows.reduce((n, r) => n + r.n, 0),
        bytes: rows.reduce((n, r) => n + Number(r.bytes), 0),
        by_kind: byKind,
        by_status: byStatus,
        queue: {
          waiting: c.waiting,
          active: c.active,
          completed: c.completed,
          failed: c.failed,
          delayed: c.delayed,
        },
      };
    },
  });

  route({
    method: 'get',
    path: '/config',
    summary:
      'What an upload may be: types (judged by content), size limits, files per request, the storage in use',
    tags,
    auth: true,
    responses: { 200: { description: 'The upload rules', schema: MediaConfigSchema } },
    handler: (ctx) => {
      ctx.body = {
        storage: storage.driver,
        max_files: MAX_FILES_PER_REQUEST,
        types: MEDIA_TYPES.map((t) => ({ ...t, max_bytes: limitOf(t.kind, deps.media.limits) })),
      };
      return Promise.resolve();
    },
  });

  route({
    method: 'post',
    path: '/optimize-url',
    summary:
      'A delivery URL for a medium with width, height, crop, format and quality (f_auto, q_auto by default)',
    tags,
    auth: true,
    request: { body: OptimizeUrlBody },
    headers: OrgHeader,
    responses: { 200: { description: 'The URL', schema: OptimizedUrlSchema } },
    handler: async (ctx) => {
      const { media_id, ...transform } = ctx.state.input.body;
      const m = await findMedia(ctx.state.em, ctx.state.user!.id, media_id, 'viewer', namedOrg(ctx));
      if (m.kind === 'video' && storage.driver === 'local')
        throw unprocessable(
          'transform-unsupported',
          "Local storage transforms images only; use the video's `url`.",
        );
      ctx.body = { url: storage.url(m.publicId, m.kind, { transform }) };
    },
  });

  route({
    method: 'get',
    path: '/:id',
    summary: 'One medium, with its processing status and renditions',
    tags,
    auth: true,
    request: { params: MediaParams },
    headers: OrgHeader,
    responses: { 200: { description: 'The medium', schema: MediaSchema } },
    handler: async (ctx) => {
      const m = await findMedia(
        ctx.state.em,
        ctx.state.user!.id,
        ctx.state.input.params.id,
        'viewer',
        namedOrg(ctx),
      );
      ctx.body = present(m);
    },
  });

  route({
    method: 'delete',
    path: '/:id',
    summary:
      'Delete a medium and its files (by id or URL-encoded public id); 409 while a scheduled post uses it',
    tags,
    auth: true,
    request: { params: DeleteMediaParams },
    headers: OrgHeader,
    responses: { 204: { description: 'Deleted' } },
    handler: async (ctx) => {
      const ref = ctx.state.input.params.id;
      const id = await deleteMedia(ctx.state.em, deps.media, ctx.state.user!.id, ref, namedOrg(ctx));
      // Its job, if still queued, would find no row; removing it keeps the queue's counts honest.
      const job = deps.media.queue.getJob(mediaJobId(id)).then((j) => j?.remove());
      await withDeadline(job, 1000, 'job removal').catch(() => undefined);
      ctx.status = 204;
    },
  });

  return router;
}
