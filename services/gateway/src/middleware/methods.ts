import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AppState } from '../context';
import { methodNotAllowed } from '../errors';

/**
 * After `router` found nothing to run: a path it knows, asked with a method it does not have there (TRACE,
 * CONNECT or any other included), is 405 with `Allow` listing the methods it has; OPTIONS answers 204
 * with the same `Allow`. Unknown paths fall through to the 404.
 */
export function allowedMethods(router: Router<AppState>): Middleware<AppState> {
  return async (ctx, next) => {
    await next();
    if (ctx.status !== 404 || ctx.body != null) return;
    const matched = router.match(ctx.path, ctx.method);
    // A route ran and found nothing (an unknown docs asset): a 404, not a method problem.
    if (matched.route) return;
    // Routes only: a router's own middleware (`router.use`) matches every path under it, with no methods.
    const routes = matched.path.filter((layer) => layer.methods.length > 0);
    // A fixed path (`/media/stats`) is not also the parameter route beside it (`/media/:id`).
    const fixed = routes.filter((layer) => layer.paramNames.length === 0);
    const methods = new Set((fixed.length ? fixed : routes).flatMap((layer) => layer.methods));
    if (methods.size === 0) return;
    methods.add('OPTIONS');
    const allow = [...methods].sort().join(', ');
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      ctx.set('Allow', allow);
      return;
    }
    throw methodNotAllowed(allow);
  };
}
