import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jwtKeyId, parseJwtKeyring } from './tokens';

/** The key files in a secrets directory: `npm start`'s `.data/secrets`, or an overlay's `secrets/`. */
export const JWT_KEY_FILES = {
  /** The signing key (PEM, PKCS#8): the gateway's JWT_PRIVATE_KEY_FILE. */
  signing: 'jwt-es256.pem',
  /** The verifiers' keyring (PEM public keys): JWT_PUBLIC_KEY_FILE of the gateway and realtime. */
  keyring: 'jwt-es256.pub.pem',
  /** A key published in the keyring but not yet signing with (`--stage`). */
  staged: 'jwt-es256.next.pem',
} as const;

/** What a rotation did, by key id only: never key material. */
export interface JwtRotation {
  /** The key tokens are signed with from now on (after a stage: still the current one). */
  signing: string;
  /** Every key the keyring now holds. */
  keyring: string[];
  /** Set by `stage`: the key published for a later rotation. */
  staged?: string;
  /** Keys no longer in the keyring. */
  dropped: string[];
}

function writeSecret(path: string, content: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, path);
}

function newKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function publicPem(privatePem: string): string {
  return createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Rotates the access-token signing key in `dir` (`npm run rotate-jwt-key`). Without `stage`: signs from
 * now on with the staged key (or a new one), and the keyring holds it and the key it replaces, so tokens
 * signed before still verify until they expire (15 minutes); older keys leave the keyring. With `stage`:
 * only publishes a new key in the keyring, for deployments whose verifiers must all know a key before the
 * gateway signs with it; the next run without `stage` then signs with it.
 */
export function rotateJwtKeyFiles(dir: string, opts: { stage?: boolean } = {}): JwtRotation {
  const path = (name: keyof typeof JWT_KEY_FILES) => join(dir, JWT_KEY_FILES[name]);
  if (!existsSync(path('signing'))) throw new Error(`no signing key at ${path('signing')}`);
  const current = readFileSync(path('signing'), 'utf8');
  const currentKid = jwtKeyId(current);
  const before = existsSync(path('keyring'))
    ? [...parseJwtKeyring(readFileSync(path('keyring'), 'utf8')).keys()]
    : [];
  const ringPem = (keys: string[]) => keys.map(publicPem).join('');

  if (opts.stage) {
    if (existsSync(path('staged'))) {
      const kid = jwtKeyId(readFileSync(path('staged'), 'utf8'));
      throw new Error(`key ${kid} is already staged: run without --stage to sign with it`);
    }
    const next = newKeyPem();
    const bundle = existsSync(path('keyring')) ? readFileSync(path('keyring'), 'utf8') : publicPem(current);
    writeSecret(path('staged'), next);
    writeSecret(path('keyring'), `${bundle.trimEnd()}\n${publicPem(next)}`);
    const keyring = [...parseJwtKeyring(readFileSync(path('keyring'), 'utf8')).keys()];
    return { signing: currentKid, keyring, staged: jwtKeyId(next), dropped: [] };
  }

  const next = existsSync(path('staged')) ? readFileSync(path('staged'), 'utf8') : newKeyPem();
  // The keyring first (a verifier reading both files meanwhile knows the new key), then the signing key.
  writeSecret(path('keyring'), ringPem([next, current]));
  writeSecret(path('signing'), next);
  rmSync(path('staged'), { force: true });
  const keyring = [jwtKeyId(next), currentKid];
  return { signing: jwtKeyId(next), keyring, dropped: before.filter((kid) => !keyring.includes(kid)) };
}
