import 'reflect-metadata';
import { join } from 'node:path';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import * as entities from './entities';

/** The one MikroORM configuration: every service and the CLI use it. */
export function ormConfig(clientUrl: string, overrides: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl,
    entities: Object.values(entities).filter((e) => typeof e === 'function' && 'prototype' in e),
    extensions: [Migrator],
    migrations: {
      path: join(__dirname, 'migrations'),
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

/**
 * Applies pending migrations. Several processes may start at once: a transaction-scoped advisory lock
 * makes the others wait for the first, then find nothing to do.
 */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const knex = orm.em.getKnex();
  return knex.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  });
}

/** Probes the database for readiness. */
export async function pingDatabase(orm: MikroORM): Promise<void> {
  await orm.em.getConnection().execute('SELECT 1');
}

export { MikroORM };
