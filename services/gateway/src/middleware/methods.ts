import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AppState } from '../context';
import { methodNotAllowed } from '../errors';

type Layer = ReturnType<Router<AppState>['match']>['path'][number];

/** The `Allow` of some routes: their methods, and OPTIONS. */
const allowOf = (routes: Layer[]) =>
  [...new Set([...routes.flatMap((layer) => layer.methods), 'OPTIONS'])].sort().join(', ');

/**
 * A path's methods, for `router`:
 * - A fixed path (`/media/stats`, `/posts/changes`) is never also the parameter route beside it
 *   (`/media/:id`, `/posts/:id`): another method there is 405 before any route runs.
 * - After `router` found nothing to run: a path it knows, asked with a method it does not have there
 *   (TRACE, CONNECT or any other included), is 405 with `Allow` listing the methods it has; OPTIONS
 *   answers 204 with the same `Allow`. Unknown paths fall through to the 404.
 */
export function allowedMethods(router: Router<AppState>): Middleware<AppState> {
  const routesAt = (path: string) => {
    // Routes only: a router's own middleware (`router.use`) matches every path under it, with no methods.
    const routes = router.match(path, 'GET').path.filter((layer) => layer.methods.length > 0);
    const fixed = routes.filter((layer) => layer.paramNames.length === 0);
    return { routes, fixed };
  };
  return async (ctx, next) => {
    const before = routesAt(ctx.path).fixed;
    if (
      before.length > 0 &&
      ctx.method !== 'OPTIONS' &&
      !before.some((layer) => layer.methods.includes(ctx.method))
    )
      throw methodNotAllowed(allowOf(before));
    await next();
    if (ctx.status !== 404 || ctx.body != null) return;
    // A route ran and found nothing (an unknown docs asset): a 404, not a method problem.
    if (router.match(ctx.path, ctx.method).route) return;
    const { routes, fixed } = routesAt(ctx.path);
    if (routes.length === 0) return;
    const allow = allowOf(fixed.length ? fixed : routes);
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      ctx.set('Allow', allow);
      return;
    }
    throw methodNotAllowed(allow);
  };
}
