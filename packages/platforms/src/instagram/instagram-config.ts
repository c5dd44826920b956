import { type OAuthClientConfig } from '../oauth/oauth';

/** How to reach Instagram (Instagram Login); every field has a production default. */
export interface InstagramConnectorConfig {
  /** Default https://graph.instagram.com. */
  baseUrl?: string;
  /** Authorize and code exchange. Default https://api.instagram.com. */
  oauthBaseUrl?: string;
  version?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  maxPollIntervalMs?: number;
  processingTimeoutMs?: number;
  oauth?: OAuthClientConfig;
}

/** {@link InstagramConnectorConfig} with the defaults filled in; `graph` is base + version. */
export type ResolvedInstagramConfig = Required<Omit<InstagramConnectorConfig, 'oauth'>> &
  Pick<InstagramConnectorConfig, 'oauth'> & { graph: string };

const trim = (url: string) => url.replace(/\/+$/, '');

/** Fills in the defaults. */
export function resolveInstagramConfig(config: InstagramConnectorConfig = {}): ResolvedInstagramConfig {
  const baseUrl = trim(config.baseUrl ?? 'https://graph.instagram.com');
  const version = config.version ?? 'v21.0';
  return {
    baseUrl,
    oauthBaseUrl: trim(config.oauthBaseUrl ?? config.baseUrl ?? 'https://api.instagram.com'),
    version,
    graph: `${baseUrl}/${version}`,
    timeoutMs: config.timeoutMs ?? 30_000,
    fetch: config.fetch ?? globalThis.fetch,
    maxPollIntervalMs: config.maxPollIntervalMs ?? 5_000,
    processingTimeoutMs: config.processingTimeoutMs ?? 10 * 60_000,
    oauth: config.oauth,
  };
}
