import { createLogger, onShutdown } from '@vibetribe/runtime';
import { createRealtime } from './app';
import { realtimeEnv } from './env';

/** The process entry: parse the environment, start, and stop gracefully on SIGTERM / SIGINT. */
async function main(): Promise<void> {
  const env = realtimeEnv();
  const logger = createLogger('realtime', env.LOG_LEVEL);
  const realtime = await createRealtime(env, { logger });
  onShutdown(logger, realtime.shutdownSteps());
  const address = await realtime.start();
  logger.info(
    { host: address.address, port: address.port, instanceId: realtime.instanceId },
    'realtime listening',
  );
}

main().catch((err: unknown) => {
  // The logger may not exist yet (a bad environment): stderr always does.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
