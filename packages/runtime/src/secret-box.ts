import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts secrets at rest (platform tokens) with AES-256-GCM under a keyring. The ciphertext names
 * its key, so a key can be rotated in while the previous one still decrypts; `context` (for a token,
 * {@link tokenContext}) is bound in as associated data, so a ciphertext copied onto another row does
 * not decrypt there.
 */
export interface SecretBox {
  /** Encrypts under the current key. */
  encrypt(plaintext: string, context?: string): string;
  /** Decrypts with whichever key of the ring the ciphertext names; the context must be the encryption's. */
  decrypt(ciphertext: string, context?: string): string;
  /** The id new ciphertexts carry. */
  readonly currentKeyId: string;
  /** Whether a ciphertext is not yet under the current key in the current format (rotation rewrites it). */
  isStale(ciphertext: string): boolean;
}

/** One key of a ring. */
export interface RingKey {
  id: string;
  key: Buffer;
}

/** The associated data of an account's tokens: the organization and the account they belong to. */
export const tokenContext = (orgId: string, accountId: string): string =>
  `social_account:${orgId}:${accountId}`;

const decodeKey = (base64: string, name: string): Buffer => {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error(`${name}: the encryption key must be 32 bytes, base64-encoded`);
  return key;
};

/** The id a single `ENCRYPTION_KEY` gets: derived from the key, so it is stable and names no secret. */
export const deriveKeyId = (key: Buffer): string =>
  `k${createHash('sha256').update('vibetribe-key-id').update(key).digest('hex').slice(0, 10)}`;

/**
 * The ring from the environment: `ENCRYPTION_KEYS=kid1:base64,kid2:base64` (the first encrypts, all
 * decrypt), else `ENCRYPTION_KEY` alone under its derived id. Throws naming the bad variable.
 */
export function parseKeyring(source: { ENCRYPTION_KEYS?: string; ENCRYPTION_KEY?: string }): RingKey[] {
  const ring = source.ENCRYPTION_KEYS?.trim();
  if (!ring) {
    if (!source.ENCRYPTION_KEY) throw new Error('ENCRYPTION_KEY or ENCRYPTION_KEYS is required');
    const key = decodeKey(source.ENCRYPTION_KEY, 'ENCRYPTION_KEY');
    return [{ id: deriveKeyId(key), key }];
  }
  const keys = ring.split(',').map((entry) => {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at).trim();
    if (at < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(id))
      throw new Error('ENCRYPTION_KEYS: each entry is <key id>:<base64 key>, the id of [A-Za-z0-9_-]');
    return { id, key: decodeKey(entry.slice(at + 1).trim(), `ENCRYPTION_KEYS (${id})`) };
  });
  if (new Set(keys.map((k) => k.id)).size !== keys.length)
    throw new Error('ENCRYPTION_KEYS: a key id repeats');
  return keys;
}

const b64 = (b: Buffer) => b.toString('base64url');

/**
 * A box over `keys` (the first is current). Ciphertext: `v2.<keyId>.<iv>.<tag>.<data>` (base64url
 * parts), the associated data being `v2.<keyId>` and the context. The `v1.<keyId>.…` format of before
 * the keyring (associated data: the key id only, no context) still decrypts, with any key of the ring;
 * `npm run rotate-keys` rewrites it.
 */
export function createKeyringBox(keys: readonly RingKey[]): SecretBox {
  const current = keys[0];
  if (!current) throw new Error('the keyring is empty');
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const aad = (kid: string, context: string | undefined) => Buffer.from(`v2.${kid}\n${context ?? ''}`);
  const open = (key: Buffer, iv: string, tag: string, data: string, ad: Buffer): string => {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(ad);
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  };
  // Never the ciphertext or the key in a message: only which key id was missing.
  const refuse = (why: string) => new Error(`cannot decrypt the secret: ${why}`);
  return {
    currentKeyId: current.id,
    encrypt(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(aad(current.id, context));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v2', current.id, b64(iv), b64(cipher.getAuthTag()), b64(data)].join('.');
    },
    decrypt(ciphertext, context) {
      const [version, kid = '', iv, tag, data] = ciphertext.split('.');
      if (!iv || !tag || data === undefined) throw refuse('not a ciphertext');
      if (version === 'v1') {
        for (const { key } of keys) {
          try {
            return open(key, iv, tag, data, Buffer.from(kid));
          } catch {
            // another key of the ring, or none
          }
        }
        throw refuse('no key of the ring opens this legacy (v1) ciphertext');
      }
      const key = version === 'v2' ? byId.get(kid) : undefined;
      if (!key) throw refuse(`key id ${JSON.stringify(kid.slice(0, 32))} is not in the keyring`);
      try {
        return open(key, iv, tag, data, aad(kid, context));
      } catch {
        throw refuse('authentication failed (another key, another row, or tampered)');
      }
    },
    isStale: (ciphertext) => !ciphertext.startsWith(`v2.${current.id}.`),
  };
}

/** A box with one base64 32-byte key (its id derived unless given). */
export function createSecretBox(keyBase64: string, keyId?: string): SecretBox {
  const key = decodeKey(keyBase64, 'ENCRYPTION_KEY');
  return createKeyringBox([{ id: keyId ?? deriveKeyId(key), key }]);
}

/** The box the services use: the ring from `ENCRYPTION_KEYS`, else `ENCRYPTION_KEY` (see {@link parseKeyring}). */
export const secretBoxFromEnv = (source: NodeJS.ProcessEnv = process.env): SecretBox =>
  createKeyringBox(parseKeyring(source));
