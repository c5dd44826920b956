import type { Middleware } from 'koa';
import type { z } from 'zod';
import { type FieldError, validationFailed } from '../errors';

/** The parts of a request a route can declare a schema for. */
export interface RequestSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

/** The parsed, typed input a validated route reads. */
export type Input<S extends RequestSchemas> = {
  [K in keyof S]: S[K] extends z.ZodType ? z.output<S[K]> : never;
};

function issuesOf(where: string, error: z.ZodError): FieldError[] {
  return error.issues.map((i) => {
    const keys = 'keys' in i && Array.isArray(i.keys) ? ` (${i.keys.join(', ')})` : '';
    return { path: [where, ...i.path.map(String)].join('.'), message: i.message + keys, code: i.code };
  });
}

/**
 * PostgreSQL text cannot hold U+0000: a NUL anywhere in the input would fail at the database as a 500.
 * Every such place is named instead.
 */
function nulPaths(value: unknown, path: string, out: FieldError[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      out.push({ path, message: 'must not contain the NUL character (U+0000)', code: 'invalid_string' });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nulPaths(v, `${path}.${i}`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000'))
        out.push({ path, message: 'keys must not contain the NUL character (U+0000)', code: 'invalid_key' });
      nulPaths(v, `${path}.${k}`, out);
    }
  }
}

/** Validates params, query and body against strict zod schemas; fills `ctx.state.input`; 400 lists every issue. */
export function validate(schemas: RequestSchemas): Middleware {
  return async (ctx, next) => {
    const input: Record<string, unknown> = {};
    const errors: FieldError[] = [];
    const sources = {
      params: (ctx as { params?: unknown }).params ?? {},
      query: ctx.query,
      body: (ctx.request as { body?: unknown }).body,
    };
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      const nul: FieldError[] = [];
      nulPaths(sources[part], part, nul);
      if (nul.length > 0) {
        errors.push(...nul);
        continue;
      }
      const parsed = schema.safeParse(sources[part]);
      if (parsed.success) input[part] = parsed.data;
      else errors.push(...issuesOf(part, parsed.error));
    }
    if (errors.length > 0) throw validationFailed(errors);
    ctx.state.input = input;
    await next();
  };
}
