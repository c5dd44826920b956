import { createServer, type Server } from 'node:http';
import Koa from 'koa';
import type { Registry } from 'prom-client';
import { createOpsRouter } from './ops-router';
import { koaHandler } from './koa-handler';
import type { Check } from './readiness';

/** A small HTTP server for processes without an API of their own (worker, media): health, readiness, metrics. */
export async function startOpsServer(opts: {
  service: string;
  host: string;
  port: number;
  checks: Record<string, Check>;
  registry: Registry;
}): Promise<Server> {
  const app = new Koa();
  const router = createOpsRouter(opts);
  app.use(router.routes()).use(router.allowedMethods());
  const server = createServer(koaHandler(app));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return server;
}
