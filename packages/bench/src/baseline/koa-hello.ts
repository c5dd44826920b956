/**
 * The HTTP baseline: a bare Koa hello-world in its own process, served like the gateway (node:http,
 * loopback, the same keep-alive). Sends `{ port }` to its parent when listening; stops on SIGTERM.
 */
import { createServer } from 'node:http';
import Koa from 'koa';
import { koaHandler } from '@vibetribe/runtime';

const app = new Koa();
app.use((ctx) => {
  ctx.body = { hello: 'world' };
});
const server = createServer(koaHandler(app));
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as { port: number }).port });
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
