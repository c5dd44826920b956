import { type IncomingMessage, type ServerResponse } from 'node:http';

/** Thrown by a handler to answer with a status and JSON body; the router renders it. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

/** Writes a JSON response. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    ...(payload === '' ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** The whole request body, refusing more than `maxBytes` with a 413. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      throw new HttpProblem(413, {
        title: 'Payload Too Large',
        detail: `Body exceeds ${maxBytes} bytes.`,
        status: 413,
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A field of a parsed form: text, or an uploaded part's size and type. */
export type FormValue = string | { size: number; type: string };

/**
 * Parses a JSON, multipart or url-encoded body into flat fields; the web `Response` does the
 * multipart parsing so the emulator needs no dependency.
 */
export async function parseFields(
  body: Buffer,
  contentType: string | undefined,
  badRequest: (message: string) => HttpProblem,
): Promise<Map<string, FormValue>> {
  const fields = new Map<string, FormValue>();
  if (body.length === 0) return fields;
  const type = contentType ?? '';
  if (type.startsWith('application/json')) {
    const json = parseJson(body, badRequest);
    if (typeof json !== 'object' || json === null) throw badRequest('The body must be a JSON object.');
    for (const [key, value] of Object.entries(json)) {
      if (typeof value === 'string' || typeof value === 'number') fields.set(key, String(value));
    }
    return fields;
  }
  if (!type.startsWith('multipart/form-data') && !type.startsWith('application/x-www-form-urlencoded')) {
    throw badRequest(`Unsupported content type: ${type || 'none'}.`);
  }
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'content-type': type } }).formData();
  } catch {
    throw badRequest('The form body could not be parsed.');
  }
  for (const [key, value] of form.entries()) {
    fields.set(key, typeof value === 'string' ? value : { size: value.size, type: value.type });
  }
  return fields;
}

/** JSON.parse that answers 400 instead of throwing a SyntaxError. */
export function parseJson(body: Buffer, badRequest: (message: string) => HttpProblem): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw badRequest('The body is not valid JSON.');
  }
}

/** A control endpoint's JSON object body ({} when empty); anything else is `invalid`. */
export async function readJsonObject(
  req: IncomingMessage,
  invalid: (message: string) => HttpProblem,
): Promise<Record<string, unknown>> {
  const body = await readBody(req, 1024 * 1024);
  if (body.length === 0) return {};
  const json = parseJson(body, invalid);
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw invalid('The body must be a JSON object.');
  return json as Record<string, unknown>;
}

/** A non-negative integer setting or counter from a control body. */
export function nonNegativeInt(v: unknown, name: string, invalid: (message: string) => HttpProblem): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw invalid(`${name} must be a non-negative integer.`);
  return v;
}
