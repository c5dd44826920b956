import { type IncomingMessage } from 'node:http';
import { type HttpProblem } from '../http/io';
import { type KitState } from './kit-state';
import { type KitToken } from './kit-types';

/** Why the kit refuses a request: `quota_exhausted` is the account's posting window, `rate_limited` an injected 429. */
export type KitRefusal =
  | 'invalid_token'
  | 'expired_token'
  | 'rate_limited'
  | 'quota_exhausted'
  | 'injected'
  | 'not_found'
  | 'bad_request';

/** What makes one emulator speak one platform: its routes and how it words its errors. */
export interface KitPlatform {
  /** For logs and the `/__emulator` answers. */
  name: string;
  routes: readonly KitRoute[];
  /** The platform's own error response for a refusal (body and headers). */
  problem(status: number, reason: KitRefusal, message?: string): HttpProblem;
  /** Headers of a 429 that lifts at `resetAtMs`. */
  rateLimitHeaders(resetAtMs: number, limit: number, remaining: number): Record<string, string>;
}

/** What a handler sees. */
export interface KitContext {
  req: IncomingMessage;
  url: URL;
  /** Capture groups of the route's path pattern. */
  params: string[];
  state: KitState;
  platform: KitPlatform;
  /** The caller's token; set on `api` and `create` routes. */
  token: KitToken;
}

/** A handler's answer; `'drop'` closes the socket without one. */
export type KitReply =
  { status: number; body?: unknown; headers?: Record<string, string>; raw?: boolean } | 'drop';

/** One endpoint: `api`/`create` need a token and see faults; `public` (OAuth) and `control` do neither. */
export interface KitRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: RegExp;
  kind: 'api' | 'create' | 'public' | 'control';
  handle(ctx: KitContext): Promise<KitReply> | KitReply;
}
