import { HttpProblem, nonNegativeInt, readJsonObject } from '../http/io';
import { type KitContext, type KitReply, type KitRoute } from './kit-route';
import { type KitFaults, type KitSettings } from './kit-types';

const invalid = (message: string) => new HttpProblem(400, { error: message });

const jsonObject = (ctx: KitContext) => readJsonObject(ctx.req, invalid);

const count = (v: unknown, name: string): number => nonNegativeInt(v, name, invalid);

const text = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || v === '') throw invalid(`${name} is required.`);
  return v;
};

/** Checks a faults body; fields left out stay as they were (the X emulator's too). */
export function parseKitFaults(raw: Record<string, unknown>): KitFaults {
  const out: KitFaults = {};
  for (const key of ['latencyMs', 'dropResponseNext', 'failMediaProcessingNext'] as const) {
    if (raw[key] !== undefined) out[key] = count(raw[key], key);
  }
  if (raw.expireTokens !== undefined) out.expireTokens = raw.expireTokens === true;
  if (raw.failNext !== undefined) {
    const f = raw.failNext as Record<string, unknown> | null;
    if (typeof f !== 'object' || f === null) throw invalid('failNext must be an object.');
    const status = count(f.status, 'failNext.status');
    if (status < 400 || status > 599) throw invalid('failNext.status must be 4xx or 5xx.');
    if (f.on !== undefined && f.on !== 'create' && f.on !== 'any')
      throw invalid('failNext.on must be create or any.');
    out.failNext = {
      status,
      count: count(f.count ?? 1, 'failNext.count'),
      ...(f.resetInS === undefined ? {} : { resetInS: count(f.resetInS, 'failNext.resetInS') }),
      ...(f.on === undefined ? {} : { on: f.on }),
    };
  }
  return out;
}

/** `POST /__emulator/accounts {id, name, type, ownerId?, accessToken?, ttlS?}`: a user, page or organization. */
async function addAccount(ctx: KitContext): Promise<KitReply> {
  const raw = await jsonObject(ctx);
  const account = {
    id: text(raw.id, 'id'),
    name: text(raw.name, 'name'),
    type: text(raw.type, 'type'),
    ...(raw.ownerId === undefined ? {} : { ownerId: text(raw.ownerId, 'ownerId') }),
  };
  ctx.state.addAccount(account);
  const ttlS = raw.ttlS === undefined ? undefined : count(raw.ttlS, 'ttlS');
  const token =
    raw.accessToken === undefined
      ? undefined
      : ctx.state.issueToken(account.id, ttlS, text(raw.accessToken, 'accessToken')).token;
  return { status: 201, body: { data: account, accessToken: token } };
}

async function setFaults(ctx: KitContext): Promise<KitReply> {
  ctx.state.faults = { ...ctx.state.faults, ...parseKitFaults(await jsonObject(ctx)) };
  return { status: 200, body: { faults: ctx.state.faults } };
}

function listPosts(ctx: KitContext): KitReply {
  const accountId = ctx.url.searchParams.get('accountId');
  const posts = [...ctx.state.posts.values()].filter((p) => accountId === null || p.accountId === accountId);
  return { status: 200, body: { posts, count: posts.length } };
}

async function setMetrics(ctx: KitContext): Promise<KitReply> {
  const post = ctx.state.posts.get(ctx.params[0] ?? '');
  if (!post) return { status: 404, body: { error: 'unknown post' } };
  const metrics = await jsonObject(ctx);
  for (const [key, value] of Object.entries(metrics)) post.metrics[key] = count(value, key);
  return { status: 204 };
}

async function settings(ctx: KitContext): Promise<KitReply> {
  if (ctx.req.method === 'POST') {
    const raw = await jsonObject(ctx);
    const changes: Partial<KitSettings> = {};
    for (const key of ['postLimit', 'postWindowS', 'mediaProcessingMs', 'accessTokenTtlS'] as const) {
      if (raw[key] !== undefined) changes[key] = count(raw[key], key);
    }
    ctx.state.settings = { ...ctx.state.settings, ...changes };
  }
  return { status: 200, body: { settings: ctx.state.settings } };
}

const control = (method: KitRoute['method'], path: RegExp, handle: KitRoute['handle']): KitRoute => ({
  method,
  path,
  kind: 'control',
  handle,
});

/** The inspection and fault API every kit emulator serves under `/__emulator`. */
export const KIT_CONTROL_ROUTES: readonly KitRoute[] = [
  control('POST', /^\/__emulator\/accounts$/, addAccount),
  control('POST', /^\/__emulator\/faults$/, setFaults),
  control('DELETE', /^\/__emulator\/faults$/, (ctx) => ((ctx.state.faults = {}), { status: 204 })),
  control('GET', /^\/__emulator\/posts$/, listPosts),
  control('POST', /^\/__emulator\/posts\/([^/]+)\/metrics$/, setMetrics),
  control('GET', /^\/__emulator\/stats$/, (ctx) => ({ status: 200, body: ctx.state.stats })),
  control('POST', /^\/__emulator\/reset$/, (ctx) => {
    ctx.state.reset(ctx.url.searchParams.get('accounts') === 'true');
    return { status: 204 };
  }),
  control('GET', /^\/__emulator\/settings$/, settings),
  control('POST', /^\/__emulator\/settings$/, settings),
];
