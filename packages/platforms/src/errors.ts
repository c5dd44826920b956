import { type Platform } from './platform';

/**
 * How the caller should react: `retryable` and `rate_limited` are worth another attempt (the latter
 * after `retryAfterMs`); `auth` needs a token refresh or a reconnect; the rest never succeed as sent.
 */
export type PlatformErrorKind =
  'retryable' | 'rate_limited' | 'auth' | 'duplicate' | 'validation' | 'permanent';

/** Everything a {@link PlatformError} carries. */
export interface PlatformErrorInit {
  platform: Platform;
  kind: PlatformErrorKind;
  message: string;
  status?: number;
  retryAfterMs?: number;
  /** The platform's own error code or type (`about:blank`, `DUPLICATE_POST`, `190`, `ECONNRESET`, …). */
  platformCode?: string;
  platformMessage?: string;
  /**
   * The request may have taken effect although no success was seen (timeout, dropped connection,
   * 5xx): a publish must be reconciled with `lookup` before it is sent again.
   */
  ambiguous?: boolean;
  cause?: unknown;
}

/** The only error connector methods throw for platform and transport failures. */
export class PlatformError extends Error {
  override readonly name = 'PlatformError';
  readonly platform: Platform;
  readonly kind: PlatformErrorKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly platformCode?: string;
  readonly platformMessage?: string;
  readonly ambiguous: boolean;

  constructor(init: PlatformErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.platform = init.platform;
    this.kind = init.kind;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.platformCode = init.platformCode;
    this.platformMessage = init.platformMessage;
    this.ambiguous = init.ambiguous ?? false;
  }
}

/** True for a {@link PlatformError}, also one from another copy of this package or another realm. */
export function isPlatformError(err: unknown): err is PlatformError {
  if (err instanceof PlatformError) return true;
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'PlatformError' &&
    'kind' in err
  );
}

/** Whether trying the same call again can succeed; unknown errors are not (the caller decides). */
export function isRetryable(err: unknown): boolean {
  return isPlatformError(err) && (err.kind === 'retryable' || err.kind === 'rate_limited');
}
