import { type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpProblem, sendJson } from '../http/io';
import { statusProblem, UNAUTHORIZED_BODY } from './x-problems';
import { type XReply, type XRoute } from './x-route';
import { X_ROUTES } from './x-routes';
import { type XState } from './x-state';
import { type XAccount } from './x-types';

function findRoute(method: string, path: string): { route: XRoute; params: string[] } | undefined {
  for (const route of X_ROUTES) {
    if (route.method !== method) continue;
    const match = route.path.exec(path);
    if (match) return { route, params: match.slice(1) };
  }
  return undefined;
}

function authenticate(state: XState, req: IncomingMessage): XAccount {
  const header = req.headers.authorization ?? '';
  const token = /^Bearer (.+)$/i.exec(header)?.[1];
  if (state.faults.expireTokens) {
    state.expireAllTokens();
    state.faults.expireTokens = false;
  }
  const account = token === undefined ? undefined : state.userForToken(token);
  if (!account || account === 'expired') throw new HttpProblem(401, UNAUTHORIZED_BODY);
  return account;
}

/** Latency and injected failures, applied before the request is authenticated (as a proxy would). */
async function applyFaults(state: XState, route: XRoute): Promise<void> {
  const { latencyMs, failNext } = state.faults;
  if (latencyMs) await sleep(latencyMs);
  if (!failNext || failNext.count <= 0 || (route.kind !== 'create' && failNext.on !== 'any')) return;
  failNext.count--;
  const headers: Record<string, string> = {};
  if (failNext.status === 429) {
    headers['x-rate-limit-limit'] = String(state.settings.postLimit);
    headers['x-rate-limit-remaining'] = '0';
    headers['x-rate-limit-reset'] = String(Math.ceil(Date.now() / 1000) + (failNext.resetInS ?? 60));
  }
  throw statusProblem(failNext.status, headers);
}

async function route(state: XState, req: IncomingMessage, url: URL): Promise<XReply> {
  const found = findRoute(req.method ?? 'GET', url.pathname);
  if (!found) {
    throw new HttpProblem(404, {
      title: 'Not Found',
      detail: `No route ${req.method} ${url.pathname}`,
      type: 'about:blank',
      status: 404,
    });
  }
  const { route, params } = found;
  if (route.kind === 'control') return route.handle({ req, url, params, state });
  if (route.kind === 'oauth') {
    state.stats.requests++;
    return route.handle({ req, url, params, state });
  }
  state.stats.requests++;
  if (route.kind === 'create') state.stats.creates.attempted++;
  await applyFaults(state, route);
  const user = authenticate(state, req);
  return route.handle({ req, url, params, state, user });
}

/** Answers one request; never rejects. */
export async function dispatch(state: XState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const isCreate = req.method === 'POST' && url.pathname === '/2/tweets';
  try {
    const reply = await route(state, req, url);
    if (reply === 'drop') {
      req.socket.destroy();
      return;
    }
    sendJson(res, reply.status, reply.body, reply.headers);
  } catch (err) {
    const problem = err instanceof HttpProblem ? err : statusProblem(500);
    if (isCreate) state.reject(problem.status);
    if (!res.headersSent) sendJson(res, problem.status, problem.body, problem.headers);
    else res.destroy();
  }
}
