import { createXConnector, type PlatformConnector } from '@vibetribe/platforms';
import type { WorkerEnv } from './env';

/** The platform connectors this worker publishes with, configured from the environment. */
export function createConnectors(
  env: Pick<WorkerEnv, 'X_API_BASE_URL' | 'X_UPLOAD_BASE_URL'>,
): Partial<Record<string, PlatformConnector>> {
  return {
    x: createXConnector({
      baseUrl: env.X_API_BASE_URL,
      ...(env.X_UPLOAD_BASE_URL ? { uploadBaseUrl: env.X_UPLOAD_BASE_URL } : {}),
    }),
  };
}
