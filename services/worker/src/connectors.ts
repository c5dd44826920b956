import { createConnectorsFromEnv, loadPlatformEnv, type PlatformConnector } from '@vibetribe/platforms';
import type { WorkerEnv } from './env';

/**
 * The platform connectors this worker publishes with (X, LinkedIn, Facebook Pages, Instagram). The
 * X keys come from the worker's parsed env; the other platforms' base URLs (`LINKEDIN_API_BASE_URL`,
 * `FACEBOOK_GRAPH_BASE_URL`, `INSTAGRAM_GRAPH_BASE_URL`, …: the emulators in sandbox mode) are
 * parsed from `source` here, and a bad one stops start-up naming the key.
 */
export function createConnectors(
  env: Pick<WorkerEnv, 'X_API_BASE_URL' | 'X_UPLOAD_BASE_URL'>,
  source: NodeJS.ProcessEnv = process.env,
): Partial<Record<string, PlatformConnector>> {
  const platforms = loadPlatformEnv(source);
  return createConnectorsFromEnv({
    ...platforms,
    X_API_BASE_URL: env.X_API_BASE_URL,
    X_UPLOAD_BASE_URL: env.X_UPLOAD_BASE_URL,
  });
}
