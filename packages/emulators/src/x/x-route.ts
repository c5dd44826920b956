import { type IncomingMessage } from 'node:http';
import { type XState } from './x-state';
import { type XAccount } from './x-types';

/** What a handler sees. */
export interface XRequestContext {
  req: IncomingMessage;
  url: URL;
  /** Capture groups of the route's path pattern. */
  params: string[];
  state: XState;
  /** The authenticated user; set on every API route. */
  user: XAccount;
}

/** A handler's answer; `'drop'` closes the socket without one. */
export type XReply = { status: number; body?: unknown; headers?: Record<string, string> } | 'drop';

/** What a control endpoint sees: no user, no faults. */
export type XControlContext = Omit<XRequestContext, 'user'>;

/** One endpoint: API routes need a bearer token and see faults; OAuth and control routes do neither. */
export type XRoute = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: RegExp;
} & (
  | { kind: 'api' | 'create'; handle(ctx: XRequestContext): Promise<XReply> | XReply }
  | { kind: 'control' | 'oauth'; handle(ctx: XControlContext): Promise<XReply> | XReply }
);
