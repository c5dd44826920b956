import { readFields, textField } from '../kit/kit-fields';
import { type KitContext, type KitReply } from '../kit/kit-route';
import { graphError } from '../graph/graph-problems';
import { graphCodeExchange } from '../graph/graph-token';

const LONG_LIVED_S = 60 * 24 * 3600;

/**
 * `GET /oauth/access_token`: the code exchange (a short-lived user token, 2 h) or, with
 * `grant_type=fb_exchange_token`, a long-lived one (about 60 days).
 */
export async function accessToken(ctx: KitContext): Promise<KitReply> {
  const q = ctx.url.searchParams;
  if (q.get('grant_type') === 'fb_exchange_token') {
    const fields = await readFields(ctx);
    const found = ctx.state.validToken(textField(fields, 'fb_exchange_token'));
    if (!found || found === 'expired') throw graphError(400, 190, 'Error validating access token.');
    const long = ctx.state.issueToken(found.accountId, LONG_LIVED_S);
    return {
      status: 200,
      body: { access_token: long.token, token_type: 'bearer', expires_in: LONG_LIVED_S },
    };
  }
  const exchanged = await graphCodeExchange(ctx, 2 * 3600);
  return {
    status: 200,
    body: { access_token: exchanged.token, token_type: 'bearer', expires_in: exchanged.expiresIn },
  };
}

/** `GET /me`. */
export function me(ctx: KitContext): KitReply {
  const user = ctx.state.accounts.get(ctx.token.accountId);
  return { status: 200, body: { id: user?.id, name: user?.name } };
}

/** `GET /me/accounts`: the user's pages, each with a page token that does not expire. */
export function myPages(ctx: KitContext): KitReply {
  const data = [...ctx.state.accounts.values()]
    .filter((a) => a.type === 'page' && a.ownerId === ctx.token.accountId)
    .map((page) => ({
      id: page.id,
      name: page.name,
      category: 'Brand',
      access_token: ctx.state.issueToken(page.id).token,
      tasks: ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'],
    }));
  return { status: 200, body: { data, paging: { cursors: { before: 'b', after: 'a' } } } };
}

/** The page a page token acts as, or a Graph permission error. */
export function requirePage(ctx: KitContext, pageId: string): void {
  const page = ctx.state.accounts.get(pageId);
  if (!page || page.type !== 'page')
    throw graphError(404, 803, `(#803) Some of the aliases you requested do not exist: ${pageId}`);
  if (ctx.token.accountId !== pageId) {
    throw graphError(
      403,
      200,
      '(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission',
    );
  }
}
