import { join } from 'node:path';
import { JWT_KEY_FILES, rotateJwtKeyFiles } from './jwt-keys';

/**
 * `npm run rotate-jwt-key -- [--stage] [dir]`: rotates the access-token signing key in `dir` (default
 * `npm start`'s `.data/secrets`; for Kubernetes, an overlay's `secrets/`). Prints key ids only.
 */
function main(): void {
  const args = process.argv.slice(2);
  const stage = args.includes('--stage');
  const rest = args.filter((a) => a !== '--stage');
  if (rest.length > 1 || rest.some((a) => a.startsWith('-'))) {
    throw new Error('usage: npm run rotate-jwt-key -- [--stage] [secrets directory]');
  }
  const dir = rest[0] ?? join(process.env.VT_STATE_DIR ?? '.data', 'secrets');
  const r = rotateJwtKeyFiles(dir, { stage });
  if (r.staged) {
    console.log(
      `staged key ${r.staged} in ${join(dir, JWT_KEY_FILES.keyring)} (still signing with ${r.signing})`,
    );
    console.log(
      'deploy the keyring to the gateway and realtime, then run npm run rotate-jwt-key to sign with it',
    );
    return;
  }
  console.log(`signing with key ${r.signing}; the keyring holds ${r.keyring.join(', ')}`);
  if (r.dropped.length) console.log(`dropped from the keyring: ${r.dropped.join(', ')}`);
  console.log(
    'restart (or redeploy) the gateway and realtime to load the keys; signed-in users stay signed in',
  );
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
