import { ApplicationFailure } from '@temporalio/common';
import type { TargetError } from '@vibetribe/database';
import { isPlatformError, type PlatformError } from '@vibetribe/platforms';
import { PUBLISH_ERROR_TYPES } from '@vibetribe/workflows';

const FINAL_TYPES = {
  validation: PUBLISH_ERROR_TYPES.validation,
  auth: PUBLISH_ERROR_TYPES.auth,
  duplicate: PUBLISH_ERROR_TYPES.duplicate,
  permanent: PUBLISH_ERROR_TYPES.permanent,
} as const;

function details(err: PlatformError) {
  return { kind: err.kind, status: err.status, code: err.platformCode, platformMessage: err.platformMessage };
}

/**
 * A failure as Temporal should see it: transient platform errors retry (a rate limit after the
 * platform's Retry-After), validation, auth, duplicate and permanent ones never do.
 */
export function toActivityFailure(err: unknown): Error {
  if (err instanceof ApplicationFailure) return err;
  if (!isPlatformError(err)) return err instanceof Error ? err : new Error(String(err));
  switch (err.kind) {
    case 'retryable':
      return ApplicationFailure.create({
        type: PUBLISH_ERROR_TYPES.retryable,
        message: err.message,
        details: [details(err)],
      });
    case 'rate_limited':
      return ApplicationFailure.create({
        type: PUBLISH_ERROR_TYPES.rateLimited,
        message: err.message,
        details: [details(err)],
        ...(err.retryAfterMs === undefined ? {} : { nextRetryDelay: Math.max(err.retryAfterMs, 1) }),
      });
    case 'auth':
    case 'duplicate':
    case 'validation':
    case 'permanent':
      return ApplicationFailure.create({
        type: FINAL_TYPES[err.kind],
        message: err.message,
        nonRetryable: true,
        details: [details(err)],
      });
  }
}

/** A failure as the target row keeps it. */
export function targetError(err: unknown): TargetError {
  const at = new Date().toISOString();
  if (isPlatformError(err)) {
    return {
      kind: err.kind,
      message: err.platformMessage ?? err.message,
      ...(err.status === undefined ? {} : { status: err.status }),
      ...(err.platformCode === undefined ? {} : { code: err.platformCode }),
      at,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  const kind = err instanceof ApplicationFailure ? (err.type ?? 'error') : 'error';
  return { kind, message, at };
}
