import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { JWT_KEY_FILES, rotateJwtKeyFiles } from './jwt-keys';
import { jwtKeyId, jwtKeyringProblem, signAccessToken, type TokenConfig, verifyAccessToken } from './tokens';

const claims = { issuer: 'vibetribe', audience: 'vibetribe-api' };
const userId = '7b0f3c1e-2f59-4a57-9a3c-0c9f1f3f2a11';

function pair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
const signer = (k: { privateKey: string; publicKey: string }): TokenConfig => ({ ...claims, ...k });
const verifier = (...keys: { publicKey: string }[]): TokenConfig => ({
  ...claims,
  publicKey: keys.map((k) => k.publicKey).join(''),
});
const refusal = (cfg: TokenConfig, token: string) => {
  try {
    verifyAccessToken(cfg, token);
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
};

describe('access tokens: kid and keyring', () => {
  const previous = pair();
  const current = pair();

  test('a token names its key; verifiers holding the current and previous keys accept both', () => {
    const fresh = signAccessToken(signer(current), userId).token;
    const older = signAccessToken(signer(previous), userId).token;
    expect(jwt.decode(fresh, { complete: true })?.header).toMatchObject({
      alg: 'ES256',
      kid: jwtKeyId(current.publicKey),
    });
    const ring = verifier(current, previous);
    expect(verifyAccessToken(ring, fresh).sub).toBe(userId);
    expect(verifyAccessToken(ring, older).sub).toBe(userId);
  });

  test('an unknown kid is refused, and so is a known kid over another key', () => {
    const stranger = signAccessToken(signer(pair()), userId).token;
    expect(refusal(verifier(current, previous), stranger)).toMatch(/unknown key id/);
    // The kid picks the key; a signature by another key under a known kid still fails.
    const forged = jwt.sign({ purpose: 'access' }, pair().privateKey, {
      algorithm: 'ES256',
      keyid: jwtKeyId(current.publicKey),
      subject: userId,
      expiresIn: 60,
      ...claims,
    });
    expect(refusal(verifier(current), forged)).toMatch(/invalid signature/);
  });

  test('the algorithm is pinned: HS256 keyed with the public key and alg none are refused', () => {
    const kid = jwtKeyId(current.publicKey);
    const hs = jwt.sign(
      { purpose: 'access', sub: userId, iss: claims.issuer, aud: claims.audience },
      current.publicKey,
      {
        algorithm: 'HS256',
        keyid: kid,
        allowInsecureKeySizes: true,
      } as jwt.SignOptions,
    );
    expect(refusal(verifier(current), hs)).toMatch(/invalid algorithm/);
    const none = jwt.sign({ purpose: 'access', sub: userId, iss: claims.issuer, aud: claims.audience }, '', {
      algorithm: 'none',
      keyid: kid,
    });
    expect(refusal(verifier(current), none)).toMatch(/invalid/);
  });

  test('a token from before kids verifies against a single key only', () => {
    const legacy = jwt.sign({ purpose: 'access' }, current.privateKey, {
      algorithm: 'ES256',
      subject: userId,
      jwtid: 'j1',
      expiresIn: 60,
      ...claims,
    });
    expect(verifyAccessToken(verifier(current), legacy).sub).toBe(userId);
    expect(refusal(verifier(current, previous), legacy)).toMatch(/no key id/);
  });

  test('start-up checks: the keyring must parse and hold the signing key', () => {
    expect(jwtKeyringProblem(verifier(current, previous).publicKey, current.privateKey)).toBeUndefined();
    expect(jwtKeyringProblem(previous.publicKey, current.privateKey)).toMatch(/does not hold the public key/);
    expect(jwtKeyringProblem('not a key')).toMatch(/no PEM public key/);
  });
});

describe('rotating the signing key (npm run rotate-jwt-key)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vt-jwt-'));
    chmodSync(dir, 0o700);
    const first = pair();
    writeFileSync(join(dir, JWT_KEY_FILES.signing), first.privateKey);
    writeFileSync(join(dir, JWT_KEY_FILES.keyring), first.publicKey);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = (): TokenConfig => ({
    ...claims,
    privateKey: readFileSync(join(dir, JWT_KEY_FILES.signing), 'utf8'),
    publicKey: readFileSync(join(dir, JWT_KEY_FILES.keyring), 'utf8'),
  });

  test('tokens signed before a rotation still verify; two rotations later they do not', () => {
    const before = signAccessToken(load(), userId).token;
    const original = jwtKeyId(load().privateKey!);
    const first = rotateJwtKeyFiles(dir);
    expect(first.keyring).toEqual([first.signing, original]);
    expect(first.signing).not.toBe(original);
    expect(verifyAccessToken(load(), before).sub).toBe(userId); // nobody is logged out
    const after = signAccessToken(load(), userId).token;
    expect(jwt.decode(after, { complete: true })?.header.kid).toBe(first.signing);
    expect(jwtKeyringProblem(load().publicKey, load().privateKey)).toBeUndefined();
    expect(statSync(join(dir, JWT_KEY_FILES.signing)).mode & 0o077).toBe(0);

    const second = rotateJwtKeyFiles(dir);
    expect(second.dropped).toHaveLength(1);
    expect(refusal(load(), before)).toMatch(/unknown key id/);
    expect(verifyAccessToken(load(), after).sub).toBe(userId);
  });

  test('--stage publishes a key without signing with it; the next rotation signs with that key', () => {
    const before = signAccessToken(load(), userId).token;
    const staged = rotateJwtKeyFiles(dir, { stage: true });
    expect(staged.keyring).toHaveLength(2);
    expect(jwt.decode(signAccessToken(load(), userId).token, { complete: true })?.header.kid).toBe(
      staged.signing,
    );
    expect(() => rotateJwtKeyFiles(dir, { stage: true })).toThrow(/already staged/);
    const promoted = rotateJwtKeyFiles(dir);
    expect(promoted.signing).toBe(staged.staged);
    expect(verifyAccessToken(load(), before).sub).toBe(userId);
  });

  test('the command prints key ids, never key material', () => {
    const main = join(__dirname, '..', 'dist', 'rotate-jwt-key-main.js');
    const out = execFileSync(process.execPath, [main, dir], { encoding: 'utf8' });
    expect(out).toMatch(/^signing with key [\w-]{43}; the keyring holds [\w-]{43}, [\w-]{43}/);
    expect(out).not.toMatch(/BEGIN|PRIVATE/);
    const missing = spawnSync(process.execPath, [main, join(dir, 'nowhere')], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no signing key/);
  });
});
