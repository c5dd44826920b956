import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Router from '@koa/router';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import type { AppState } from './context';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>VibeTribe API</title>
<link rel="stylesheet" href="/api/v1/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/api/v1/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/v1/docs/assets/init.js"></script></body></html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#ui' });`;
const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js']);

/** A browsable API reference at /api/v1/docs, served from the bundled swagger-ui (no CDN). */
export function docsRoutes(documentJson: () => string): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = documentJson();
  });
  router.get('/docs', (ctx) => {
    ctx.type = 'text/html';
    ctx.body = PAGE;
  });
  router.get('/docs/assets/init.js', (ctx) => {
    ctx.type = 'application/javascript';
    ctx.body = INIT;
  });
  router.get('/docs/assets/:file', async (ctx) => {
    const file = ctx.params.file ?? '';
    if (!ASSETS.has(file)) return;
    ctx.type = file.endsWith('.css') ? 'text/css' : 'application/javascript';
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = await readFile(join(getAbsoluteFSPath(), file));
  });
  return router;
}
