import { ApplicationFailure } from '@temporalio/common';
import { PlatformError } from '@vibetribe/platforms';
import { createLogger } from '@vibetribe/runtime';
import { isDependencyError, untilAvailable } from './dependency';
import type { ActivityDeps } from './deps';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('isDependencyError', () => {
  test.each([
    ['a refused connection', coded('ECONNREFUSED')],
    ['a reset connection', coded('ECONNRESET')],
    ['an admin shutdown (57P01)', coded('57P01', 'terminating connection due to administrator command')],
    [
      'a server still starting (57P03)',
      coded('57P03', 'the database system is not yet accepting connections'),
    ],
    ['a connection exception (08006)', coded('08006')],
    [
      'a pool that cannot connect',
      Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' }),
    ],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['one wrapped as a cause', new Error('query failed', { cause: coded('ECONNREFUSED') })],
    ['one from another realm (a plain object)', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }],
  ])('%s is the database being away', (_, err) => {
    expect(isDependencyError(err)).toBe(true);
  });

  test.each([
    ['a statement the database refused', coded('42601', 'syntax error')],
    ['a unique violation', coded('23505')],
    [
      'a platform error',
      new PlatformError({ platform: 'x', kind: 'retryable', message: 'X is down', status: 503 }),
    ],
    ['an application failure', ApplicationFailure.create({ message: 'no' })],
  ])('%s is not', (_, err) => {
    expect(isDependencyError(err)).toBe(false);
  });
});

describe('untilAvailable', () => {
  const deps = (waitMs: number) =>
    ({
      logger: createLogger('dependency-test', 'silent'),
      dependencyWaitMs: waitMs,
    }) as unknown as ActivityDeps;

  test('retries while the database is away, then returns the step result', async () => {
    let calls = 0;
    const step = () => (++calls < 3 ? Promise.reject(coded('ECONNREFUSED')) : Promise.resolve('done'));
    await expect(untilAvailable(deps(10_000), 'a step', step)).resolves.toBe('done');
    expect(calls).toBe(3);
  });

  test("throws the step's own errors at once", async () => {
    let calls = 0;
    const step = () => (++calls, Promise.reject(coded('23505')));
    await expect(untilAvailable(deps(10_000), 'a step', step)).rejects.toMatchObject({ code: '23505' });
    expect(calls).toBe(1);
  });

  test('past its bound, fails as DependencyUnavailable, never retried', async () => {
    const step = () => Promise.reject(coded('ECONNREFUSED'));
    await expect(untilAvailable(deps(300), 'a step', step)).rejects.toMatchObject({
      type: 'DependencyUnavailable',
      nonRetryable: true,
    });
  });
});
