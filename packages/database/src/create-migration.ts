import { join } from 'node:path';
import { initOrm, migrator as loadMigrator, ormConfig } from './orm';

/** Writes a migration for the difference between the entities and the database (`npm run migration:create -w packages/database`). */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgres://vibetribe:vibetribe@127.0.0.1:5432/vibetribe';
  // Run from dist/, but write the TypeScript migration into src/ where it is committed.
  const migrations = { ...ormConfig(url).migrations, path: join(__dirname, '..', 'src', 'migrations') };
  const orm = await initOrm(url, { migrations });
  try {
    const migrator = loadMigrator(orm);
    const pending = await migrator.getPendingMigrations();
    if (pending.length > 0) await migrator.up();
    const result = await migrator.createMigration(
      undefined,
      false,
      pending.length === 0 && (await migrator.getExecutedMigrations()).length === 0,
    );
    console.log(result.fileName ? `created ${result.fileName}` : 'no changes');
  } finally {
    await orm.close();
  }
}

void main();
