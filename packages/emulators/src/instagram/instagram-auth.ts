import { type KitContext, type KitReply } from '../kit/kit-route';
import { graphError } from '../graph/graph-problems';
import { graphCodeExchange } from '../graph/graph-token';

const LONG_LIVED_S = 60 * 24 * 3600;

/** `POST /oauth/access_token` (api.instagram.com): a short-lived (1 h) token and the user id. */
export async function accessToken(ctx: KitContext): Promise<KitReply> {
  const exchanged = await graphCodeExchange(ctx, 3600);
  return {
    status: 200,
    body: {
      access_token: exchanged.token,
      user_id: exchanged.accountId,
      permissions: 'instagram_business_basic,instagram_business_content_publish',
    },
  };
}

/** `GET /access_token?grant_type=ig_exchange_token` and `GET /refresh_access_token?grant_type=ig_refresh_token`: a 60-day token. */
export function longLived(ctx: KitContext): KitReply {
  const grant = ctx.url.searchParams.get('grant_type');
  const refreshing = ctx.url.pathname.endsWith('/refresh_access_token');
  if (grant !== (refreshing ? 'ig_refresh_token' : 'ig_exchange_token'))
    throw graphError(400, 100, 'Unsupported grant_type');
  if (!refreshing && !ctx.url.searchParams.get('client_secret'))
    throw graphError(400, 100, 'Missing client_secret');
  if (refreshing) ctx.state.stats.tokenRefreshes++;
  const token = ctx.state.issueToken(ctx.token.accountId, LONG_LIVED_S);
  return { status: 200, body: { access_token: token.token, token_type: 'bearer', expires_in: LONG_LIVED_S } };
}

/** `GET /me?fields=user_id,username,account_type`. */
export function me(ctx: KitContext): KitReply {
  const user = ctx.state.accounts.get(ctx.token.accountId);
  const type = { business: 'BUSINESS', creator: 'MEDIA_CREATOR' }[user?.type ?? ''] ?? 'PERSONAL';
  return { status: 200, body: { id: user?.id, user_id: user?.id, username: user?.name, account_type: type } };
}

/** The business account a token acts as, or a Graph permission error. */
export function requireUser(ctx: KitContext, userId: string): void {
  if (ctx.token.accountId !== userId)
    throw graphError(403, 10, '(#10) Application does not have permission for this action');
  const user = ctx.state.accounts.get(userId);
  if (user?.type !== 'business' && user?.type !== 'creator')
    throw graphError(400, 10, '(#10) The user is not an Instagram Business Account');
}
