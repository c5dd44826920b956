import { EnvError } from '@vibetribe/runtime';
import { loadWorkerEnv } from './env';

const base = { ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') };

describe('worker env', () => {
  test('the database pool defaults to twice the activity slots plus headroom', () => {
    expect(loadWorkerEnv({ ...base, WORKER_MAX_CONCURRENT_ACTIVITIES: '8' }).DATABASE_POOL_MAX).toBe(20);
  });
  test('a pool too small for the activity slots stops start-up, naming the key', () => {
    expect(() =>
      loadWorkerEnv({ ...base, WORKER_MAX_CONCURRENT_ACTIVITIES: '20', DATABASE_POOL_MAX: '30' }),
    ).toThrow(EnvError);
    expect(() =>
      loadWorkerEnv({ ...base, WORKER_MAX_CONCURRENT_ACTIVITIES: '20', DATABASE_POOL_MAX: '30' }),
    ).toThrow(/DATABASE_POOL_MAX: must be at least 41/);
  });
  test('every bad key is named at once', () => {
    expect(() => loadWorkerEnv({ ENCRYPTION_KEY: 'short', WORKER_PORT: 'x' })).toThrow(
      /ENCRYPTION_KEY[\s\S]*WORKER_PORT|WORKER_PORT[\s\S]*ENCRYPTION_KEY/,
    );
  });
});
