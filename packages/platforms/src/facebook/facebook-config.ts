import { type OAuthClientConfig } from '../oauth/oauth';

/** How to reach Facebook; every field has a production default. */
export interface FacebookConnectorConfig {
  /** Default https://graph.facebook.com. */
  baseUrl?: string;
  /** Video uploads. Default https://graph-video.facebook.com. */
  videoBaseUrl?: string;
  /** The OAuth dialog. Default https://www.facebook.com. */
  dialogBaseUrl?: string;
  /** Graph API version. */
  version?: string;
  timeoutMs?: number;
  uploadTimeoutMs?: number;
  fetch?: typeof fetch;
  maxPollIntervalMs?: number;
  processingTimeoutMs?: number;
  oauth?: OAuthClientConfig;
}

/** {@link FacebookConnectorConfig} with the defaults filled in; `graph` is base + version. */
export type ResolvedFacebookConfig = Required<Omit<FacebookConnectorConfig, 'oauth'>> &
  Pick<FacebookConnectorConfig, 'oauth'> & { graph: string; graphVideo: string };

const trim = (url: string) => url.replace(/\/+$/, '');

/** Fills in the defaults. */
export function resolveFacebookConfig(config: FacebookConnectorConfig = {}): ResolvedFacebookConfig {
  const baseUrl = trim(config.baseUrl ?? 'https://graph.facebook.com');
  const videoBaseUrl = trim(config.videoBaseUrl ?? config.baseUrl ?? 'https://graph-video.facebook.com');
  const version = config.version ?? 'v21.0';
  return {
    baseUrl,
    videoBaseUrl,
    dialogBaseUrl: trim(config.dialogBaseUrl ?? config.baseUrl ?? 'https://www.facebook.com'),
    version,
    graph: `${baseUrl}/${version}`,
    graphVideo: `${videoBaseUrl}/${version}`,
    timeoutMs: config.timeoutMs ?? 30_000,
    uploadTimeoutMs: config.uploadTimeoutMs ?? 300_000,
    fetch: config.fetch ?? globalThis.fetch,
    maxPollIntervalMs: config.maxPollIntervalMs ?? 5_000,
    processingTimeoutMs: config.processingTimeoutMs ?? 10 * 60_000,
    oauth: config.oauth,
  };
}
