import Router from '@koa/router';
import { AuditEvent, Post } from '@vibetribe/database';
import type { AppState, GatewayDeps } from '../../context';
import { notFound } from '../../errors';
import { assertRoleAtLeast, requireRole } from '../../lib/access';
import { actingOrg, namedOrg, organizationRequired } from '../../lib/acting-org';
import { routeGroup } from '../../lib/api';
import { IdempotencyHeaders, withIdempotency } from '../../lib/idempotency';
import { PostListCache } from '../../lib/list-cache';
import { ListAccessBatcher } from '../../lib/list-access';
import { type z } from '../../lib/zod';
import {
  assertFutureSchedule,
  createPost,
  deletePost,
  publishPostNow,
  retryPost,
  updatePost,
} from './commands';
import { decodeCursor } from './cursor';
import { type ListQuery, listPosts } from './list';
import { presentPost, presentTimelineEntry } from './presenters';
import {
  CreatePostBody,
  ListPostsQuery,
  OrgHeader,
  PostDetailSchema,
  PostPageSchema,
  PostParams,
  PostSchema,
  UpdatePostBody,
} from './schema';

/** Everything a page of the list depends on besides the organization's posts. */
const pageKey = (orgId: string, q: ListQuery) =>
  [orgId, q.limit, q.status, q.from, q.to, q.account_id, q.platform, q.cursor].join('\n');

const accepted = 'Accepted: the post workflow was told';

/** `/posts`: create, list, get (with timeline), update, delete, publish now, retry. */
export function postRoutes(deps: GatewayDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/posts' });
  const prefix = '/api/v1/posts';
  const route = routeGroup(router, prefix);
  const tags = ['posts'];
  const pages = new PostListCache(deps.env.POST_LIST_CACHE_MB * 1024 * 1024);
  // The hot reads run named statements on the ORM's connection; they need no unit of work.
  const access = new ListAccessBatcher(deps.orm.em);

  route({
    method: 'post',
    path: '/',
    summary: 'Create a draft, or a post scheduled at `scheduled_at`',
    tags,
    auth: true,
    request: { body: CreatePostBody },
    headers: IdempotencyHeaders.extend(OrgHeader.shape),
    responses: { 201: { description: 'Created', schema: PostSchema } },
    handler: async (ctx) => {
      const body = ctx.state.input.body;
      assertFutureSchedule(body.scheduled_at);
      const membership = await actingOrg(ctx, 'editor');
      await withIdempotency(
        ctx,
        async (em) => {
          const presented = await createPost(em, deps, membership, ctx.state.user!.id, body);
          return { status: 201, body: presented };
        },
        // The organization acted in, named or implied: the same key in another one is a new post.
        { organizationId: membership.organization.id },
      );
    },
  });

  route({
    method: 'get',
    path: '/',
    summary: 'List posts, newest first, with filters and cursor pagination',
    tags,
    auth: true,
    request: { query: ListPostsQuery },
    headers: OrgHeader,
    responses: { 200: { description: 'A page', schema: PostPageSchema } },
    handler: async (ctx) => {
      const q = ctx.state.input.query;
      const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
      const userId = ctx.state.user!.id;
      const named = namedOrg(ctx);
      /** One page from the database, with the caller's membership checked in the same statement. */
      const readPage = async (orgId: string) => {
        const read = await listPosts(deps.orm.em, userId, orgId, q, cursor);
        // Removed since an earlier check: as if the request had come a moment later.
        if (!read.member) throw notFound('Organization');
        assertRoleAtLeast(read.role, 'viewer');
        return read;
      };
      ctx.type = 'application/json';
      if (!pages.enabled && named) {
        ctx.body = (await readPage(named)).body;
        return;
      }
      // Membership, the organization (when not named) and its posts version, batched with other
      // requests' (see ListAccessBatcher): a cached page of that version is what a read would give.
      const found = await access.check(userId, named);
      if (found.kind !== 'member') {
        if (found.kind === 'none' && named) throw notFound('Organization');
        throw organizationRequired();
      }
      assertRoleAtLeast(found.role, 'viewer');
      const key = pageKey(found.orgId, q);
      const cached = pages.get(key);
      if (cached && cached.version === found.version) {
        ctx.body = cached.body;
      } else {
        const read = await readPage(found.orgId);
        const body = Buffer.from(read.body);
        pages.set(key, { version: read.version, body });
        ctx.body = body;
      }
    },
  });

  route({
    method: 'get',
    path: '/:id',
    summary: 'One post with its targets and timeline',
    tags,
    auth: true,
    request: { params: PostParams },
    responses: { 200: { description: 'The post', schema: PostDetailSchema } },
    handler: async (ctx) => {
      const em = ctx.state.em;
      const post = await em.findOne(
        Post,
        { id: ctx.state.input.params.id, deletedAt: null },
        { populate: ['targets'] },
      );
      if (!post) throw notFound('Post');
      await requireRole(em, ctx.state.user!.id, post.organization.id, 'viewer', 'Post');
      const events = await em.find(
        AuditEvent,
        { subjectType: 'post', subjectId: post.id },
        { orderBy: { seq: 'asc' } },
      );
      ctx.body = { ...presentPost(post), timeline: events.map(presentTimelineEntry) };
    },
  });

  const mutate = (
    method: 'put' | 'delete' | 'post',
    path: string,
    summary: string,
    run: typeof updatePost | typeof deletePost | typeof publishPostNow,
    status: number,
    event: 'updated' | 'deleted' | 'status',
  ) => {
    route({
      method,
      path,
      summary,
      tags,
      auth: true,
      request: { params: PostParams, ...(method === 'put' ? { body: UpdatePostBody } : {}) },
      responses: {
        [status]:
          status === 204
            ? { description: 'Done' }
            : { description: status === 202 ? accepted : 'Updated', schema: PostSchema },
      },
      handler: async (ctx) => {
        const input = ctx.state.input as { params: { id: string }; body?: z.output<typeof UpdatePostBody> };
        const body = await ctx.state.em.transactional(async (em) => {
          const post = await run(em, deps, ctx.state.user!.id, input.params.id, input.body!);
          const presented = presentPost(post);
          await deps.events.post(em, post.organization.id, event, presented);
          return presented;
        });
        ctx.status = status;
        if (status !== 204) ctx.body = body;
      },
    });
  };
  mutate(
    'put',
    '/:id',
    'Edit a post (optimistic concurrency on `version`; 409 when stale or too late)',
    updatePost,
    200,
    'updated',
  );
  mutate('delete', '/:id', 'Delete a post and cancel its publishing', deletePost, 204, 'deleted');
  mutate('post', '/:id/publish', 'Publish now', publishPostNow, 202, 'status');
  mutate('post', '/:id/retry', "Retry a failed post's failed targets", retryPost, 202, 'status');

  return router;
}
