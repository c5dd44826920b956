import { OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AppContext, AppState } from '../context';
import { requireAuth } from '../middleware/auth';
import { type RequestSchemas, validate } from '../middleware/validate';
import { z } from './zod';

/** The API's OpenAPI registry: every route registers here as it is mounted, so docs cannot drift. */
export const registry = new OpenAPIRegistry();

export const bearerAuth = registry.registerComponent('securitySchemes', 'bearerAuth', {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
});

/** The problem+json body every error response has. */
export const ProblemSchema = registry.register(
  'Problem',
  z
    .object({
      type: z.string(),
      title: z.string(),
      status: z.number().int(),
      detail: z.string(),
      instance: z.string(),
      request_id: z.string(),
    })
    .catchall(z.unknown()),
);

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

const STANDARD_ERRORS = {
  400: problemResponse('Invalid request'),
  401: problemResponse('Missing or invalid access token'),
  404: problemResponse('Not found'),
  429: problemResponse('Rate limited'),
  500: problemResponse('Internal error'),
  503: problemResponse('A dependency is unavailable'),
};

/** One endpoint: its contract (which is also its validation) and its handler chain. */
export interface RouteSpec<S extends RequestSchemas> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tags: string[];
  auth: boolean;
  request?: S;
  /** A multipart/form-data body (file uploads): documented here, parsed and checked by the handler. */
  multipart?: z.ZodObject;
  headers?: z.ZodObject;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  middleware?: Middleware<AppState>[];
  handler: (
    ctx: AppContext & {
      state: { input: { [K in keyof S]: S[K] extends z.ZodType ? z.output<S[K]> : never } };
    },
  ) => Promise<void>;
}

/**
 * A route's path as OpenAPI names it: `/posts/:id` is `/posts/{id}`, and a collection has no trailing
 * slash (`/api/v1/posts`; the server answers both forms).
 */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1');

/** Mounts a route on `router` and registers the same schemas in the OpenAPI document. */
export function defineRoute<S extends RequestSchemas>(
  router: Router<AppState>,
  prefix: string,
  spec: RouteSpec<S>,
): void {
  const responses: RouteConfig['responses'] = { ...STANDARD_ERRORS };
  for (const [status, r] of Object.entries(spec.responses)) {
    // An error status without a schema is a problem like every other error.
    responses[status] = r.schema
      ? { description: r.description, content: { 'application/json': { schema: r.schema } } }
      : Number(status) >= 400
        ? problemResponse(r.description)
        : { description: r.description };
  }
  if (spec.method !== 'get') responses[409] = problemResponse('Conflict');
  if (spec.request?.body || spec.multipart) {
    responses[413] = problemResponse('Body too large');
    responses[415] = problemResponse('Unsupported media type');
    responses[422] = problemResponse('Semantically invalid');
  }
  const path = openApiPath(prefix + spec.path);
  const operation = `${spec.method.toUpperCase()} ${path}`;
  registry.registerPath({
    method: spec.method,
    path,
    summary: spec.summary,
    tags: spec.tags,
    security: spec.auth ? [{ [bearerAuth.name]: [] }] : [],
    request: {
      ...(spec.request?.params ? { params: spec.request.params as z.ZodObject } : {}),
      ...(spec.request?.query ? { query: spec.request.query as z.ZodObject } : {}),
      ...(spec.headers ? { headers: spec.headers } : {}),
      ...(spec.request?.body
        ? { body: { required: true, content: { 'application/json': { schema: spec.request.body } } } }
        : {}),
      ...(spec.multipart
        ? { body: { required: true, content: { 'multipart/form-data': { schema: spec.multipart } } } }
        : {}),
    },
    responses,
  });
  const chain: Middleware<AppState>[] = [
    (ctx, next) => {
      ctx.state.route = operation;
      return next();
    },
    ...(spec.auth ? [requireAuth] : []),
    validate(spec.request ?? {}) as Middleware<AppState>,
    ...(spec.middleware ?? []),
    spec.handler as unknown as Middleware<AppState>,
  ];
  router[spec.method](spec.path, ...chain);
}

/** Routes that share a router, a path prefix (for OpenAPI) and the auth middleware. */
export function routeGroup(router: Router<AppState>, prefix: string) {
  return <S extends RequestSchemas>(spec: RouteSpec<S>): void => defineRoute(router, prefix, spec);
}
