import { PlatformError } from '../errors';
import { type Platform } from '../platform';

// Failures where the request provably never reached the platform, so it cannot have taken effect.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH']);

function errorCode(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown';
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
  const own = (err as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  // undici wraps the socket error: TypeError('fetch failed', { cause: { code } }).
  return err.cause === undefined ? err.name : errorCode(err.cause);
}

function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message}: ${errorMessage(err.cause)}` : err.message;
}

/** A fetch that threw (no HTTP response) as a retryable {@link PlatformError}. */
export function transportError(platform: Platform, what: string, err: unknown): PlatformError {
  const code = errorCode(err);
  return new PlatformError({
    platform,
    kind: 'retryable',
    message: `${what}: no response (${errorMessage(err)})`,
    platformCode: code,
    platformMessage: errorMessage(err),
    ambiguous: !NOT_SENT.has(code),
    cause: err,
  });
}

/** Milliseconds until a `Retry-After` header (seconds or HTTP date) says to try again. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Milliseconds until an epoch-seconds reset header, or undefined when absent or malformed. */
export function untilEpochSeconds(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) ? Math.max(0, seconds * 1000 - now) : undefined;
}
