import { bodyParser } from '@koa/bodyparser';
import cors from '@koa/cors';
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import helmet from 'koa-helmet';
import { type EntityManager, outboxBacklog, pingDatabase } from '@vibetribe/database';
import { createMetrics, createOpsRouter, httpMetrics, outboxMetrics } from '@vibetribe/runtime';
import type { AppState, GatewayDeps } from './context';
import { docsRoutes } from './docs';
import { unsupportedMediaType } from './errors';
import { pingRedis } from './lib/redis';
import { openApiDocument } from './openapi';
import { accessLog } from './middleware/access-log';
import { authenticate, VerifiedTokenCache } from './middleware/auth';
import { allowedMethods } from './middleware/methods';
import { problemMiddleware } from './middleware/problem';
import { rateLimit } from './middleware/rate-limit';
import { requestId } from './middleware/request-id';
import { accountRoutes } from './routes/accounts/accounts';
import { analyticsRoutes } from './routes/analytics/analytics';
import { serveFiles } from './routes/media/files';
import { mediaRoutes } from './routes/media/media';
import { authRoutes } from './routes/auth/auth';
import { oauthRoutes } from './routes/oauth/oauth';
import { organizationRoutes } from './routes/organizations/organizations';
import { postChangeRoutes } from './routes/posts/changes';
import { postRoutes } from './routes/posts/posts';
import { queueRoutes } from './routes/queues/queues';
import { systemRoutes } from './routes/system/system';

/** The routes that take multipart/form-data (streamed by their own handler, never buffered). */
const MULTIPART_PATHS = new Set(['/api/v1/media/upload', '/api/v1/media/upload-multiple']);

/** JSON in, JSON out: other bodies on JSON routes are 415. */
const requireJson: Middleware = async (ctx, next) => {
  if (
    ['POST', 'PUT', 'PATCH'].includes(ctx.method) &&
    ctx.request.length &&
    !ctx.is('application/json', 'application/*+json') &&
    !MULTIPART_PATHS.has(ctx.path)
  ) {
    throw unsupportedMediaType('Send application/json.');
  }
  await next();
};

/** Builds the gateway's Koa app from its dependencies (main.ts and tests both call this). */
export function createApp(deps: GatewayDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: deps.env.TRUST_PROXY });
  const registry = createMetrics('gateway');
  outboxMetrics(registry, () => outboxBacklog(deps.orm));
  const api = new Router<AppState>({ prefix: '/api/v1' });
  for (const routes of [
    authRoutes(deps),
    organizationRoutes(),
    accountRoutes(deps),
    // Before the post routes, whose `/:id` would take `changes` for an id.
    postChangeRoutes(),
    postRoutes(deps),
    mediaRoutes(deps),
    ...oauthRoutes(deps),
    analyticsRoutes(),
    queueRoutes(deps),
    systemRoutes(deps),
  ]) {
    api.use(routes.routes());
  }
  let document: string | undefined;
  const docs = docsRoutes(() => (document ??= JSON.stringify(openApiDocument(deps.env.PUBLIC_URL))));
  api.use(docs.routes());

  const ops = createOpsRouter({
    service: 'gateway',
    registry,
    checks: {
      postgres: () => pingDatabase(deps.orm),
      redis: () => pingRedis(deps.redis),
      ...deps.readiness,
    },
  });

  const env = deps.env;
  app
    .use(requestId())
    .use(accessLog(deps.logger, httpMetrics(registry)))
    .use(problemMiddleware(deps.logger))
    .use(helmet())
    .use(
      cors({
        origin: (ctx) => (env.corsOrigins.includes(ctx.get('Origin')) ? ctx.get('Origin') : ''),
        exposeHeaders: ['X-Request-Id', 'Retry-After'],
        maxAge: 600,
      }),
    )
    .use(ops.routes())
    .use(serveFiles(deps.media.storage))
    .use(authenticate(deps.tokens, new VerifiedTokenCache(env.AUTH_TOKEN_CACHE_SIZE)))
    .use(
      rateLimit(deps.redis, deps.logger, [
        {
          name: 'auth-ip',
          max: env.RATE_LIMIT_AUTH_PER_IP,
          windowS: env.RATE_LIMIT_WINDOW_S,
          keyOf: (ctx) =>
            ctx.path.startsWith('/api/v1/auth/') && ctx.method === 'POST' ? ctx.ip : undefined,
        },
        {
          name: 'ip',
          max: env.RATE_LIMIT_PER_IP,
          windowS: env.RATE_LIMIT_WINDOW_S,
          keyOf: (ctx) => (ctx.path.startsWith('/api/') ? ctx.ip : undefined),
        },
        {
          name: 'user',
          max: env.RATE_LIMIT_PER_USER,
          windowS: env.RATE_LIMIT_WINDOW_S,
          keyOf: (ctx) => (ctx.path.startsWith('/api/') ? (ctx.state as AppState).user?.id : undefined),
        },
      ]),
    )
    .use(requireJson)
    .use(bodyParser({ enableTypes: ['json'], jsonLimit: env.BODY_LIMIT, encoding: 'utf-8' }))
    .use(async (ctx, next) => {
      // A unit of work per request, made on first use: the hot reads never need one.
      let em: EntityManager | undefined;
      Object.defineProperty(ctx.state, 'em', {
        get: () => (em ??= deps.orm.em.fork()),
        configurable: true,
        enumerable: false,
      });
      await next();
    })
    .use(allowedMethods(api))
    .use(api.routes());
  return app;
}
