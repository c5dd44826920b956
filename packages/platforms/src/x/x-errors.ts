import { PlatformError, type PlatformErrorKind } from '../errors';
import { parseRetryAfter, untilEpochSeconds } from '../http/transport-error';

interface XProblem {
  code?: string;
  message?: string;
}

interface XErrorBody {
  title?: unknown;
  detail?: unknown;
  type?: unknown;
  errors?: { message?: unknown; detail?: unknown; code?: unknown; type?: unknown }[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Reads X's problem JSON (v2) or `{errors:[{code,message}]}` (v1.1-style media errors). */
function parseProblem(body: string): XProblem {
  let parsed: XErrorBody;
  try {
    parsed = JSON.parse(body) as XErrorBody;
  } catch {
    return { message: body.slice(0, 200) || undefined };
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const first = Array.isArray(parsed.errors) ? parsed.errors[0] : undefined;
  const firstCode = first?.code;
  const code =
    str(parsed.type) ??
    str(first?.type) ??
    (typeof firstCode === 'number' ? String(firstCode) : str(firstCode)) ??
    str(parsed.title);
  const messages = [str(parsed.detail), ...(parsed.errors ?? []).map((e) => str(e.message) ?? str(e.detail))];
  const unique = [...new Set(messages.filter((m): m is string => m !== undefined))];
  return { code, message: unique.length > 0 ? unique.join('; ') : str(parsed.title) };
}

/** When a 429 lifts: a spent 24-hour budget outranks the 15-minute window; `Retry-After` is the fallback. */
export function xRetryAfterMs(headers: Headers, now: number): number | undefined {
  const daily = ['x-user-limit-24hour', 'x-app-limit-24hour']
    .filter((prefix) => headers.get(`${prefix}-remaining`) === '0')
    .map((prefix) => untilEpochSeconds(headers.get(`${prefix}-reset`), now))
    .filter((ms): ms is number => ms !== undefined);
  if (daily.length > 0) return Math.max(...daily);
  return (
    untilEpochSeconds(headers.get('x-rate-limit-reset'), now) ??
    parseRetryAfter(headers.get('retry-after'), now)
  );
}

function kindFor(status: number, problem: XProblem): PlatformErrorKind {
  if (status === 429) return 'rate_limited';
  if (status >= 500 || status === 408) return 'retryable';
  if (status === 401) return 'auth';
  if (status === 403) {
    if (/duplicate content/i.test(problem.message ?? '')) return 'duplicate';
    // A token without the needed scope or of the wrong type needs the user to reconnect.
    if (/oauth|unsupported-authentication/i.test(problem.code ?? '')) return 'auth';
    return 'permanent';
  }
  if (status === 400 || status === 413 || status === 422) return 'validation';
  return 'permanent';
}

/** An X error response as a {@link PlatformError}, classified per PLATFORMS.md. */
export function xResponseError(
  what: string,
  status: number,
  headers: Headers,
  body: string,
  now: number,
): PlatformError {
  const problem = parseProblem(body);
  const kind = kindFor(status, problem);
  return new PlatformError({
    platform: 'x',
    kind,
    status,
    message: `${what}: X answered ${status}${problem.message ? ` (${problem.message})` : ''}`,
    platformCode: problem.code,
    platformMessage: problem.message,
    retryAfterMs: kind === 'rate_limited' ? xRetryAfterMs(headers, now) : undefined,
    ambiguous: status >= 500 || status === 408,
  });
}
