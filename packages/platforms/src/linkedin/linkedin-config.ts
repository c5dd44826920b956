import { type OAuthClientConfig } from '../oauth/oauth';

/** How to reach LinkedIn; every field has a production default. */
export interface LinkedInConnectorConfig {
  /** Default https://api.linkedin.com; point it at the emulator in tests. */
  baseUrl?: string;
  /** Where OAuth lives. Default https://www.linkedin.com. */
  oauthBaseUrl?: string;
  /** The `LinkedIn-Version` header (YYYYMM). */
  version?: string;
  timeoutMs?: number;
  uploadTimeoutMs?: number;
  fetch?: typeof fetch;
  maxPollIntervalMs?: number;
  processingTimeoutMs?: number;
  /** Posts `lookup` reads, newest first. Default 100. */
  lookupMaxPosts?: number;
  oauth?: OAuthClientConfig;
}

/** {@link LinkedInConnectorConfig} with the defaults filled in. */
export type ResolvedLinkedInConfig = Required<Omit<LinkedInConnectorConfig, 'oauth'>> &
  Pick<LinkedInConnectorConfig, 'oauth'>;

const trim = (url: string) => url.replace(/\/+$/, '');

/** Fills in the defaults. */
export function resolveLinkedInConfig(config: LinkedInConnectorConfig = {}): ResolvedLinkedInConfig {
  return {
    baseUrl: trim(config.baseUrl ?? 'https://api.linkedin.com'),
    oauthBaseUrl: trim(config.oauthBaseUrl ?? 'https://www.linkedin.com'),
    version: config.version ?? '202506',
    timeoutMs: config.timeoutMs ?? 30_000,
    uploadTimeoutMs: config.uploadTimeoutMs ?? 120_000,
    fetch: config.fetch ?? globalThis.fetch,
    maxPollIntervalMs: config.maxPollIntervalMs ?? 5_000,
    processingTimeoutMs: config.processingTimeoutMs ?? 10 * 60_000,
    lookupMaxPosts: config.lookupMaxPosts ?? 100,
    oauth: config.oauth,
  };
}
