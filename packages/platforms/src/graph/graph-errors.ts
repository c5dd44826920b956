import { type ErrorMapper } from '../http/send';
import { PlatformError, type PlatformErrorKind } from '../errors';
import { type Platform } from '../platform';

interface GraphErrorBody {
  error?: {
    message?: unknown;
    type?: unknown;
    code?: unknown;
    error_subcode?: unknown;
    is_transient?: unknown;
  };
}

const RETRY_CODES = new Set([1, 2, -1, -2, 341]);
const THROTTLE_CODES = new Set([4, 17, 32, 613]);
// Instagram subcodes worth another attempt: transient, not ready yet, or a container to make anew (PLATFORMS.md).
const RETRY_SUBCODES = new Set([2207001, 2207003, 2207032, 2207020, 2207053, 2207027]);
const AUTH_SUBCODES = new Set([458, 459, 460, 463, 464, 467]);

function parse(body: string): { code?: number; subcode?: number; message?: string; transient: boolean } {
  try {
    const e = (JSON.parse(body) as GraphErrorBody).error ?? {};
    return {
      code: typeof e.code === 'number' ? e.code : undefined,
      subcode: typeof e.error_subcode === 'number' ? e.error_subcode : undefined,
      message: typeof e.message === 'string' ? e.message : undefined,
      transient: e.is_transient === true,
    };
  } catch {
    return { message: body.slice(0, 200) || undefined, transient: false };
  }
}

/** Minutes until Graph lets the app in again, from its usage headers (the largest any of them says). */
function regainAccessMs(headers: Headers): number | undefined {
  let minutes: number | undefined;
  for (const name of ['x-business-use-case-usage', 'x-app-usage', 'x-ad-account-usage']) {
    const raw = headers.get(name);
    if (!raw) continue;
    const found = [...raw.matchAll(/"estimated_time_to_regain_access"\s*:\s*(\d+)/g)].map((m) =>
      Number(m[1]),
    );
    if (found.length > 0) minutes = Math.max(minutes ?? 0, ...found);
  }
  return minutes === undefined ? undefined : minutes * 60_000;
}

function kindFor(status: number, e: ReturnType<typeof parse>): PlatformErrorKind {
  const { code, subcode } = e;
  if (code === 190 || code === 102 || (subcode !== undefined && AUTH_SUBCODES.has(subcode))) return 'auth';
  if (status === 429 || (code !== undefined && THROTTLE_CODES.has(code) && subcode !== 2207051))
    return 'rate_limited';
  if (code === 9 && subcode === 2207042) return 'rate_limited';
  if (code === 368) return 'rate_limited';
  if (status >= 500 || e.transient || (code !== undefined && RETRY_CODES.has(code))) return 'retryable';
  if (subcode !== undefined && RETRY_SUBCODES.has(subcode)) return 'retryable';
  if (code === 506) return 'duplicate';
  if (code === 100 || code === 36000 || code === 324 || code === 390) return 'validation';
  return 'permanent';
}

/** Graph API errors (Facebook and Instagram) classified per PLATFORMS.md. */
export function graphResponseError(platform: Platform): ErrorMapper {
  return (what, status, headers, body) => {
    const e = parse(body);
    const kind = kindFor(status, e);
    let retryAfterMs: number | undefined;
    if (kind === 'rate_limited') {
      // A spent Instagram publishing window is rolling 24 h; an hour is the shortest it may take to free a slot.
      const fallback = e.code === 9 ? 3_600_000 : e.code === 368 ? 600_000 : 60_000;
      retryAfterMs = regainAccessMs(headers) ?? fallback;
    }
    const code =
      e.code === undefined ? undefined : e.subcode === undefined ? String(e.code) : `${e.code}/${e.subcode}`;
    return new PlatformError({
      platform,
      kind,
      status,
      message: `${what}: ${platform} answered ${status}${e.message ? ` (${e.message})` : ''}`,
      platformCode: code,
      platformMessage: e.message,
      retryAfterMs,
      ambiguous: status >= 500,
    });
  };
}
