import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import type * as Migrations from '@mikro-orm/migrations';
import { join } from 'node:path';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import * as entities from './entities';

const MIGRATIONS_DIR = join(__dirname, 'migrations');

/** The one MikroORM configuration: every service and the CLI use it. */
export function ormConfig(clientUrl: string, overrides: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl,
    entities: Object.values(entities).filter((e) => typeof e === 'function' && 'prototype' in e),
    // The migrator is registered by `migrator()` when it is needed: a start with nothing to apply
    // does not load it (about 0.2 s of a worker's start).
    migrations: {
      path: MIGRATIONS_DIR,
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      snapshot: false,
    },
    // The global entity manager is never used for work: every request and job forks its own.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    // No file cache: metadata is cheap to discover, and a cache shared by jest workers corrupts Maps.
    metadataCache: { enabled: false },
    pool: { min: 0, max: 10 },
    debug: false,
    ...overrides,
  });
}

/** Connects to PostgreSQL. */
export function initOrm(clientUrl: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
  return MikroORM.init(ormConfig(clientUrl, overrides));
}

const MIGRATION_LOCK = 727_001;

/** The ORM's migrator, loaded and registered on first use. */
export function migrator(orm: MikroORM) {
  // A plain require: it loads on demand, and jest's VM (which runs this from dist) has no import().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Migrator } = require('@mikro-orm/migrations') as typeof Migrations;
  Migrator.register(orm);
  return orm.getMigrator();
}

/** True when the migrations table records every migration this build ships. */
async function upToDate(orm: MikroORM): Promise<boolean> {
  const shipped = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^Migration\d+\.(js|ts)$/.test(f))
    .map((f) => f.replace(/\.(js|ts)$/, ''));
  const applied = await orm.em
    .getConnection()
    .execute<{ name: string }[]>('select name from mikro_orm_migrations')
    // No table yet: a new database, which the migrator sets up.
    .catch(() => []);
  const names = new Set(applied.map((m) => m.name));
  return shipped.every((name) => names.has(name));
}

/**
 * Applies pending migrations. Several processes may start at once: a transaction-scoped advisory lock
 * makes the others wait for the first, then find nothing to do.
 */
export async function migrate(orm: MikroORM): Promise<string[]> {
  if (await upToDate(orm)) return [];
  const m = migrator(orm);
  const knex = orm.em.getKnex();
  return knex.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
    const applied = await m.up();
    return applied.map((m) => m.name);
  });
}

/** Probes the database for readiness. */
export async function pingDatabase(orm: MikroORM): Promise<void> {
  await orm.em.getConnection().execute('SELECT 1');
}

export { MikroORM };
