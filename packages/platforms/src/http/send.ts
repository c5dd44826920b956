import { type z } from 'zod';
import { PlatformError } from '../errors';
import { type Platform } from '../platform';
import { transportError } from './transport-error';

/** One HTTP call to a platform. */
export interface PlatformRequest {
  /** For error messages: "publish", "image upload", … */
  what: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Absolute URL. */
  url: string;
  token?: string;
  query?: Record<string, string | undefined>;
  json?: unknown;
  form?: FormData | URLSearchParams;
  bytes?: Uint8Array;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** A platform error response as a classified {@link PlatformError}. */
export type ErrorMapper = (
  what: string,
  status: number,
  headers: Headers,
  body: string,
  now: number,
) => PlatformError;

/** Sends a request; returns the body checked against `schema`, and the response headers. Throws only `PlatformError`. */
export type PlatformSend = <S extends z.ZodType>(
  req: PlatformRequest,
  schema: S,
) => Promise<{ data: z.infer<S>; headers: Headers; status: number }>;

function buildUrl(url: string, query: PlatformRequest['query']): URL {
  const out = new URL(url);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) out.searchParams.set(key, value);
  }
  return out;
}

function parseBody(text: string): unknown {
  try {
    return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** The transport for one platform: bearer auth, timeout, error classification, schema check; tokens never reach a message. */
export function createSend(
  platform: Platform,
  options: { fetch: typeof fetch; timeoutMs: number; headers?: Record<string, string> },
  mapError: ErrorMapper,
): PlatformSend {
  return async (req, schema) => {
    const headers: Record<string, string> = { ...options.headers, ...req.headers };
    if (req.token !== undefined) headers.authorization = `Bearer ${req.token}`;
    let body: string | FormData | URLSearchParams | Uint8Array | undefined = req.form ?? req.bytes;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    }
    let res: Response;
    let text: string;
    try {
      res = await options.fetch(buildUrl(req.url, req.query), {
        method: req.method,
        headers,
        body,
        signal: AbortSignal.timeout(req.timeoutMs ?? options.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw transportError(platform, req.what, err);
    }
    if (res.status < 200 || res.status >= 300)
      throw mapError(req.what, res.status, res.headers, text, Date.now());
    const parsed = schema.safeParse(parseBody(text));
    if (!parsed.success) {
      throw new PlatformError({
        platform,
        kind: 'permanent',
        status: res.status,
        message: `${req.what}: ${platform} answered ${res.status} with an unexpected body`,
        platformCode: 'unexpected_response',
        platformMessage: text.slice(0, 300),
        // A create that answered 2xx most likely happened, whatever the body says.
        ambiguous: req.method === 'POST',
      });
    }
    return { data: parsed.data, headers: res.headers, status: res.status };
  };
}
