import { type EntityManager, Membership, type Role, ROLES } from '@vibetribe/database';
import { forbidden, notFound } from '../errors';

const rank = (role: Role) => ROLES.length - ROLES.indexOf(role);

/** True when `role` is at least `min` (owner > admin > editor > viewer). */
export const roleAtLeast = (role: Role, min: Role) => rank(role) >= rank(min);

/**
 * The caller's membership of `orgId`, required to be at least `min`. A non-member gets 404 (the
 * organization's existence is not revealed); a member with too weak a role gets 403.
 */
export async function requireRole(
  em: EntityManager,
  userId: string,
  orgId: string,
  min: Role,
  what = 'Organization',
): Promise<Membership> {
  const membership = await em.findOne(
    Membership,
    { user: userId, organization: orgId },
    { populate: ['organization'] },
  );
  if (!membership) throw notFound(what);
  return assertRole(membership, min);
}

/** Checks an already loaded membership's role; 403 when too weak. */
export function assertRole(membership: Membership, min: Role): Membership {
  assertRoleAtLeast(membership.role, min);
  return membership;
}

/** 403 unless `role` is at least `min`. */
export function assertRoleAtLeast(role: Role, min: Role): void {
  if (!roleAtLeast(role, min)) throw forbidden(`This needs the ${min} role or above; you are ${role}.`);
}
