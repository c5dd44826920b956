import { PlatformError } from '../errors';
import { type Platform } from '../platform';
import { type OAuthClientConfig } from './oauth';

/** The client credentials, or a permanent error saying the platform is not configured. */
export function requireClient(platform: Platform, client: OAuthClientConfig | undefined): OAuthClientConfig {
  if (client) return client;
  throw new PlatformError({
    platform,
    kind: 'permanent',
    message: `${platform} has no OAuth client configured`,
    platformCode: 'oauth_not_configured',
  });
}
