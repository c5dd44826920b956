import { initOrm, migrate } from './orm';

/**
 * `npm run migrate`: applies this build's pending migrations, the one step that runs before a new
 * version starts (`npm start` and `npm test` run it; in Kubernetes, the vibetribe-migrate Job; in
 * docker compose, the `migrate` service). Services never migrate: they stay unready until it has run.
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgres://vibetribe:vibetribe@127.0.0.1:5432/vibetribe';
  const orm = await initOrm(url, { pool: { min: 0, max: 2 } });
  try {
    const applied = await migrate(orm);
    console.log(
      applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'schema up to date',
    );
  } finally {
    await orm.close();
  }
}

main().catch((err: unknown) => {
  console.error(`migrate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
