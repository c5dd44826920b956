import { schemaForSubject } from './catalog';
import { decodeEvent } from './codec';
import type { BusEvent } from './events';
import { parseSubject } from './subjects';

/** A message of the event stream decoded as a catalog event; throws for a subject that is not one of ours. */
export function decodeBusEvent(subject: string, data: Uint8Array): BusEvent {
  const parsed = parseSubject(subject);
  if (!parsed) throw new Error(`not an event subject: ${subject}`);
  return { ...parsed, subject, message: decodeEvent(schemaForSubject(parsed), data) } as BusEvent;
}
