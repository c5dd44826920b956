import { ApplicationFailure } from '@temporalio/common';
import type { PublishResult, UploadedMedia } from '@vibetribe/platforms';
import { PUBLISH_ERROR_TYPES, type PublishTargetResult } from '@vibetribe/workflows';
import { type Confirmed, confirm } from './confirm';
import { preparePost, type PreparedPost, uploadMedia } from './content';
import type { ActivityDeps } from './deps';
import {
  CALL_LEASE_S,
  countCall,
  type LedgerRow,
  readLedger,
  releaseLease,
  renewLease,
  takeLease,
} from './ledger';
import { sleep, untilAvailable } from './dependency';
import type { Call } from './start';
import { withFreshToken } from './tokens';

export type Published = Extract<PublishTargetResult, { kind: 'published' }>;

/**
 * Finds our post on the platform (an inherited intent), or creates it. The call is counted before
 * each create: by the statement that wrote a fresh intent, or here for an inherited one.
 */
async function findOrCreate(
  deps: ActivityDeps,
  ledger: LedgerRow,
  call: Call,
  prepared: PreparedPost,
  media: UploadedMedia[],
): Promise<{ result: PublishResult; reused: boolean }> {
  const { connector, account, text } = prepared;
  if (!call.freshIntent) {
    const since = new Date(ledger.intentAt.getTime() - (deps.lookupSkewMs ?? 30_000));
    const found = await connector.lookup({ account, clientRef: call.clientRef, text, since });
    if (found) {
      deps.logger.info(
        { clientRef: call.clientRef, platformPostId: found.platformPostId },
        'reconciled an earlier publish',
      );
      return { result: found, reused: true };
    }
    await untilAvailable(deps, 'counting the call', () => countCall(deps.orm.em.fork(), ledger.id));
  }
  const result = await connector.publish({
    account,
    text,
    media,
    clientRef: call.clientRef,
    idempotencyKey: call.clientRef,
  });
  return { result, reused: false };
}

/**
 * Takes the lease on the call, or finds it done: another live attempt (a zombie worker's) holding it
 * is waited out until it confirms or its lease lapses, so it never posts twice; past that, the
 * attempt fails as in flight and Temporal retries it.
 */
async function holdCall(
  deps: ActivityDeps,
  clientRef: string,
): Promise<{ held: LedgerRow } | { confirmed: LedgerRow }> {
  const em = deps.orm.em.fork();
  const deadline = Date.now() + (CALL_LEASE_S + 5) * 1_000;
  for (;;) {
    const held = await untilAvailable(deps, 'taking the call', () => takeLease(em, clientRef));
    if (held) return { held };
    const ledger = await untilAvailable(deps, 'reading the ledger', () => readLedger(em, clientRef));
    if (!ledger) throw new Error(`ledger row ${clientRef} vanished`);
    if (ledger.state === 'confirmed') return { confirmed: ledger };
    if (Date.now() > deadline) {
      throw ApplicationFailure.create({
        type: PUBLISH_ERROR_TYPES.inFlight,
        message: `another attempt is publishing ${clientRef}`,
        nextRetryDelay: '5s',
      });
    }
    await sleep(Math.min(Math.max((ledger.leaseUntil?.getTime() ?? 0) - Date.now(), 50), 1_000));
  }
}

/**
 * The platform call under the ledger row's lease, renewed while the media uploads and the platform
 * answers: no database connection is held across the call. Success is confirmed (which ends the
 * lease); a failure lets the lease go so the next attempt need not wait for it. A row another
 * attempt confirmed meanwhile is confirmed as it is, with no call.
 */
export async function callPlatform(
  deps: ActivityDeps,
  call: Call,
): Promise<Confirmed & { published: Published }> {
  const lease = call.freshIntent ? { held: call.freshIntent } : await holdCall(deps, call.clientRef);
  let outcome: { result: PublishResult; reused: boolean };
  if ('confirmed' in lease) {
    const { platformPostId, platformUrl } = lease.confirmed;
    outcome = { result: { platformPostId: platformPostId ?? '', url: platformUrl ?? '' }, reused: true };
  } else {
    const em = deps.orm.em.fork();
    const id = lease.held.id;
    const renew = setInterval(
      () => {
        renewLease(em, id).catch((err: unknown) => deps.logger.warn({ err, id }, 'lease not renewed'));
      },
      (CALL_LEASE_S * 1_000) / 3,
    );
    try {
      const prepared = await untilAvailable(deps, 'reading the media', () => preparePost(deps, call.target));
      outcome = await withFreshToken(deps, call, prepared, async () =>
        findOrCreate(deps, lease.held, call, prepared, await uploadMedia(deps, prepared)),
      );
    } catch (err) {
      await releaseLease(em, id).catch(() => undefined);
      throw err;
    } finally {
      clearInterval(renew);
    }
  }
  // The platform has the post: this waits for the database rather than fail a published target.
  const confirmed = await untilAvailable(deps, 'confirming the call', () =>
    confirm(deps.orm.em, call, outcome.result, outcome.reused),
  );
  const { attempts } = confirmed;
  const { result, reused } = outcome;
  return {
    ...confirmed,
    published: { kind: 'published', targetId: call.input.targetId, ...result, reused, attempts },
  };
}
