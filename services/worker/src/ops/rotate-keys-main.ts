import { initOrm } from '@vibetribe/database';
import { secretBoxFromEnv } from '@vibetribe/runtime';
import { rotateStoredSecrets } from './rotate-keys';

/**
 * `npm run rotate-keys`: with `ENCRYPTION_KEYS=<new id>:<new key>,<old id>:<old key>` (the first is
 * current), re-encrypts every stored token under the new key; then the old entry can be dropped.
 * Prints counts and key ids only, never a token or a key.
 */
async function main(): Promise<void> {
  const box = secretBoxFromEnv();
  const orm = await initOrm(process.env.DATABASE_URL ?? '');
  try {
    const report = await rotateStoredSecrets(orm.em.fork(), box);
    console.log(
      `re-encrypted the tokens of ${report.rotated} of ${report.total} accounts under key ${report.keyId}`,
    );
  } finally {
    await orm.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
