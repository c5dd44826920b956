import { targetState } from './target-state';

const base = { targetId: 't', accountId: 'a', platform: 'x', attempts: 2, sandbox: false };
const lastError = { kind: 'rate_limited', message: 'slow down' };

describe('targetState', () => {
  test('a failed target carries its error', () => {
    expect(targetState({ ...base, status: 'failed', lastError })).toMatchObject({
      errorKind: 'rate_limited',
      errorMessage: 'slow down',
      platformPostId: '',
      url: '',
    });
  });

  test('any other status leaves the error fields empty, even with an earlier error kept on the row', () => {
    const s = targetState({ ...base, status: 'published', lastError, platformPostId: '1', url: 'u' });
    expect(s).toMatchObject({ errorKind: '', errorMessage: '', platformPostId: '1', url: 'u', attempts: 2 });
  });

  test('a sandbox target says so', () => {
    expect(targetState({ ...base, status: 'pending', sandbox: true }).sandbox).toBe(true);
    expect(targetState({ ...base, status: 'pending', sandbox: false }).sandbox).toBe(false);
  });
});
