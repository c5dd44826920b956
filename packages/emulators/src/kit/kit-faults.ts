import { type KitFaults } from './kit-types';

/** `next` merged over `current`, its `failNext` copied: counters are consumed in place and must not change the caller's object. */
export function mergeFaults<F extends Pick<KitFaults, 'failNext'>>(current: F, next: F): F {
  const failNext = next.failNext && { ...next.failNext };
  return { ...current, ...next, ...(failNext ? { failNext } : {}) };
}
