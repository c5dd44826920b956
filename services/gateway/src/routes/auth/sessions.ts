import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type EntityManager, RefreshToken, User } from '@vibetribe/database';
import { signAccessToken, type TokenConfig } from '@vibetribe/runtime';
import { invalidRefreshToken } from '../../errors';
import { presentUser } from './presenters';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Issues an access token and a new refresh token (in `familyId`, or a new family). */
export async function issueSession(
  em: EntityManager,
  tokens: TokenConfig,
  user: User,
  ttlDays: number,
  familyId: string = randomUUID(),
) {
  const refresh = randomBytes(32).toString('base64url');
  em.persist(
    new RefreshToken(user, familyId, hashToken(refresh), new Date(Date.now() + ttlDays * 86_400_000)),
  );
  await em.flush();
  const access = signAccessToken(tokens, user.id);
  return {
    token_type: 'Bearer' as const,
    access_token: access.token,
    expires_in: access.expiresIn,
    refresh_token: refresh,
    user: presentUser(user),
  };
}

/**
 * Rotates a refresh token. A token presented twice means it leaked: its whole family is revoked and
 * both holders must sign in again.
 */
export async function rotateSession(
  em: EntityManager,
  tokens: TokenConfig,
  presented: string,
  ttlDays: number,
) {
  const row = await em.findOne(RefreshToken, { tokenHash: hashToken(presented) }, { populate: ['user'] });
  if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) throw invalidRefreshToken();
  // Claim the token atomically: of two concurrent uses, exactly one wins.
  const claimed = await em.nativeUpdate(RefreshToken, { id: row.id, usedAt: null }, { usedAt: new Date() });
  if (claimed === 0) {
    await revokeFamily(em, row.familyId);
    throw invalidRefreshToken();
  }
  return issueSession(em, tokens, row.user, ttlDays, row.familyId);
}

/** Revokes every token of the family `presented` belongs to (logout). Unknown tokens are ignored. */
export async function revokeSession(em: EntityManager, presented: string): Promise<void> {
  const row = await em.findOne(RefreshToken, { tokenHash: hashToken(presented) });
  if (row) await revokeFamily(em, row.familyId);
}

async function revokeFamily(em: EntityManager, familyId: string): Promise<void> {
  await em.nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: new Date() });
}

export { User };
