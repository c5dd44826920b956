import { type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpProblem, sendJson } from '../http/io';
import { KIT_CONTROL_ROUTES } from './kit-control';
import { type KitContext, type KitPlatform, type KitReply, type KitRoute } from './kit-route';
import { type KitState } from './kit-state';
import { type KitToken } from './kit-types';

function findRoute(platform: KitPlatform, method: string, path: string) {
  for (const route of [...KIT_CONTROL_ROUTES, ...platform.routes]) {
    if (route.method !== method) continue;
    const match = route.path.exec(path);
    if (match) return { route, params: match.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}

/** Bearer header first, then the Graph-style `access_token` query parameter. */
function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  return bearer ?? url.searchParams.get('access_token') ?? undefined;
}

function authenticate(state: KitState, platform: KitPlatform, req: IncomingMessage, url: URL): KitToken {
  if (state.faults.expireTokens) {
    state.expireAllTokens();
    state.faults.expireTokens = false;
  }
  const found = state.validToken(presentedToken(req, url));
  if (found === 'expired') throw platform.problem(401, 'expired_token');
  if (!found) throw platform.problem(401, 'invalid_token');
  return found;
}

/** Latency and injected failures, applied before authentication (as a proxy would). */
async function applyFaults(state: KitState, platform: KitPlatform, route: KitRoute): Promise<void> {
  const { latencyMs, failNext } = state.faults;
  if (latencyMs) await sleep(latencyMs);
  if (!failNext || failNext.count <= 0 || (route.kind !== 'create' && failNext.on !== 'any')) return;
  failNext.count--;
  const problem = platform.problem(failNext.status, failNext.status === 429 ? 'rate_limited' : 'injected');
  if (failNext.status === 429) {
    const resetAt = Date.now() + (failNext.resetInS ?? 60) * 1000;
    Object.assign(problem.headers, platform.rateLimitHeaders(resetAt, state.settings.postLimit, 0));
  }
  throw problem;
}

async function route(
  state: KitState,
  platform: KitPlatform,
  req: IncomingMessage,
  url: URL,
): Promise<KitReply> {
  const found = findRoute(platform, req.method ?? 'GET', url.pathname);
  if (!found) throw platform.problem(404, 'not_found', `No route ${req.method} ${url.pathname}`);
  const { route: r, params } = found;
  const ctx = { req, url, params, state, platform } as KitContext;
  if (r.kind === 'control' || r.kind === 'public') return r.handle(ctx);
  state.stats.requests++;
  if (r.kind === 'create') state.stats.creates.attempted++;
  await applyFaults(state, platform, r);
  ctx.token = authenticate(state, platform, req, url);
  const reply = await r.handle(ctx);
  const drop =
    r.kind === 'create' && reply !== 'drop' && reply.status < 300 && (state.faults.dropResponseNext ?? 0) > 0;
  if (!drop) return reply;
  state.faults.dropResponseNext = (state.faults.dropResponseNext ?? 1) - 1;
  state.stats.creates.dropped++;
  return 'drop';
}

function send(res: ServerResponse, reply: Exclude<KitReply, 'drop'>): void {
  if (!reply.raw) return sendJson(res, reply.status, reply.body, reply.headers);
  res.writeHead(reply.status, reply.headers);
  res.end(typeof reply.body === 'string' ? reply.body : '');
}

/** Answers one request; never rejects. */
export async function kitDispatch(
  state: KitState,
  platform: KitPlatform,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const isCreate = findRoute(platform, req.method ?? 'GET', url.pathname)?.route.kind === 'create';
  try {
    const reply = await route(state, platform, req, url);
    if (reply === 'drop') {
      req.socket.destroy();
      return;
    }
    send(res, reply);
  } catch (err) {
    const problem = err instanceof HttpProblem ? err : platform.problem(500, 'injected');
    if (isCreate) state.reject(problem.status);
    if (!res.headersSent) sendJson(res, problem.status, problem.body, problem.headers);
    else res.destroy();
  }
}
