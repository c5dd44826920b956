import type { Client } from '@temporalio/client';
import type { Queue } from 'bull';
import type { Redis } from 'ioredis';
import type { Context, Middleware, Next, ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import type { EntityManager, MikroORM } from '@vibetribe/database';
import type { MediaLimits, MediaStorage, ProcessMediaJob } from '@vibetribe/media-storage';
import type { SecretBox, TokenConfig } from '@vibetribe/runtime';
import type { GatewayEnv } from './env';
import type { PostScheduler } from './lib/scheduler';

/** Everything the gateway's handlers depend on, built once by main.ts (or a test). */
export interface GatewayDeps {
  env: Readonly<GatewayEnv>;
  logger: Logger;
  orm: MikroORM;
  redis: Redis;
  tokens: TokenConfig;
  secrets: SecretBox;
  scheduler: PostScheduler;
  events: EventSink;
  /** Extra readiness probes (Temporal, NATS), by component name. */
  readiness: Record<string, () => Promise<unknown>>;
  media: MediaDeps;
  ops: OpsDeps;
}

/** What the operator views read: Temporal's visibility and the periodic jobs' schedules. */
export interface OpsDeps {
  /** The Temporal client (the scheduler's connection): visibility counts, schedules, workflow results. */
  temporal: Client;
  /** The periodic schedules' id prefix, `vt-` (tests use their own). */
  schedulePrefix: string;
}

/** Where uploads go and how they are checked: the storage driver, the size limits, the processing queue. */
export interface MediaDeps {
  storage: MediaStorage;
  limits: MediaLimits;
  /** The Bull queue the media service consumes (this process only adds jobs). */
  queue: Queue<ProcessMediaJob>;
}

/** The post events the gateway writes. */
export type PostEventName = 'created' | 'updated' | 'deleted' | 'status';

/** Where domain events go: the event outbox, in the transaction (`em`) of the change they report. */
export interface EventSink {
  post(
    em: EntityManager,
    orgId: string,
    event: PostEventName,
    payload: Record<string, unknown>,
  ): Promise<void>;
  /** A `notification` to the named users of the organization (their `user:<id>` rooms). */
  notify(em: EntityManager, orgId: string, note: NotificationInit): Promise<void>;
}

/** A notification before it is sent: what happened, how much it matters, who is told, what it concerns. */
export interface NotificationInit {
  kind: string;
  severity: 'info' | 'warning' | 'error';
  text: string;
  userIds: string[];
  postIds?: string[];
  accountId?: string;
}

/** Per-request state every middleware may read. */
export interface AppState {
  requestId: string;
  em: EntityManager;
  user?: { id: string };
  /** A bearer token was sent but did not verify. */
  tokenRejected?: boolean;
  input: Record<string, unknown>;
  /** The matched operation as OpenAPI names it, `POST /api/v1/posts/{id}/publish` (set by defineRoute). */
  route?: string;
}

/** A Koa context with our state. */
export type AppContext = ParameterizedContext<AppState> &
  Pick<Context, 'params'> & { params: Record<string, string> };

/** A typed handler. */
export type Handler = (ctx: AppContext, next: Next) => Promise<void> | void;

/** Narrows a typed handler to a Koa middleware. */
export const handler = (fn: Handler): Middleware<AppState> => fn as unknown as Middleware<AppState>;
