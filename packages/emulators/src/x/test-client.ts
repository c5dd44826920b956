/** A bare HTTP client for the emulator tests: they check the wire contract, not a connector. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  // Tests inspect arbitrary JSON.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** Calls `base + path` with an optional bearer token and JSON or form body. */
export async function call(
  base: string,
  path: string,
  init: {
    method?: string;
    token?: string;
    json?: unknown;
    form?: FormData;
    body?: string;
    contentType?: string;
  } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | FormData | undefined = init.form ?? init.body;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  if (init.contentType) headers['content-type'] = init.contentType;
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}
