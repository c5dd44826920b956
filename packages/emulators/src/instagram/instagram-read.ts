import { recentPosts } from '../kit/kit-fields';
import { type KitContext, type KitReply } from '../kit/kit-route';
import { type KitPost } from '../kit/kit-types';
import { graphError } from '../graph/graph-problems';
import { requireUser } from './instagram-auth';
import { containerStatus } from './instagram-media';

const mediaFields = (p: KitPost) => ({
  id: p.id,
  caption: p.text,
  media_type: p.kind === 'reels' ? 'VIDEO' : p.kind.toUpperCase(),
  media_product_type: p.kind === 'reels' ? 'REELS' : 'FEED',
  timestamp: p.receivedAt.replace(/\.\d{3}Z$/, '+0000'),
  permalink: `https://www.instagram.com/p/${Buffer.from(p.id).toString('base64url').slice(0, 11)}/`,
});

/** `GET /{id}`: a container's status, or a published media's fields. */
export function getNode(ctx: KitContext): KitReply {
  const id = ctx.params[0] ?? '';
  const post = ctx.state.posts.get(id);
  if (post) {
    requireUser(ctx, post.accountId);
    return { status: 200, body: mediaFields(post) };
  }
  const container = ctx.state.media.get(id);
  if (!container)
    throw graphError(400, 100, `Unsupported get request. Object with ID '${id}' does not exist.`, 33);
  requireUser(ctx, container.accountId);
  const code = containerStatus(ctx, container);
  return {
    status: 200,
    body: { id, status_code: code, status: code === 'ERROR' ? 'Error: 2207026 video format' : code },
  };
}

/** `GET /{ig-user}/media?since&limit`: newest first. */
export function listMedia(ctx: KitContext): KitReply {
  const userId = ctx.params[0] ?? '';
  requireUser(ctx, userId);
  const data = recentPosts(ctx, userId).map(mediaFields);
  return { status: 200, body: { data } };
}

/** `GET /{media}/insights?metric=views,likes,comments,shares`. */
export function insights(ctx: KitContext): KitReply {
  const post = ctx.state.posts.get(ctx.params[0] ?? '');
  if (!post) throw graphError(400, 100, 'Unsupported get request.', 33);
  requireUser(ctx, post.accountId);
  const metrics = (ctx.url.searchParams.get('metric') ?? '').split(',').filter(Boolean);
  const data = metrics.map((name) => ({
    name,
    period: 'lifetime',
    values: [{ value: post.metrics[name] ?? 0 }],
    id: `${post.id}/insights/${name}/lifetime`,
  }));
  return { status: 200, body: { data } };
}

/** `GET /{ig-user}/content_publishing_limit`: publishes used in the rolling window. */
export function publishingLimit(ctx: KitContext): KitReply {
  const userId = ctx.params[0] ?? '';
  requireUser(ctx, userId);
  const windowStart = Date.now() - ctx.state.settings.postWindowS * 1000;
  const used = [...ctx.state.posts.values()].filter(
    (p) => p.accountId === userId && Date.parse(p.receivedAt) >= windowStart,
  ).length;
  return {
    status: 200,
    body: {
      data: [
        {
          quota_usage: used,
          config: {
            quota_total: ctx.state.settings.postLimit,
            quota_duration: ctx.state.settings.postWindowS,
          },
        },
      ],
    },
  };
}
