import { koaHandler } from '@vibetribe/runtime';
import { createServer } from 'node:http';
import { onShutdown } from '@vibetribe/runtime';
import { createApp } from './app';
import { buildDeps } from './deps';
import { gatewayEnv } from './env';

/** The gateway process: HTTP API on GATEWAY_PORT, graceful stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const env = gatewayEnv();
  const deps = await buildDeps(env);
  const server = createServer(koaHandler(createApp(deps)));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.GATEWAY_PORT, env.HOST, () => resolve());
  });
  deps.logger.info(
    { url: `http://${env.HOST}:${env.GATEWAY_PORT}`, docs: `${env.PUBLIC_URL}/api/v1/docs` },
    'gateway listening',
  );
  onShutdown(deps.logger, [
    // Stop accepting first, let in-flight requests finish, then close connections to dependencies.
    {
      name: 'http',
      run: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    },
    { name: 'dependencies', run: () => deps.close() },
  ]);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
