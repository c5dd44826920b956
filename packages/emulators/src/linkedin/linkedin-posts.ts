import { readBody } from '../http/io';
import { consumePost } from '../kit/kit-fields';
import { type KitContext, type KitReply } from '../kit/kit-route';
import { type KitPost } from '../kit/kit-types';
import { mayPostAs } from './linkedin-auth';
import { duplicatePost, invalidInput, linkedinProblem } from './linkedin-problems';

/** Third-party commentary limit (PLATFORMS.md). */
const MAX_COMMENTARY = 3000;

interface PostBody {
  author?: unknown;
  commentary?: unknown;
  visibility?: unknown;
  lifecycleState?: unknown;
  content?: { media?: { id?: unknown }; multiImage?: { images?: { id?: unknown }[] } };
}

function requireHeaders(ctx: KitContext): void {
  if (!/^\d{6}$/.test(String(ctx.req.headers['linkedin-version'] ?? ''))) {
    throw linkedinProblem(
      426,
      'bad_request',
      'A version must be present. Please specify a version by adding the LinkedIn-Version header.',
    );
  }
  if (ctx.req.headers['x-restli-protocol-version'] !== '2.0.0')
    throw invalidInput('X-Restli-Protocol-Version 2.0.0 is required.');
}

/** The media URNs a post carries, checked: known, uploaded and, for videos, processed. */
function mediaOf(ctx: KitContext, content: PostBody['content']): { ids: string[]; kind: string } {
  if (!content) return { ids: [], kind: 'text' };
  const single = content.media?.id;
  const many = content.multiImage?.images?.map((i) => i.id);
  const ids = (single !== undefined ? [single] : (many ?? [])).map(String);
  if (many && (many.length < 2 || many.length > 20)) throw invalidInput('multiImage takes 2 to 20 images.');
  for (const urn of ids) {
    const id = /^urn:li:(?:image|video):(.+)$/.exec(urn)?.[1];
    const media = id === undefined ? undefined : ctx.state.media.get(id);
    if (!media) throw invalidInput(`Media ${urn} does not exist.`);
    if (media.kind === 'image' && media.data.uploaded !== true)
      throw invalidInput(`Image ${urn} was never uploaded.`);
    if (media.kind === 'video' && ctx.state.mediaStatus(media) !== 'ready')
      throw invalidInput(`Video ${urn} is not AVAILABLE.`);
    if (many && media.kind !== 'image') throw invalidInput('multiImage takes images only.');
  }
  const kind = many
    ? 'multi_image'
    : (ctx.state.media.get(/:(\d+)$/.exec(ids[0] ?? '')?.[1] ?? '')?.kind ?? 'text');
  return { ids, kind };
}

/** `POST /rest/posts` → 201 with an empty body and the post URN in `x-restli-id`. */
export async function createPost(ctx: KitContext): Promise<KitReply> {
  requireHeaders(ctx);
  let body: PostBody;
  try {
    body = JSON.parse((await readBody(ctx.req, 1024 * 1024)).toString('utf8')) as PostBody;
  } catch {
    throw invalidInput('The body is not valid JSON.');
  }
  const author = typeof body.author === 'string' ? body.author : '';
  if (!mayPostAs(ctx, author))
    throw linkedinProblem(403, 'bad_request', `Not enough permissions to post as ${author}.`);
  const commentary = typeof body.commentary === 'string' ? body.commentary : '';
  if (commentary.length > MAX_COMMENTARY)
    throw invalidInput(`commentary is longer than ${MAX_COMMENTARY} characters.`);
  if (body.lifecycleState !== 'PUBLISHED' || body.visibility !== 'PUBLIC')
    throw invalidInput('lifecycleState PUBLISHED and visibility PUBLIC are required.');
  const { ids, kind } = mediaOf(ctx, body.content);
  const same = [...ctx.state.posts.values()].find(
    (p) => p.accountId === author && p.text === commentary && commentary !== '',
  );
  if (same) throw duplicatePost(same.id);
  consumePost(ctx, author);
  const post = ctx.state.storePost({
    id: `urn:li:share:${ctx.state.nextId()}`,
    accountId: author,
    text: commentary,
    media: ids,
    kind,
  });
  return { status: 201, headers: { 'x-restli-id': post.id, 'x-linkedin-id': post.id }, raw: true };
}

const present = (p: KitPost) => ({
  id: p.id,
  author: p.accountId,
  commentary: p.text,
  createdAt: Date.parse(p.receivedAt),
  publishedAt: Date.parse(p.receivedAt),
  lifecycleState: 'PUBLISHED',
  visibility: 'PUBLIC',
});

/** `GET /rest/posts?q=author&author=<urn>&count&start`: newest first. */
export function findByAuthor(ctx: KitContext): KitReply {
  requireHeaders(ctx);
  const q = ctx.url.searchParams;
  if (q.get('q') !== 'author') throw invalidInput('Only the author finder is supported.');
  const author = q.get('author') ?? '';
  if (!mayPostAs(ctx, author))
    throw linkedinProblem(403, 'bad_request', `Not enough permissions to read ${author}.`);
  const start = Number(q.get('start') ?? 0);
  const count = Math.min(Number(q.get('count') ?? 10), 100);
  const all = [...ctx.state.posts.values()].filter((p) => p.accountId === author).reverse();
  return {
    status: 200,
    body: {
      elements: all.slice(start, start + count).map(present),
      paging: { start, count, total: all.length },
    },
  };
}

/** `GET /rest/socialActions/:urn`: likes and comments. */
export function socialActions(ctx: KitContext): KitReply {
  const post = ctx.state.posts.get(ctx.params[0] ?? '');
  if (!post) throw linkedinProblem(404, 'not_found', `Post ${ctx.params[0]} not found.`);
  const m = post.metrics;
  return {
    status: 200,
    body: {
      target: post.id,
      likesSummary: { totalLikes: m.likes ?? 0, likedByCurrentUser: false },
      commentsSummary: { aggregatedTotalComments: m.comments ?? 0, totalFirstLevelComments: m.comments ?? 0 },
    },
  };
}
