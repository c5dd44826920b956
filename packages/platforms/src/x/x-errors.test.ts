import { PlatformError, isRetryable } from '../errors';
import { xResponseError } from './x-errors';

const NOW = 1_800_000_000_000;
const problem = (detail: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ title: 'T', detail, type: 'about:blank', ...extra });

describe('xResponseError', () => {
  it.each([
    [500, problem('Internal'), 'retryable', true],
    [503, 'upstream connect error', 'retryable', true],
    [401, problem('Unauthorized'), 'auth', false],
    [403, problem('You are not allowed to create a Tweet with duplicate content.'), 'duplicate', false],
    [403, problem('You are not permitted to perform this action.'), 'permanent', false],
    [
      403,
      problem('Missing scope', { type: 'https://api.twitter.com/2/problems/oauth2-insufficient-scope' }),
      'auth',
      false,
    ],
    [
      400,
      JSON.stringify({ errors: [{ message: 'Your media IDs are invalid.' }], title: 'Invalid Request' }),
      'validation',
      false,
    ],
    [404, problem('Not found'), 'permanent', false],
  ])('%i %s → %s', (status, body, kind, retryable) => {
    const err = xResponseError('publish', status, new Headers(), body, NOW);
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(status);
    expect(isRetryable(err)).toBe(retryable);
  });

  it('keeps the platform code and the specific message', () => {
    const body = JSON.stringify({
      errors: [{ message: 'Your media IDs are invalid.' }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    });
    const err = xResponseError('publish', 400, new Headers(), body, NOW);
    expect(err.platformCode).toBe('https://api.twitter.com/2/problems/invalid-request');
    expect(err.platformMessage).toContain('Your media IDs are invalid.');
  });

  it('429 waits until x-rate-limit-reset', () => {
    const headers = new Headers({
      'x-rate-limit-reset': String(NOW / 1000 + 90),
      'x-rate-limit-remaining': '0',
    });
    const err = xResponseError('publish', 429, headers, problem('Too Many Requests'), NOW);
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 90_000 });
  });

  it('429 on a spent 24-hour budget waits for that reset', () => {
    const headers = new Headers({
      'x-rate-limit-reset': String(NOW / 1000 + 60),
      'x-user-limit-24hour-remaining': '0',
      'x-user-limit-24hour-reset': String(NOW / 1000 + 3600),
    });
    expect(xResponseError('publish', 429, headers, '', NOW).retryAfterMs).toBe(3_600_000);
  });

  it('429 falls back to Retry-After', () => {
    const err = xResponseError('publish', 429, new Headers({ 'retry-after': '7' }), '', NOW);
    expect(err.retryAfterMs).toBe(7000);
  });
});
