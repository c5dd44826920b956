import { User } from '@vibetribe/database';
import type { AppContext, GatewayDeps } from '../context';
import { forbidden } from '../errors';

/**
 * True when the caller is a system operator: a user whose email is in `OPERATOR_EMAILS`. This is
 * not an organization role: it spans every organization, and only the gateway's configuration
 * grants it (no API call can make someone an operator).
 */
export async function isOperator(ctx: AppContext, deps: Pick<GatewayDeps, 'env'>): Promise<boolean> {
  const operators = deps.env.operatorEmails;
  if (operators.size === 0) return false;
  const user = await ctx.state.em.findOne(User, ctx.state.user!.id, { fields: ['email'] });
  return user !== null && operators.has(user.email.toLowerCase());
}

/** 403 unless the caller is a system operator. */
export async function requireOperator(ctx: AppContext, deps: Pick<GatewayDeps, 'env'>): Promise<void> {
  if (!(await isOperator(ctx, deps)))
    throw forbidden('This needs a system operator (a user named in OPERATOR_EMAILS).');
}
