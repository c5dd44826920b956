import { badRequest, notFoundError } from './x-problems';
import { type XReply, type XRequestContext } from './x-route';
import { type StoredTweet, type XState } from './x-state';

function requestedFields(url: URL): Set<string> {
  return new Set((url.searchParams.get('tweet.fields') ?? '').split(',').filter(Boolean));
}

/** A post with the default fields plus those `tweet.fields` asked for. */
function renderTweet(state: XState, tweet: StoredTweet, fields: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] };
  if (fields.has('author_id')) out.author_id = tweet.userId;
  if (fields.has('created_at')) out.created_at = new Date(tweet.receivedAtMs).toISOString();
  if (fields.has('public_metrics')) out.public_metrics = { ...tweet.metrics };
  if (fields.has('attachments') && tweet.mediaIds.length > 0) {
    out.attachments = { media_keys: tweet.mediaIds.map((id) => state.media.get(id)?.mediaKey ?? id) };
  }
  return out;
}

function parseTime(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw badRequest(`${name} must be an ISO 8601 timestamp (YYYY-MM-DDTHH:mm:ssZ).`);
  return ms;
}

/** `GET /2/tweets/:id`; an unknown id is 200 with `errors`, as on X. */
export function getTweet(ctx: XRequestContext): XReply {
  const id = ctx.params[0] ?? '';
  const tweet = ctx.state.tweets.get(id);
  if (!tweet) return { status: 200, body: { errors: [notFoundError('tweet', id)] } };
  return { status: 200, body: { data: renderTweet(ctx.state, tweet, requestedFields(ctx.url)) } };
}

/** `GET /2/users/me`. */
export function getMe(ctx: XRequestContext): XReply {
  const { userId, username, name } = ctx.user;
  return { status: 200, body: { data: { id: userId, name: name ?? username, username } } };
}

// The token is the timeline index to continue from; opaque to clients, like X's.
const encodeToken = (index: number) => Buffer.from(`p${index}`).toString('base64url');
function decodeToken(token: string): number {
  const index = Number(Buffer.from(token, 'base64url').toString().slice(1));
  if (!Number.isInteger(index) || index < 0) throw badRequest('pagination_token is invalid.');
  return index;
}

/** `GET /2/users/:id/tweets`: newest first, `start_time`/`end_time`, 5–100 per page, `next_token`. */
export function getUserTweets(ctx: XRequestContext): XReply {
  const { url, state } = ctx;
  const userId = ctx.params[0] ?? '';
  if (!state.accountsById.has(userId))
    return { status: 200, body: { errors: [notFoundError('user', userId)] } };
  const maxResults = Number(url.searchParams.get('max_results') ?? '10');
  if (!Number.isInteger(maxResults) || maxResults < 5 || maxResults > 100) {
    throw badRequest('max_results must be an integer from 5 to 100.');
  }
  const start = parseTime(url, 'start_time') ?? -Infinity;
  const end = parseTime(url, 'end_time') ?? Infinity;
  const timeline = state.timelines.get(userId) ?? [];
  const token = url.searchParams.get('pagination_token');
  let index = token === null ? timeline.length - 1 : decodeToken(token);
  // Skip posts newer than end_time, then collect while inside start_time.
  while (index >= 0 && (timeline[index]?.receivedAtMs ?? 0) >= end) index--;
  const page: StoredTweet[] = [];
  for (; index >= 0 && page.length < maxResults; index--) {
    const tweet = timeline[index];
    if (!tweet || tweet.receivedAtMs < start) break;
    page.push(tweet);
  }
  const more = index >= 0 && (timeline[index]?.receivedAtMs ?? -Infinity) >= start;
  const fields = requestedFields(url);
  const meta: Record<string, unknown> = { result_count: page.length };
  if (page.length > 0) {
    meta.newest_id = page[0]?.id;
    meta.oldest_id = page[page.length - 1]?.id;
  }
  if (more && page.length > 0) meta.next_token = encodeToken(index);
  const data = page.map((t) => renderTweet(state, t, fields));
  return { status: 200, body: page.length > 0 ? { data, meta } : { meta } };
}
