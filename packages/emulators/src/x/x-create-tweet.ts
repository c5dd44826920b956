import { parseTweet } from 'twitter-text';
import { HttpProblem, parseJson, readBody } from '../http/io';
import { mediaState } from './x-media-state';
import { badRequest, duplicateContent, statusProblem } from './x-problems';
import { type XReply, type XRequestContext } from './x-route';

interface CreateBody {
  text?: unknown;
  media?: { media_ids?: unknown };
}

function readMediaIds(body: CreateBody): string[] {
  if (body.media === undefined) return [];
  if (typeof body.media !== 'object' || body.media === null) throw badRequest('media must be an object.');
  const ids = body.media.media_ids;
  if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string')) {
    throw badRequest('media.media_ids must be an array of numeric strings.');
  }
  if (ids.length < 1 || ids.length > 4) throw badRequest('media.media_ids must hold 1 to 4 ids.');
  return ids;
}

function checkMedia(ctx: XRequestContext, ids: string[]): void {
  const now = Date.now();
  const uploads = ids.map((id) => ctx.state.media.get(id));
  // X gives the same answer for unknown, foreign, unprocessed and expired media.
  const usable = uploads.every(
    (m) => m !== undefined && m.userId === ctx.user.userId && mediaState(m, now).state === 'succeeded',
  );
  if (!usable) throw badRequest('Your media IDs are invalid.');
  const moving = uploads.filter((m) => m?.category !== 'tweet_image').length;
  if (moving > 0 && uploads.length > 1) throw badRequest('A post may carry one video or GIF, alone.');
}

/** `POST /2/tweets`: rate limit, validation, duplicate check, store; answers 201 `{data:{id,text}}`. */
export async function createTweet(ctx: XRequestContext): Promise<XReply> {
  const { state, user } = ctx;
  const window = state.consumePost(user.userId, Date.now());
  try {
    if (!window.allowed) throw statusProblem(429);
    const body = parseJson(await readBody(ctx.req, 1024 * 1024), badRequest);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badRequest('The body must be a JSON object.');
    }
    const { text = '' } = body as CreateBody;
    if (typeof text !== 'string') throw badRequest('text must be a string.');
    const mediaIds = readMediaIds(body);
    if (text.trim() === '' && mediaIds.length === 0)
      throw badRequest('One of text or media.media_ids is required.');
    // UNCONFIRMED: whether X answers over-long text with 400 or 403; both are final.
    const weighted = parseTweet(text).weightedLength;
    if (weighted > state.settings.maxWeightedLength) {
      throw badRequest(
        `Text is ${weighted} weighted characters; at most ${state.settings.maxWeightedLength}.`,
      );
    }
    checkMedia(ctx, mediaIds);
    if (text !== '' && state.texts.has(`${user.userId}\n${text}`)) throw duplicateContent();

    const tweet = state.storeTweet(user.userId, text, mediaIds);
    state.stats.creates.accepted++;
    if ((state.faults.dropResponseNext ?? 0) > 0) {
      state.faults.dropResponseNext = (state.faults.dropResponseNext ?? 1) - 1;
      state.stats.creates.dropped++;
      return 'drop';
    }
    return { status: 201, body: { data: { id: tweet.id, text: tweet.text } }, headers: window.headers };
  } catch (err) {
    if (err instanceof HttpProblem) Object.assign(err.headers, window.headers);
    throw err;
  }
}
