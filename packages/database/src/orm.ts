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

/** The migrations this build ships, oldest first. */
function shippedMigrations(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^Migration\d+\.(js|ts)$/.test(f))
    .map((f) => f.replace(/\.(js|ts)$/, ''))
    .sort();
}

/** The migrations this build ships that the database has not applied (all of them on a new database). */
export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  const applied = await orm.em
    .getConnection()
    .execute<{ name: string }[]>('select name from mikro_orm_migrations')
    // No table yet (undefined_table): a new database. Any other error (PostgreSQL away) is thrown.
    .catch((err: unknown) => {
      if ((err as { code?: string }).code === '42P01') return [];
      throw err;
    });
  const names = new Set(applied.map((m) => m.name));
  return shippedMigrations().filter((name) => !names.has(name));
}

/** Why a process refuses to become ready: its build expects migrations the database lacks. */
export class PendingMigrationsError extends Error {
  constructor(readonly pending: string[]) {
    super(
      `${pending.length} migration(s) pending (${pending.join(', ')}): run \`npm run migrate\` (Kubernetes: the vibetribe-migrate Job) before starting this version`,
    );
    this.name = 'PendingMigrationsError';
  }
}

/**
 * A readiness check: resolves once the database has every migration this build ships, rejects with
 * `PendingMigrationsError` until then. Migrations run as one step before a deploy (`npm run migrate`),
 * never in a service's start. A database ahead of this build is fine: under the expand/contract policy
 * an older version runs on the newer schema during a rollout. Once up to date it stays so, and is not
 * asked again. `onPending` hears the first refusal (to log it once).
 */
export function schemaCheck(
  orm: MikroORM,
  onPending: (err: PendingMigrationsError) => void = () => undefined,
): () => Promise<void> {
  let current = false;
  let told = false;
  return async () => {
    if (current) return;
    const pending = await pendingMigrations(orm);
    if (pending.length > 0) {
      const err = new PendingMigrationsError(pending);
      if (!told) onPending(err);
      told = true;
      throw err;
    }
    current = true;
  };
}

/**
 * Applies pending migrations. Several processes may start at once: a transaction-scoped advisory lock
 * makes the others wait for the first, then find nothing to do.
 */
export async function migrate(orm: MikroORM): Promise<string[]> {
  if ((await pendingMigrations(orm)).length === 0) return [];
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
