import { Membership } from '@vibetribe/database';
import type { AppContext } from '../context';
import { unprocessable, validationFailed } from '../errors';
import { assertRole, requireRole } from './access';
import { z } from './zod';

/** 422 when a request must name its organization and did not. */
export const organizationRequired = () =>
  unprocessable(
    'organization-required',
    'You belong to several organizations (or none): send X-Organization-Id.',
  );

/** The organization a request names in its X-Organization-Id header (validated), or null. */
export function namedOrg(ctx: AppContext): string | null {
  const header = ctx.get('X-Organization-Id');
  if (!header) return null;
  if (!z.uuid().safeParse(header).success)
    throw validationFailed([{ path: 'headers.x-organization-id', message: 'must be a UUID' }]);
  return header.toLowerCase();
}

/**
 * The organization a collection request acts in: the header's (a foreign one is 404), or the caller's
 * only organization; at least `min` role.
 */
export async function actingOrg(ctx: AppContext, min: 'viewer' | 'editor'): Promise<Membership> {
  const header = namedOrg(ctx);
  const userId = ctx.state.user!.id;
  if (header) return requireRole(ctx.state.em, userId, header, min);
  const memberships = await ctx.state.em.find(
    Membership,
    { user: userId },
    { limit: 2, populate: ['organization'] },
  );
  if (memberships.length !== 1) throw organizationRequired();
  return assertRole(memberships[0]!, min);
}
