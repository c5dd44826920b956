import { randomBytes } from 'node:crypto';
import { createKeyringBox, createSecretBox, deriveKeyId, parseKeyring, secretBoxFromEnv } from './secret-box';

const k1 = randomBytes(32);
const k2 = randomBytes(32);

describe('SecretBox keyring', () => {
  it('names the key in the ciphertext; current and previous keys decrypt, others are refused without leaking', () => {
    const previous = createKeyringBox([{ id: 'a', key: k1 }]);
    const ring = createKeyringBox([
      { id: 'b', key: k2 },
      { id: 'a', key: k1 },
    ]);
    const old = previous.encrypt('secret-token', 'ctx');
    expect(old).toMatch(/^v2\.a\./);
    expect(old).not.toContain('secret-token');
    expect(ring.decrypt(old, 'ctx')).toBe('secret-token');
    expect(ring.isStale(old)).toBe(true);
    const fresh = ring.encrypt('secret-token', 'ctx');
    expect(fresh).toMatch(/^v2\.b\./);
    expect(ring.isStale(fresh)).toBe(false);
    let message = '';
    try {
      previous.decrypt(fresh, 'ctx');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/key id "b" is not in the keyring/);
    expect(message).not.toContain(fresh.split('.')[4]);
  });

  it('binds the context: another account or organization does not decrypt; tampering is refused', () => {
    const box = createSecretBox(k1.toString('base64'));
    const c = box.encrypt('tok', 'social_account:o1:a1');
    expect(() => box.decrypt(c, 'social_account:o1:a2')).toThrow(/authentication failed/);
    expect(() => box.decrypt(c)).toThrow(/authentication failed/);
    const parts = c.split('.');
    parts[4] = Buffer.from('x').toString('base64url');
    expect(() => box.decrypt(parts.join('.'), 'social_account:o1:a1')).toThrow(/authentication failed/);
  });

  it('reads ENCRYPTION_KEYS (first current) or ENCRYPTION_KEY under a derived id, naming bad entries', () => {
    const single = secretBoxFromEnv({ ENCRYPTION_KEY: k1.toString('base64') });
    expect(single.currentKeyId).toBe(deriveKeyId(k1));
    expect(single.currentKeyId).not.toContain(k1.toString('base64').slice(0, 8));
    // Rotating away from a single key: the old one stays in the ring under its derived id.
    const keys = parseKeyring({
      ENCRYPTION_KEYS: `new:${k2.toString('base64')}, ${deriveKeyId(k1)}:${k1.toString('base64')}`,
    });
    expect(keys.map((k) => k.id)).toEqual(['new', deriveKeyId(k1)]);
    expect(createKeyringBox(keys).decrypt(single.encrypt('t', 'c'), 'c')).toBe('t');
    expect(() => parseKeyring({ ENCRYPTION_KEYS: 'x:c2hvcnQ=' })).toThrow(/ENCRYPTION_KEYS \(x\).*32 bytes/);
    expect(() => parseKeyring({ ENCRYPTION_KEYS: `${k1.toString('base64')}` })).toThrow(
      /<key id>:<base64 key>/,
    );
    expect(() => parseKeyring({})).toThrow(/ENCRYPTION_KEY or ENCRYPTION_KEYS/);
  });
});
