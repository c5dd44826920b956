import { createPrivateKey, createPublicKey, type KeyObject, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';

/** The one algorithm access tokens are signed and verified with: pinned, never taken from the token. */
export const JWT_ALGORITHM = 'ES256' as const;
/** Access tokens live 15 minutes. */
export const ACCESS_TOKEN_TTL_S = 15 * 60;

/** Key material and the claims every token must carry. */
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

/** Signs a 15-minute access token for `userId` with the pinned algorithm and a purpose claim. */
export function signAccessToken(cfg: TokenConfig, userId: string): { token: string; expiresIn: number } {
  if (!cfg.privateKey) throw new Error('signAccessToken needs a private key');
  const token = jwt.sign({ purpose: 'access' }, keyObject(cfg.privateKey, 'private'), {
    algorithm: JWT_ALGORITHM,
    subject: userId,
    issuer: cfg.issuer,
    audience: cfg.audience,
    expiresIn: ACCESS_TOKEN_TTL_S,
    jwtid: randomUUID(),
  });
  return { token, expiresIn: ACCESS_TOKEN_TTL_S };
}

/**
 * Verifies an access token: ES256 only (so `alg: none` and HS/RS confusion fail), issuer, audience,
 * expiry, and the `access` purpose (so no other token kind passes as one).
 */
export function verifyAccessToken(cfg: TokenConfig, token: string): AccessClaims {
  let decoded: unknown;
  try {
    decoded = jwt.verify(token, keyObject(cfg.publicKey, 'public'), {
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
