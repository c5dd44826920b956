import { ApplicationFailure } from '@temporalio/common';
import { PlatformError, type PlatformErrorKind } from '@vibetribe/platforms';
import { targetError, toActivityFailure } from './classify';
import { clientRefFor } from './ledger';
import { firstAttemptFailure } from './round';

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

describe('firstAttemptFailure (a round returns its first attempts as data)', () => {
  test('a duplicate is final and keeps its kind and words', () => {
    const err = toActivityFailure(platformError('duplicate', { status: 403 }));
    expect(firstAttemptFailure('t1', err, true)).toEqual({
      targetId: 't1',
      kind: 'duplicate',
      message: 'duplicate happened',
      final: true,
    });
  });

  test("a rate limit is left to the retries with the platform's delay", () => {
    const err = toActivityFailure(platformError('rate_limited', { status: 429, retryAfterMs: 7_000 }));
    expect(firstAttemptFailure('t1', err, true)).toMatchObject({
      kind: 'rate_limited',
      final: false,
      nextRetryDelay: 7_000,
    });
  });

  test('a retryable failure is final when no attempt is left', () => {
    const err = toActivityFailure(platformError('retryable', { status: 503 }));
    expect(firstAttemptFailure('t1', err, false)).toMatchObject({ kind: 'retryable', final: true });
  });

  test('an error that is not the platform answer (the database) is retried', () => {
    expect(firstAttemptFailure('t1', new Error('connection refused'), true)).toEqual({
      targetId: 't1',
      kind: 'error',
      message: 'connection refused',
      final: false,
    });
  });
});
