import { ApplicationFailure } from '@temporalio/common';
import { PlatformError, type PlatformErrorKind } from '@vibetribe/platforms';
import { targetError, toActivityFailure } from './classify';
import { clientRefFor } from './ledger';

const platformError = (
  kind: PlatformErrorKind,
  extra: Partial<ConstructorParameters<typeof PlatformError>[0]> = {},
) => new PlatformError({ platform: 'x', kind, message: `${kind} happened`, status: 400, ...extra });

describe('toActivityFailure', () => {
  test.each([
    ['validation', 'ValidationError'],
    ['auth', 'AuthError'],
    ['duplicate', 'DuplicateContentError'],
    ['permanent', 'PermanentError'],
  ] as const)('%s is final: %s, never retried', (kind, type) => {
    const failure = toActivityFailure(platformError(kind));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type, nonRetryable: true });
  });

  test('a transient platform error is retried', () => {
    expect(toActivityFailure(platformError('retryable', { status: 503 }))).toMatchObject({
      type: 'PlatformUnavailable',
      nonRetryable: false,
    });
  });

  test("a rate limit retries after the platform's reset", () => {
    const failure = toActivityFailure(platformError('rate_limited', { status: 429, retryAfterMs: 42_000 }));
    expect(failure).toMatchObject({ type: 'RateLimited', nonRetryable: false, nextRetryDelay: 42_000 });
  });

  test('anything else stays a plain (retryable) error', () => {
    const err = new Error('connection refused');
    expect(toActivityFailure(err)).toBe(err);
  });
});

describe('targetError', () => {
  test("keeps the platform's words, status and code", () => {
    const err = platformError('duplicate', {
      status: 403,
      platformCode: 'about:blank',
      platformMessage: 'duplicate content',
    });
    expect(targetError(err)).toMatchObject({
      kind: 'duplicate',
      message: 'duplicate content',
      status: 403,
      code: 'about:blank',
    });
  });
});

describe('clientRefFor', () => {
  test('is a stable 32-hex-digit reference per post, target and version', () => {
    const ref = clientRefFor('p', 't', 1);
    expect(ref).toMatch(/^[0-9a-f]{32}$/);
    expect(clientRefFor('p', 't', 1)).toBe(ref);
    expect(clientRefFor('p', 't', 2)).not.toBe(ref);
  });
});
