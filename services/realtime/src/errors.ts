import type { SocketAck } from '@vibetribe/proto';
import { ZodError } from 'zod';

/** The stable reasons a client event or a connection is refused. */
export type SocketErrorType = 'unauthorized' | 'validation' | 'forbidden' | 'unavailable' | 'internal';

/** A refusal the client may see: its message is safe to show, its type is stable. */
export class SocketError extends Error {
  constructor(
    readonly type: SocketErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'SocketError';
  }
}

/** Refused because the user is not a member of what they asked for (or it does not exist: we do not say which). */
export const forbidden = (what: string) => new SocketError('forbidden', `${what} is not yours to see`);

/** The acknowledgement for an error: known refusals keep their message, anything else is masked. */
export function errorAck(err: unknown): SocketAck {
  if (err instanceof SocketError) return { ok: false, error: { type: err.type, message: err.message } };
  if (err instanceof ZodError) {
    const message = err.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
    return { ok: false, error: { type: 'validation', message } };
  }
  return { ok: false, error: { type: 'internal', message: 'something went wrong; try again' } };
}
