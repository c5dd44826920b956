import { createHash, createPrivateKey, createPublicKey, type KeyObject, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';

/** The one algorithm access tokens are signed and verified with: pinned, never taken from the token. */
export const JWT_ALGORITHM = 'ES256' as const;
/** Access tokens live 15 minutes. */
export const ACCESS_TOKEN_TTL_S = 15 * 60;

/**
 * Key material and the claims every token must carry. `publicKey` is the verifiers' keyring: one PEM
 * public key or several one after another (the current signing key's and the previous one's while a
 * rotation settles), each known by its `kid`, the RFC 7638 thumbprint of the key (see `jwtKeyId`).
 */
export interface TokenConfig {
  privateKey?: string;
  publicKey: string;
  issuer: string;
  audience: string;
}

/** Why a token was refused; every reason maps to 401. */
export class InvalidTokenError extends Error {
  constructor(readonly reason: string) {
    super(`invalid access token: ${reason}`);
    this.name = 'InvalidTokenError';
  }
}

// PEM parsing costs more than an ES256 verification: parse each key once per process.
const parsedKeys = new Map<string, KeyObject>();
function keyObject(pem: string, kind: 'public' | 'private'): KeyObject {
  let key = parsedKeys.get(pem);
  if (!key) {
    key = kind === 'public' ? createPublicKey(pem) : createPrivateKey(pem);
    parsedKeys.set(pem, key);
  }
  return key;
}

/**
 * A key's id: the RFC 7638 JWK thumbprint of its public half (base64url SHA-256 of the canonical JWK),
 * so a key needs no name of its own and every holder of it derives the same id.
 */
export function jwtKeyId(key: KeyObject | string): string {
  const pub =
    typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  const { crv, kty, x, y } = pub.export({ format: 'jwk' });
  return createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
}

const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

/** The public keys of a keyring (one or several PEM keys), by key id; throws on a key that does not parse. */
export function parseJwtKeyring(bundle: string): Map<string, KeyObject> {
  const ring = new Map<string, KeyObject>();
  for (const pem of bundle.match(PEM_BLOCK) ?? []) {
    const key = keyObject(pem, 'public');
    ring.set(jwtKeyId(key), key);
  }
  if (ring.size === 0) throw new Error('no PEM public key (-----BEGIN PUBLIC KEY-----) in the keyring');
  return ring;
}

/**
 * Why a keyring (and the signing key, when given) cannot be used, for start-up checks; undefined when
 * it can. The keyring must hold the signing key's public half, or no verifier would accept our tokens.
 */
export function jwtKeyringProblem(bundle: string, privatePem?: string): string | undefined {
  let ring: Map<string, KeyObject>;
  try {
    ring = parseJwtKeyring(bundle);
  } catch (err) {
    return `not a keyring of PEM public keys: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (privatePem === undefined) return undefined;
  let kid: string;
  try {
    kid = jwtKeyId(keyObject(privatePem, 'private'));
  } catch {
    return 'the private key does not parse (JWT_PRIVATE_KEY: a PEM EC P-256 key)';
  }
  return ring.has(kid) ? undefined : `does not hold the public key of the signing key (kid ${kid})`;
}

const parsedRings = new Map<string, Map<string, KeyObject>>();
function keyring(bundle: string): Map<string, KeyObject> {
  let ring = parsedRings.get(bundle);
  if (!ring) {
    ring = parseJwtKeyring(bundle);
    parsedRings.set(bundle, ring);
  }
  return ring;
}

const signingKids = new Map<string, string>();
function signingKid(privatePem: string): string {
  let kid = signingKids.get(privatePem);
  if (!kid) {
    kid = jwtKeyId(keyObject(privatePem, 'private'));
    signingKids.set(privatePem, kid);
  }
  return kid;
}

const accessClaims = z.object({
  sub: z.uuid(),
  purpose: z.literal('access'),
  jti: z.string(),
  iat: z.number(),
  exp: z.number(),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
});

/** The verified claims of an access token. */
export type AccessClaims = z.infer<typeof accessClaims>;

/** Signs a 15-minute access token for `userId` with the pinned algorithm, a purpose claim and the key's `kid`. */
export function signAccessToken(cfg: TokenConfig, userId: string): { token: string; expiresIn: number } {
  if (!cfg.privateKey) throw new Error('signAccessToken needs a private key');
  const token = jwt.sign({ purpose: 'access' }, keyObject(cfg.privateKey, 'private'), {
    algorithm: JWT_ALGORITHM,
    keyid: signingKid(cfg.privateKey),
    subject: userId,
    issuer: cfg.issuer,
    audience: cfg.audience,
    expiresIn: ACCESS_TOKEN_TTL_S,
    jwtid: randomUUID(),
  });
  return { token, expiresIn: ACCESS_TOKEN_TTL_S };
}

/**
 * Verifies an access token: the key its `kid` names in the keyring (an unknown kid fails; a token
 * without one, from before kids, only against a keyring of one key), ES256 only (so `alg: none` and
 * HS/RS confusion fail), issuer, audience, expiry, and the `access` purpose (so no other token kind
 * passes as one).
 */
export function verifyAccessToken(cfg: TokenConfig, token: string): AccessClaims {
  const ring = keyring(cfg.publicKey);
  const header = jwt.decode(token, { complete: true })?.header;
  if (!header) throw new InvalidTokenError('malformed');
  const key =
    header.kid === undefined ? (ring.size === 1 ? [...ring.values()][0] : undefined) : ring.get(header.kid);
  if (!key) throw new InvalidTokenError(header.kid === undefined ? 'no key id' : 'unknown key id');
  let decoded: unknown;
  try {
    decoded = jwt.verify(token, key, {
      algorithms: [JWT_ALGORITHM],
      issuer: cfg.issuer,
      audience: cfg.audience,
      clockTolerance: 5,
    });
  } catch (err) {
    throw new InvalidTokenError(err instanceof Error ? err.message : 'unverifiable');
  }
  const claims = accessClaims.safeParse(decoded);
  if (!claims.success) throw new InvalidTokenError('unexpected claims');
  return claims.data;
}

/** Reads `Authorization: Bearer <token>`; undefined when absent or of another scheme. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
