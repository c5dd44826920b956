import { parseKitFaults } from '../kit/kit-control';
import { HttpProblem, nonNegativeInt, readJsonObject } from '../http/io';
import { type XControlContext, type XReply } from './x-route';
import { type XAccount, type XEmulatorSettings, type XFaults } from './x-types';

const invalid = (message: string) => new HttpProblem(400, { error: message });

const jsonObject = (ctx: XControlContext) => readJsonObject(ctx.req, invalid);

const count = (v: unknown, name: string): number => nonNegativeInt(v, name, invalid);

/** Checks a faults body; fields left out stay as they were (the kit's checks). */
export function parseFaults(raw: Record<string, unknown>): XFaults {
  return parseKitFaults(raw);
}

/** Checks a settings body. */
export function parseSettings(raw: Record<string, unknown>): Partial<XEmulatorSettings> {
  const out: Partial<XEmulatorSettings> = {};
  for (const key of [
    'postLimit',
    'postWindowS',
    'mediaProcessingMs',
    'maxChunkBytes',
    'maxWeightedLength',
    'accessTokenTtlS',
  ] as const) {
    if (raw[key] !== undefined) out[key] = count(raw[key], key);
  }
  return out;
}

function parseAccount(raw: Record<string, unknown>): XAccount {
  const { userId, username, accessToken, name } = raw;
  if (typeof userId !== 'string' || !/^\d+$/.test(userId)) throw invalid('userId must be a numeric string.');
  if (typeof username !== 'string' || username === '') throw invalid('username is required.');
  if (typeof accessToken !== 'string' || accessToken === '') throw invalid('accessToken is required.');
  return { userId, username, accessToken, ...(typeof name === 'string' ? { name } : {}) };
}

/** `POST /__emulator/accounts {userId, username, accessToken, name?}`. */
export async function addAccount(ctx: XControlContext): Promise<XReply> {
  const account = parseAccount(await jsonObject(ctx));
  ctx.state.addAccount(account);
  return { status: 201, body: { data: account } };
}

/** `POST /__emulator/faults`: merges into the active faults. */
export async function setFaults(ctx: XControlContext): Promise<XReply> {
  ctx.state.faults = { ...ctx.state.faults, ...parseFaults(await jsonObject(ctx)) };
  return { status: 200, body: { faults: ctx.state.faults } };
}

/** `DELETE /__emulator/faults`. */
export function clearFaults(ctx: XControlContext): XReply {
  ctx.state.faults = {};
  return { status: 204 };
}

/** `GET /__emulator/posts[?userId=]`. */
export function listPosts(ctx: XControlContext): XReply {
  const posts = ctx.state.posts(ctx.url.searchParams.get('userId') ?? undefined);
  return { status: 200, body: { posts, count: posts.length } };
}

/** `GET /__emulator/stats`. */
export function getStats(ctx: XControlContext): XReply {
  return { status: 200, body: ctx.state.stats };
}

/** `POST /__emulator/reset[?accounts=true]`. */
export function reset(ctx: XControlContext): XReply {
  ctx.state.reset(ctx.url.searchParams.get('accounts') === 'true');
  return { status: 204 };
}

/** `POST /__emulator/tweets/:id/metrics {like_count?, …}`. */
export async function setMetrics(ctx: XControlContext): Promise<XReply> {
  const metrics = await jsonObject(ctx);
  for (const [key, value] of Object.entries(metrics)) count(value, key);
  if (!ctx.state.setMetrics(ctx.params[0] ?? '', metrics))
    return { status: 404, body: { error: 'unknown tweet' } };
  return { status: 204 };
}

/** `GET|POST /__emulator/settings`: rate-limit window, processing time, limits. */
export async function settings(ctx: XControlContext): Promise<XReply> {
  if (ctx.req.method === 'POST') {
    ctx.state.settings = { ...ctx.state.settings, ...parseSettings(await jsonObject(ctx)) };
  }
  return { status: 200, body: { settings: ctx.state.settings } };
}
