import { EnvError } from '@vibetribe/runtime';
import { loadWorkerEnv } from './env';

const base = { ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') };

describe('worker env', () => {
  test('the database pool defaults to the activity and local-activity slots plus headroom', () => {
    const env = loadWorkerEnv({
      ...base,
      WORKER_MAX_CONCURRENT_ACTIVITIES: '8',
      WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: '4',
    });
    expect(env.DATABASE_POOL_MAX).toBe(16);
    expect(loadWorkerEnv(base).DATABASE_POOL_MAX).toBe(44);
  });
  test('a pool too small for the publish slots stops start-up, naming the key', () => {
    const env = {
      ...base,
      WORKER_MAX_CONCURRENT_ACTIVITIES: '20',
      WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: '10',
      DATABASE_POOL_MAX: '32',
    };
    expect(() => loadWorkerEnv(env)).toThrow(EnvError);
    expect(() => loadWorkerEnv(env)).toThrow(/DATABASE_POOL_MAX: must be at least 33/);
    expect(loadWorkerEnv({ ...env, DATABASE_POOL_MAX: '33' }).DATABASE_POOL_MAX).toBe(33);
  });
  test('every bad key is named at once', () => {
    expect(() => loadWorkerEnv({ ENCRYPTION_KEY: 'short', WORKER_PORT: 'x' })).toThrow(
      /ENCRYPTION_KEY[\s\S]*WORKER_PORT|WORKER_PORT[\s\S]*ENCRYPTION_KEY/,
    );
  });
});
