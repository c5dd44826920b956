import { freePort, testTokenConfig } from '@vibetribe/testing';
import { answers200, type ChildService, startChild } from './children';
import type { BenchConfig } from './config';

/**
 * The real gateway (its own `dist/main.js`) in a child process on a free port, with the test keys and
 * no rate limits, ready when `/readyz` answers. `env` adds to or overrides its environment.
 */
export async function startBenchGateway(
  cfg: BenchConfig,
  env: Record<string, string> = {},
): Promise<{ gateway: ChildService; base: string }> {
  const keys = testTokenConfig();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const unlimited = '1000000000';
  const gateway = await startChild({
    name: 'gateway',
    script: require.resolve('@vibetribe/gateway/dist/main.js'),
    env: {
      GATEWAY_PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      JWT_PRIVATE_KEY: keys.privateKey!,
      JWT_PUBLIC_KEY: keys.publicKey,
      RATE_LIMIT_PER_IP: unlimited,
      RATE_LIMIT_PER_USER: unlimited,
      RATE_LIMIT_AUTH_PER_IP: unlimited,
      LOG_LEVEL: cfg.gatewayLogLevel,
      ...env,
    },
    stdout: 'ignore',
    execArgv: cfg.serviceNodeArgs,
    readyWhen: () => answers200(`${base}/readyz`),
  });
  return { gateway, base };
}
