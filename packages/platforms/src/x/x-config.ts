/** How to reach X; every field has a production default. */
export interface XConnectorConfig {
  /** Default https://api.x.com; point it at the emulator in tests. */
  baseUrl?: string;
  /** Where media uploads go; default `baseUrl`. */
  uploadBaseUrl?: string;
  /** Per request, until the whole response is read. Default 30 s. */
  timeoutMs?: number;
  /** Per upload request (one chunk or one simple upload). Default 120 s. */
  uploadTimeoutMs?: number;
  fetch?: typeof fetch;
  /** Chunk size for chunked uploads. Default 4 MiB (v1.1 caps a chunk at 5 MB; the v2 cap is unconfirmed). */
  chunkBytes?: number;
  /** Upper bound on the wait between media STATUS polls, whatever `check_after_secs` says. Default 30 s. */
  maxPollIntervalMs?: number;
  /** How long to wait for media processing before giving up (retryable). Default 10 min. */
  processingTimeoutMs?: number;
  /** Timeline pages `lookup` reads (100 posts each; X serves at most 3,200). Default 32. */
  lookupMaxPages?: number;
  /** How far before `since` `lookup` starts, to absorb clock skew between us and X. Default 60 s. */
  lookupSkewMs?: number;
}

/** {@link XConnectorConfig} with the defaults filled in. */
export type ResolvedXConfig = Required<XConnectorConfig>;

/** Simple uploads are for images up to this size; anything else goes chunked. */
export const X_SIMPLE_UPLOAD_MAX_BYTES = 5 * 1024 * 1024;

/** Fills in the defaults. */
export function resolveXConfig(config: XConnectorConfig = {}): ResolvedXConfig {
  const baseUrl = (config.baseUrl ?? 'https://api.x.com').replace(/\/+$/, '');
  return {
    baseUrl,
    uploadBaseUrl: (config.uploadBaseUrl ?? baseUrl).replace(/\/+$/, ''),
    timeoutMs: config.timeoutMs ?? 30_000,
    uploadTimeoutMs: config.uploadTimeoutMs ?? 120_000,
    fetch: config.fetch ?? globalThis.fetch,
    chunkBytes: config.chunkBytes ?? 4 * 1024 * 1024,
    maxPollIntervalMs: config.maxPollIntervalMs ?? 30_000,
    processingTimeoutMs: config.processingTimeoutMs ?? 10 * 60_000,
    lookupMaxPages: config.lookupMaxPages ?? 32,
    lookupSkewMs: config.lookupSkewMs ?? 60_000,
  };
}
