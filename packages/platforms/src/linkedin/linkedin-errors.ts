import { PlatformError, type PlatformErrorKind } from '../errors';
import { parseRetryAfter } from '../http/transport-error';

interface LinkedInErrorBody {
  message?: unknown;
  serviceErrorCode?: unknown;
  code?: unknown;
  error?: unknown;
  error_description?: unknown;
  errorDetails?: { inputErrors?: { code?: unknown }[] };
}

function parse(body: string): { message?: string; code?: string; inputCodes: string[] } {
  let b: LinkedInErrorBody;
  try {
    b = JSON.parse(body) as LinkedInErrorBody;
  } catch {
    return { message: body.slice(0, 200) || undefined, inputCodes: [] };
  }
  if (typeof b !== 'object' || b === null) return { inputCodes: [] };
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const message = str(b.message) ?? str(b.error_description);
  const code =
    typeof b.serviceErrorCode === 'number' ? String(b.serviceErrorCode) : (str(b.code) ?? str(b.error));
  const inputCodes = (b.errorDetails?.inputErrors ?? [])
    .map((e) => str(e.code))
    .filter((c): c is string => !!c);
  return { message, code, inputCodes };
}

/** Midnight UTC after `now`: when LinkedIn's daily limits reset. */
export const nextUtcMidnight = (now: number): number => {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
};

function kindFor(status: number, message: string, inputCodes: string[], code?: string): PlatformErrorKind {
  if (status === 429) return 'rate_limited';
  if (status >= 500 || status === 408) return 'retryable';
  // A refused refresh (`invalid_grant`) means the member must connect again.
  if (status === 401 || code === 'invalid_grant') return 'auth';
  if (inputCodes.includes('DUPLICATE_POST') || /duplicate/i.test(message)) return 'duplicate';
  if (status === 403) return /permission|scope|ACCESS_DENIED/i.test(message) ? 'auth' : 'permanent';
  if (status === 400 || status === 422 || status === 413) return 'validation';
  return 'permanent';
}

/** A LinkedIn error response as a {@link PlatformError} (PLATFORMS.md): a DAY-limit 429 waits until midnight UTC. */
export function linkedinResponseError(
  what: string,
  status: number,
  headers: Headers,
  body: string,
  now: number,
): PlatformError {
  const { message = '', code, inputCodes } = parse(body);
  const kind = kindFor(status, message, inputCodes, code);
  let retryAfterMs: number | undefined;
  if (kind === 'rate_limited') {
    retryAfterMs = /\bDAY\b/.test(message)
      ? nextUtcMidnight(now) - now
      : (parseRetryAfter(headers.get('retry-after'), now) ?? 60_000);
  }
  return new PlatformError({
    platform: 'linkedin',
    kind,
    status,
    message: `${what}: LinkedIn answered ${status}${message ? ` (${message})` : ''}`,
    platformCode: inputCodes[0] ?? code,
    platformMessage: message || undefined,
    retryAfterMs,
    ambiguous: status >= 500 || status === 408,
  });
}
