import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import {
  conflict,
  routeNotFound,
  internalError,
  malformedBody,
  payloadTooLarge,
  Problem,
  unsupportedMediaType,
} from '../errors';

/** Maps errors thrown by body parsing and other libraries onto our vocabulary. */
function toProblem(err: unknown): Problem {
  if (err instanceof Problem) return err;
  const e = err as { status?: number; type?: string; message?: string; expose?: boolean };
  if (e.type === 'entity.too.large' || e.status === 413)
    return payloadTooLarge('The request body exceeds the size limit.');
  if (e.type === 'entity.parse.failed' || e.status === 400 || err instanceof SyntaxError) {
    return malformedBody('The body is not valid JSON (an object or array is expected).');
  }
  if (e.status === 415 || e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return unsupportedMediaType('Send application/json in UTF-8.');
  }
  if (err instanceof UniqueConstraintViolationException)
    return conflict('already-exists', 'A resource with these values exists already.');
  return internalError();
}

/** Renders every failure as application/problem+json with a stable type; never a stack trace. */
export function problemMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // Nothing answered: no route matched (405s are set by the routers' allowedMethods).
      if (ctx.status === 404 && ctx.body == null) throw routeNotFound();
    } catch (err) {
      const problem = toProblem(err);
      if (problem.status >= 500)
        logger.error({ err, requestId: ctx.state.requestId as string }, 'request failed');
      ctx.status = problem.status;
      for (const [k, v] of Object.entries(problem.headers)) ctx.set(k, v);
      ctx.type = 'application/problem+json';
      ctx.body = {
        // A problem's own members first, so the standard ones (status above all) cannot be overwritten.
        ...problem.extra,
        type: problem.typeUri,
        title: problem.title,
        status: problem.status,
        detail: problem.message,
        instance: ctx.path,
        request_id: ctx.state.requestId as string,
      };
    }
  };
}
