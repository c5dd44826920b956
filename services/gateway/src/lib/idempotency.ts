import { createHash } from 'node:crypto';
import { type EntityManager, IdempotencyKey } from '@vibetribe/database';
import type { AppContext } from '../context';
import { conflict, unprocessable, validationFailed } from '../errors';
import { z } from './zod';

/** The optional header creating POSTs accept, as documented in OpenAPI. */
export const IdempotencyHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).optional().openapi({
    description: 'Repeat-safe key: a repeat returns the first result and creates nothing (24 h).',
  }),
});

const KEY = /^[\x21-\x7e]{1,255}$/;
const TTL_MS = 24 * 3600 * 1000;

/** A command's result: status and JSON body. */
export interface CommandResult {
  status: number;
  body: unknown;
}

/**
 * Runs `command` in one transaction together with the Idempotency-Key record, so the key and what it
 * created commit or roll back together. A repeat with the same key and body replays the stored result;
 * the same key with another body is refused; a repeat racing the first waits on the row lock, then replays.
 */
export async function withIdempotency(
  ctx: AppContext,
  command: (em: EntityManager) => Promise<CommandResult>,
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
    const userId = ctx.state.user!.id;
    const route = `${ctx.method} ${ctx.path}`;
    const requestHash = createHash('sha256')
      .update(route)
      .update('\n')
      .update(JSON.stringify(ctx.request.body ?? null))
      .digest('hex');
    result = await ctx.state.em.transactional(async (em) => {
      await em.nativeDelete(IdempotencyKey, { userId, key, expiresAt: { $lt: new Date() } });
      const inserted = await em
        .createQueryBuilder(IdempotencyKey)
        .insert({
          id: crypto.randomUUID(),
          userId,
          key,
          route,
          requestHash,
          expiresAt: new Date(Date.now() + TTL_MS),
          createdAt: new Date(),
          updatedAt: new Date(),
        })
        .onConflict(['user_id', 'key'])
        .ignore()
        .execute<{ affectedRows: number }>('run');
      if (inserted.affectedRows === 0) {
        const prior = await em.findOneOrFail(IdempotencyKey, { userId, key });
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
      await em.nativeUpdate(
        IdempotencyKey,
        { userId, key },
        { responseStatus: fresh.status, responseBody: fresh.body },
      );
      return fresh;
    });
  }
  ctx.status = result.status;
  ctx.body = result.body;
}
