import { createHash } from 'node:crypto';
import { type EntityManager, IdempotencyKey } from '@vibetribe/database';
import type { AppContext } from '../context';
import { conflict, unprocessable, validationFailed } from '../errors';
import { z } from './zod';

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The optional header creating POSTs accept, as documented in OpenAPI. */
export const IdempotencyHeaders = z.object({
  'idempotency-key': z.string().regex(KEY).optional().openapi({
    description:
      'Repeat-safe key (printable ASCII, no spaces, 1 to 255): a repeat in the same organization and endpoint returns the first result and creates nothing (24 h).',
  }),
});
const TTL_MS = 24 * 3600 * 1000;

/** A command's result: status and JSON body. */
export interface CommandResult {
  status: number;
  body: unknown;
}

/** Where a key is the user's: an organization (or none) and an operation. */
export interface IdempotencyScope {
  /** The organization the request acts in; default: its path's `:orgId`, else none. */
  organizationId?: string | null;
}

/**
 * Runs `command` in one transaction together with the Idempotency-Key record, so the key and what it
 * created commit or roll back together. A key belongs to the user, the organization the request acts in
 * and the operation: the same key elsewhere is a new request. A repeat with the same key and body
 * replays the stored result; the same key with another body is refused; a repeat racing the first waits
 * on the row lock, then replays.
 */
export async function withIdempotency(
  ctx: AppContext,
  command: (em: EntityManager) => Promise<CommandResult>,
  scope: IdempotencyScope = {},
): Promise<void> {
  const key = ctx.get('Idempotency-Key');
  const sent = ctx.headers['idempotency-key'] !== undefined;
  let result: CommandResult;
  if (!sent) {
    result = await ctx.state.em.transactional(command);
  } else {
    if (!KEY.test(key))
      throw validationFailed([
        { path: 'headers.idempotency-key', message: 'printable ASCII, 1 to 255 characters' },
      ]);
    const params = ctx.state.input.params as { orgId?: string } | undefined;
    const where = {
      userId: ctx.state.user!.id,
      organizationId: scope.organizationId ?? params?.orgId ?? null,
      // The operation, not the path as sent: `/posts` and `/posts/` are one endpoint.
      route: ctx.state.route ?? `${ctx.method} ${ctx.path}`,
      key,
    };
    const requestHash = createHash('sha256')
      .update(where.route)
      .update('\n')
      .update(JSON.stringify(ctx.request.body ?? null))
      .digest('hex');
    result = await ctx.state.em.transactional(async (em) => {
      await em.nativeDelete(IdempotencyKey, { ...where, expiresAt: { $lt: new Date() } });
      const inserted = await em
        .createQueryBuilder(IdempotencyKey)
        .insert({
          id: crypto.randomUUID(),
          ...where,
          requestHash,
          expiresAt: new Date(Date.now() + TTL_MS),
          createdAt: new Date(),
          updatedAt: new Date(),
        })
        // No conflict target: the scope's unique constraint is NULLS NOT DISTINCT, which ON CONFLICT
        // (columns) cannot name.
        .onConflict()
        .ignore()
        .execute<{ affectedRows: number }>('run');
      if (inserted.affectedRows === 0) {
        const prior = await em.findOneOrFail(IdempotencyKey, where);
        if (prior.requestHash !== requestHash) {
          throw unprocessable(
            'idempotency-key-reused',
            'This Idempotency-Key was used for a different request.',
          );
        }
        if (prior.responseStatus === null)
          throw conflict('idempotency-in-progress', 'The first request with this key is still running.');
        ctx.set('Idempotent-Replayed', 'true');
        return { status: prior.responseStatus, body: prior.responseBody };
      }
      const fresh = await command(em);
      await em.nativeUpdate(IdempotencyKey, where, {
        responseStatus: fresh.status,
        responseBody: fresh.body,
      });
      return fresh;
    });
  }
  ctx.status = result.status;
  ctx.body = result.body;
}
