import Router from '@koa/router';
import type { Registry } from 'prom-client';
import { type Check, checkReadiness } from './readiness';

/** `/healthz` (the process is alive), `/readyz` (its dependencies answer) and `/metrics` (Prometheus). */
export function createOpsRouter(opts: {
  service: string;
  checks: Record<string, Check>;
  registry: Registry;
}): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok', service: opts.service, uptime_s: Math.round(process.uptime()) };
  });
  router.get('/readyz', async (ctx) => {
    const readiness = await checkReadiness(opts.checks);
    ctx.status = readiness.ready ? 200 : 503;
    ctx.body = {
      status: readiness.ready ? 'ready' : 'not_ready',
      service: opts.service,
      failing: readiness.failing,
      checks: readiness.checks,
    };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = opts.registry.contentType;
    ctx.body = await opts.registry.metrics();
  });
  return router;
}
