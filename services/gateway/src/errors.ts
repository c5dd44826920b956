/** One problem the gateway can answer with: a status and a stable type (RFC 9457). */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'Problem';
  }

  /** The `type` URI clients branch on. */
  get typeUri(): string {
    return `https://vibetribe.dev/problems/${this.type}`;
  }
}

/** A field-level complaint. */
export interface FieldError {
  path: string;
  message: string;
  code?: string;
}

export const validationFailed = (errors: FieldError[], detail = 'The request is not valid.') =>
  new Problem(400, 'validation-error', 'Invalid request', detail, { errors });
export const malformedBody = (detail: string) =>
  new Problem(400, 'malformed-body', 'Malformed request body', detail);
export const unauthenticated = (detail = 'A valid access token is required.') =>
  new Problem(401, 'unauthenticated', 'Unauthenticated', detail, {}, { 'WWW-Authenticate': 'Bearer' });
export const invalidCredentials = () =>
  new Problem(401, 'invalid-credentials', 'Invalid credentials', 'The email or password is wrong.');
export const invalidRefreshToken = () =>
  new Problem(
    401,
    'invalid-refresh-token',
    'Invalid refresh token',
    'The refresh token is unknown, expired or revoked.',
  );
export const forbidden = (detail: string) => new Problem(403, 'forbidden', 'Forbidden', detail);
export const notFound = (what: string) =>
  new Problem(404, 'not-found', 'Not found', `${what} was not found.`);
export const routeNotFound = () => new Problem(404, 'route-not-found', 'Not found', 'No such endpoint.');
export const methodNotAllowed = (allowed: string) =>
  new Problem(
    405,
    'method-not-allowed',
    'Method not allowed',
    `Allowed: ${allowed}.`,
    {},
    { Allow: allowed },
  );
export const conflict = (type: string, detail: string, extra: Record<string, unknown> = {}) =>
  new Problem(409, type, 'Conflict', detail, extra);
export const unprocessable = (type: string, detail: string, extra: Record<string, unknown> = {}) =>
  new Problem(422, type, 'Unprocessable request', detail, extra);
export const payloadTooLarge = (detail: string) =>
  new Problem(413, 'payload-too-large', 'Payload too large', detail);
export const unsupportedMediaType = (detail: string) =>
  new Problem(415, 'unsupported-media-type', 'Unsupported media type', detail);
export const rateLimited = (retryAfterS: number) =>
  new Problem(
    429,
    'rate-limited',
    'Too many requests',
    `Try again in ${retryAfterS} s.`,
    { retry_after_s: retryAfterS },
    {
      'Retry-After': String(retryAfterS),
    },
  );
export const dependencyUnavailable = (dependency: string) =>
  new Problem(
    503,
    'dependency-unavailable',
    'Service unavailable',
    `${dependency} is unavailable; nothing was changed. Try again.`,
    {
      dependency,
    },
    { 'Retry-After': '5' },
  );
export const internalError = () =>
  new Problem(
    500,
    'internal-error',
    'Internal error',
    'Something went wrong on our side; it has been logged.',
  );
