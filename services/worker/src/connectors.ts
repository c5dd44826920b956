import {
  createConnectorsFromEnv,
  createOAuthFromEnv,
  loadPlatformEnv,
  type PlatformConnector,
  type PlatformOAuth,
} from '@vibetribe/platforms';
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

/** The OAuth clients of the platforms with a client id and secret: a publish refreshes a token after a 401 with them. */
export function createOAuthClients(
  env: Pick<WorkerEnv, 'X_API_BASE_URL'>,
  source: NodeJS.ProcessEnv = process.env,
): Partial<Record<string, PlatformOAuth>> {
  return createOAuthFromEnv({ ...loadPlatformEnv(source), X_API_BASE_URL: env.X_API_BASE_URL });
}
