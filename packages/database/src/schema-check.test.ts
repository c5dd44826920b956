import { randomUUID } from 'node:crypto';
import { initOrm, migrate, type MikroORM, PendingMigrationsError, schemaCheck } from './orm';

// A database of its own, made empty on the test stack's PostgreSQL: the state a new version meets before
// `npm run migrate` has run.
const base = new URL(process.env.DATABASE_URL!);
const name = `vt_schema_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const urlOf = (db: string) => Object.assign(new URL(base.href), { pathname: `/${db}` }).href;
let admin: MikroORM;

beforeAll(async () => {
  admin = await initOrm(base.href, { pool: { min: 0, max: 1 } });
  await admin.em.getConnection().execute(`create database ${name}`);
});
afterAll(async () => {
  await admin.em.getConnection().execute(`drop database if exists ${name} with (force)`);
  await admin.close();
});

describe('schemaCheck: services never migrate, they wait for `npm run migrate`', () => {
  test('refuses, naming the pending migrations, until the migrate step has run; then passes', async () => {
    const orm = await initOrm(urlOf(name), { pool: { min: 0, max: 2 } });
    try {
      const told: string[] = [];
      const check = schemaCheck(orm, (err) => told.push(err.message));
      const refused = await check().catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(PendingMigrationsError);
      expect((refused as PendingMigrationsError).pending.length).toBeGreaterThan(0);
      expect((refused as Error).message).toMatch(/migration\(s\) pending .*npm run migrate/);
      await expect(check()).rejects.toBeInstanceOf(PendingMigrationsError);
      expect(told).toHaveLength(1); // logged once, not at every probe

      expect((await migrate(orm)).length).toBe((refused as PendingMigrationsError).pending.length);
      await expect(check()).resolves.toBeUndefined();
      // A second migrate step finds nothing to do.
      expect(await migrate(orm)).toEqual([]);
    } finally {
      await orm.close();
    }
  });

  test('PostgreSQL away is reported as such, not as pending migrations', async () => {
    const orm = await initOrm(Object.assign(new URL(base.href), { port: '9' }).href, {
      pool: { min: 0, max: 1 },
      connect: false,
    });
    try {
      const err = await schemaCheck(orm)().catch((e: unknown) => e);
      expect(err).not.toBeInstanceOf(PendingMigrationsError);
      expect(String((err as Error).message)).toMatch(/ECONNREFUSED/);
    } finally {
      await orm.close();
    }
  });
});
