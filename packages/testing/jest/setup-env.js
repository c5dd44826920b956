/** Runs in every jest worker before tests: points everything at the local stack's test database. */
const pg = `postgres://${process.env.PGUSER || 'vibetribe'}:${process.env.PGPASSWORD || 'vibetribe'}@${process.env.PGHOST || '127.0.0.1'}:${process.env.PGPORT || '5432'}`;
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL || 'silent';
process.env.DATABASE_URL =
  process.env.TEST_DATABASE_URL || `${pg}/${process.env.PGDATABASE || 'vibetribe'}_test`;
process.env.REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
process.env.NATS_URL = process.env.NATS_URL || 'nats://127.0.0.1:4222';
process.env.TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
process.env.ENCRYPTION_KEY = process.env.ENCRYPTION_KEY || Buffer.alloc(32, 7).toString('base64');
