import { PlatformError } from '../errors';
import { type Platform } from '../platform';

// Failures where the request provably never reached the platform, so it cannot have taken effect.
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
]);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

// Duck-typed, not `instanceof Error`: fetch's errors come from Node's realm, which differs from a
// jest or vm realm.
const asErrorLike = (err: unknown): ErrorLike | undefined =>
  typeof err === 'object' && err !== null ? err : undefined;

function errorCode(err: unknown): string {
  const e = asErrorLike(err);
  if (!e) return 'unknown';
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timeout';
  if (typeof e.code === 'string') return e.code;
  // undici wraps the socket error: TypeError('fetch failed', { cause: { code } }).
  if (e.cause !== undefined) return errorCode(e.cause);
  return typeof e.name === 'string' ? e.name : 'unknown';
}

function errorMessage(err: unknown): string {
  const e = asErrorLike(err);
  if (!e || typeof e.message !== 'string') return String(err);
  return asErrorLike(e.cause) ? `${e.message}: ${errorMessage(e.cause)}` : e.message;
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
