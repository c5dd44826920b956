import { type FormValue, type HttpProblem, parseFields, readBody } from '../http/io';
import { type KitContext } from './kit-route';
import { type KitPost } from './kit-types';

/** The body's fields (JSON, url-encoded or multipart) merged over the query string's. */
export async function readFields(
  ctx: KitContext,
  maxBytes = 64 * 1024 * 1024,
): Promise<Map<string, FormValue>> {
  const body = await readBody(ctx.req, maxBytes);
  const fields = new Map<string, FormValue>(ctx.url.searchParams.entries());
  const bad = (message: string) => ctx.platform.problem(400, 'bad_request', message);
  for (const [key, value] of await parseFields(body, ctx.req.headers['content-type'], bad))
    fields.set(key, value);
  return fields;
}

/** A text field, or undefined. */
export const textField = (fields: Map<string, FormValue>, name: string): string | undefined => {
  const value = fields.get(name);
  return typeof value === 'string' ? value : undefined;
};

/** Counts a create in the account's window, refusing with the platform's 429 once it is spent. */
export function consumePost(ctx: KitContext, accountId: string): void {
  const window = ctx.state.consumePost(accountId, Date.now());
  if (window.allowed) return;
  const problem: HttpProblem = ctx.platform.problem(429, 'quota_exhausted');
  Object.assign(
    problem.headers,
    ctx.platform.rateLimitHeaders(window.resetAtMs, ctx.state.settings.postLimit, 0),
  );
  throw problem;
}

/** An account's posts since `?since=` (epoch seconds), newest first, at most `?limit=` (≤ 100): Graph's list paging. */
export function recentPosts(ctx: KitContext, accountId: string): KitPost[] {
  const since = Number(ctx.url.searchParams.get('since') ?? 0) * 1000;
  const limit = Math.min(Number(ctx.url.searchParams.get('limit') ?? 25), 100);
  return [...ctx.state.posts.values()]
    .filter((p) => p.accountId === accountId && Date.parse(p.receivedAt) >= since)
    .reverse()
    .slice(0, limit);
}
