import { type z } from 'zod';
import { PlatformError } from '../errors';
import { transportError } from '../http/transport-error';
import { type ResolvedXConfig } from './x-config';
import { xResponseError } from './x-errors';

/** One call to the X API. */
export interface XRequest {
  /** For error messages: "publish", "media append", … */
  what: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  token: string;
  upload?: boolean;
  query?: Record<string, string | undefined>;
  json?: unknown;
  form?: FormData;
}

/** Sends a request and returns the body checked against `schema`; throws only `PlatformError`. */
export type XSend = <S extends z.ZodType>(req: XRequest, schema: S) => Promise<z.infer<S>>;

function buildUrl(base: string, path: string, query: XRequest['query']): URL {
  const url = new URL(`${base}${path}`);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url;
}

/** The transport every X call goes through: auth header, timeout, error classification, schema check. */
export function createXSend(config: ResolvedXConfig): XSend {
  return async (req, schema) => {
    const url = buildUrl(req.upload ? config.uploadBaseUrl : config.baseUrl, req.path, req.query);
    const headers: Record<string, string> = { authorization: `Bearer ${req.token}` };
    let body: string | FormData | undefined = req.form;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    }
    let status: number;
    let responseHeaders: Headers;
    let text: string;
    try {
      const res = await config.fetch(url, {
        method: req.method,
        headers,
        body,
        signal: AbortSignal.timeout(req.upload ? config.uploadTimeoutMs : config.timeoutMs),
      });
      status = res.status;
      responseHeaders = res.headers;
      text = await res.text();
    } catch (err) {
      throw transportError('x', req.what, err);
    }
    if (status < 200 || status >= 300)
      throw xResponseError(req.what, status, responseHeaders, text, Date.now());

    let json: unknown = {};
    try {
      if (text.trim() !== '') json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new PlatformError({
        platform: 'x',
        kind: 'permanent',
        status,
        message: `${req.what}: X answered ${status} with an unexpected body`,
        platformCode: 'unexpected_response',
        platformMessage: text.slice(0, 500),
        // A create that answered 2xx most likely happened, whatever the body says.
        ambiguous: req.method === 'POST',
      });
    }
    return parsed.data;
  };
}
