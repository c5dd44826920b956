import type { Duration } from '@temporalio/common';
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  TimeoutFailure,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import {
  FAILURE_KINDS,
  type FirstAttempt,
  isFinalPublishFailure,
  type MarkPublishingResult,
  type PublishActivities,
  type PublishReason,
  type PublishTargetInput,
  type PublishTargetResult,
  type RecordOutcomeResult,
  type TargetFailure,
} from './publish-post.activities';
import {
  type Actor,
  cancelSignal,
  contentUpdatedSignal,
  publishNowSignal,
  type PublishPostInput,
  type PublishState,
  type PublishStatus,
  rescheduleSignal,
  rescheduleUpdate,
  retrySignal,
  statusQuery,
  type TargetOutcome,
} from './publish-post.contract';
import {
  BOOKKEEPING_OPTIONS,
  DEFAULT_PUBLISH_RETRY,
  DEFAULT_RETRY_WINDOW_MS,
  LOCAL_BOOKKEEPING_OPTIONS,
  LOCAL_FIRST_PUBLISH_OPTIONS,
  LOCAL_ROUND_OPTIONS,
  MAX_PUBLISH_ROUNDS,
  PUBLISH_LEAD_MS,
  publishFallbackOptions,
  publishTargetOptions,
} from './publish-post.options';
import { postStatusKey, scheduledAtKey } from './search-attributes';

/** Patch id guarding the search-attribute upserts (they are commands, so their presence is versioned). */
export const SEARCH_ATTRIBUTES_PATCH = 'vt-publish-post-search-attributes-v1';

/**
 * Patch id of running the bookkeeping activities (short database writes) as local activities: they run
 * inside the workflow task that needs them, so a post costs two workflow tasks and one activity task
 * on the server instead of five and four. Histories from before the patch keep their remote activities.
 */
export const LOCAL_BOOKKEEPING_PATCH = 'vt-publish-post-local-bookkeeping-v1';

/**
 * Patch id of publishing a target without media first as a local activity, in the workflow task the
 * timer woke: the whole round (mark, publish, record) is then one workflow task on the server. A failed
 * first attempt that may be retried continues as a regular activity with the attempts left, so retries,
 * backoff and heartbeats are the activity's as before. Effectively-once holds either way: the ledger
 * intent is written before the platform call, and any later attempt reconciles.
 */
export const LOCAL_FIRST_PUBLISH_PATCH = 'vt-publish-post-local-first-publish-v1';

/**
 * Patch id of taking the targets from the input when the starter sent them: the first workflow task
 * then only starts the timer (no database read, and no search-attribute upsert, as the starter set
 * them). The post's state is still checked when it falls due (`markPublishing`).
 */
export const TARGETS_FROM_INPUT_PATCH = 'vt-publish-post-targets-from-input-v1';

/**
 * Patch id of a round as one local activity (`publishRound`: mark, first attempts, outcome) instead of
 * three in a row: one activation of the workflow instead of three. The `publishing` search attribute is
 * then only upserted when the round goes on past that activity (media, retries): a round that ends in
 * it ends in the same workflow task, where nobody could see `publishing` anyway.
 */
export const ONE_ACTIVITY_ROUND_PATCH = 'vt-publish-post-one-activity-round-v1';

/**
 * Patch id of a timer round held to the second: the timer fires `PUBLISH_LEAD_MS` early and
 * `publishRound` waits out the rest in the worker, then marks the post (skipping it when the row was
 * rescheduled later or deleted meanwhile).
 */
export const HELD_ROUND_PATCH = 'vt-publish-post-held-round-v1';

const remoteBookkeeping = proxyActivities<PublishActivities>(BOOKKEEPING_OPTIONS);
const localBookkeeping = proxyLocalActivities<PublishActivities>(LOCAL_BOOKKEEPING_OPTIONS);
const localPublisher = proxyLocalActivities<PublishActivities>(LOCAL_FIRST_PUBLISH_OPTIONS);
const localRound = proxyLocalActivities<PublishActivities>(LOCAL_ROUND_OPTIONS);

/** How a round reaches the activities. */
interface Publishers {
  bookkeeping: PublishActivities;
  /** Every attempt, as a regular activity. */
  publisher: PublishActivities;
  /** After a failed local first attempt; undefined when that was the only attempt allowed (or no local first). */
  fallback?: PublishActivities;
  localFirst: boolean;
  firstRetryDelayMs: number;
}

/** A timer round that woke ahead of its time: how long it waits, and the time it publishes for. */
interface Held {
  holdMs: number;
  dueAt: string;
}

interface RoundOptions {
  round: number;
  reason: PublishReason;
  actor?: Actor;
  held?: Held;
}

interface Flow {
  state: PublishState;
  version: number;
  scheduledAt: string | null;
  targets: TargetOutcome[];
  timerMoved: boolean;
  publishNow?: { actor?: Actor };
  cancel?: { reason?: string; actor?: Actor };
  retry?: { actor?: Actor };
}

const awaitingRetry = (state: PublishState) => state === 'failed' || state === 'partially_published';

/**
 * One post's life from scheduled to published (or failed, or cancelled): waits for its time on a
 * durable timer that signals move, publishes every target in parallel, then keeps a failed post open
 * for `retry` during the retry window.
 */
export async function publishPostWorkflow(input: PublishPostInput): Promise<PublishStatus> {
  const flow: Flow = {
    state: 'waiting',
    version: input.version,
    scheduledAt: input.scheduledAt,
    targets: [],
    timerMoved: false,
  };
  const status = (): PublishStatus => ({
    state: flow.state,
    version: flow.version,
    nextFireAt: flow.state === 'waiting' ? flow.scheduledAt : null,
    targets: flow.targets,
  });
  const seeVersion = (version: number | undefined) => {
    if (version !== undefined && version > flow.version) flow.version = version;
  };
  const reschedule = (req: { scheduledAt: string; version: number }) => {
    flow.scheduledAt = req.scheduledAt;
    flow.timerMoved = true;
    seeVersion(req.version);
  };

  setHandler(statusQuery, status);
  setHandler(rescheduleSignal, (req) => {
    if (flow.state === 'waiting' && Number.isFinite(Date.parse(req.scheduledAt))) reschedule(req);
  });
  setHandler(
    rescheduleUpdate,
    (req) => {
      reschedule(req);
      return status();
    },
    {
      validator: (req: { scheduledAt: string }) => {
        if (flow.state !== 'waiting' || flow.publishNow || flow.cancel) {
          throw ApplicationFailure.create({
            type: 'PublishingStarted',
            message: `the post is ${flow.state}; it can no longer be rescheduled`,
          });
        }
        if (!Number.isFinite(Date.parse(req.scheduledAt))) {
          throw ApplicationFailure.create({
            type: 'InvalidSchedule',
            message: `not a time: ${req.scheduledAt}`,
          });
        }
      },
    },
  );
  setHandler(publishNowSignal, (req) => {
    if (flow.state !== 'waiting') return;
    flow.publishNow = { actor: req.actor };
    seeVersion(req.version);
  });
  // The gateway acts on the row, which a round's outcome reaches before this workflow does: a retry or
  // cancel that arrives while the state still says `publishing` is kept for when the round ends.
  setHandler(cancelSignal, (req) => {
    if (flow.state !== 'published' && flow.state !== 'cancelled') flow.cancel = req;
  });
  setHandler(contentUpdatedSignal, (req) => seeVersion(req.version));
  setHandler(retrySignal, (req) => {
    if (flow.state === 'publishing' || awaitingRetry(flow.state)) flow.retry = { actor: req.actor };
  });

  const bookkeeping = patched(LOCAL_BOOKKEEPING_PATCH) ? localBookkeeping : remoteBookkeeping;
  if (input.targets && patched(TARGETS_FROM_INPUT_PATCH)) {
    flow.targets = input.targets.map((t) => ({ ...t, status: 'pending', attempts: 0 }));
  } else {
    markSearchAttributes('scheduled', flow.scheduledAt);
    const snapshot = await bookkeeping.loadPostForPublish(input.postId);
    if (snapshot) {
      flow.targets = snapshot.targets;
      seeVersion(snapshot.version);
      if (snapshot.deleted || snapshot.status === 'cancelled') flow.cancel ??= { reason: 'deleted' };
    }
  }

  const lead = patched(HELD_ROUND_PATCH) ? PUBLISH_LEAD_MS : 0;
  // The first round; again when it was held and found the post moved later in the database.
  let publishers: Publishers | undefined;
  do {
    await waitUntilDue(flow, lead);
    if (flow.cancel) {
      await bookkeeping.markCancelled({ postId: input.postId, ...flow.cancel });
      flow.state = 'cancelled';
      markSearchAttributes('cancelled');
      return status();
    }
    // Built once the post is due: histories from before a patch checked it here.
    publishers ??= publishersFor(input, bookkeeping);
    const reason: PublishReason = flow.publishNow ? 'publish_now' : 'timer_fired';
    const held = lead > 0 && reason === 'timer_fired' ? heldFor(flow.scheduledAt) : undefined;
    await publishRound(input, flow, publishers, {
      round: 1,
      reason,
      actor: flow.publishNow?.actor,
      ...(held ? { held } : {}),
    });
  } while (flow.state === 'waiting');
  for (let round = 2; round <= MAX_PUBLISH_ROUNDS && awaitingRetry(flow.state); round++) {
    const retry = await awaitRetry(flow, input.retryWindowMs ?? DEFAULT_RETRY_WINDOW_MS);
    if (!retry) break;
    await publishRound(input, flow, publishers, { round, reason: 'retry', actor: retry.actor });
  }
  await condition(allHandlersFinished);
  return status();
}

/** How the rounds reach the activities, by the post's retry policy and the patches in force. */
function publishersFor(input: PublishPostInput, bookkeeping: PublishActivities): Publishers {
  const fallbackOptions = publishFallbackOptions(input.retry);
  return {
    bookkeeping,
    publisher: proxyActivities<PublishActivities>(publishTargetOptions(input.retry)),
    ...(fallbackOptions ? { fallback: proxyActivities<PublishActivities>(fallbackOptions) } : {}),
    localFirst: patched(LOCAL_FIRST_PUBLISH_PATCH),
    firstRetryDelayMs: input.retry?.initialIntervalMs ?? DEFAULT_PUBLISH_RETRY.initialIntervalMs,
  };
}

/** The wait left before a timer round that woke `lead` early (by the workflow's clock, which is the server's). */
function heldFor(scheduledAt: string | null): Held | undefined {
  if (scheduledAt === null) return undefined;
  return { holdMs: Math.max(0, Date.parse(scheduledAt) - Date.now()), dueAt: scheduledAt };
}

/**
 * Sleeps until `lead` before the post is due; a reschedule moves the timer, publishNow and cancel end
 * the wait. A timer that fires early (an earlier version woke posts on approach) just sets the next.
 */
async function waitUntilDue(flow: Flow, lead: number): Promise<void> {
  let shown = flow.scheduledAt;
  while (!flow.cancel && !flow.publishNow) {
    if (flow.scheduledAt !== shown) {
      shown = flow.scheduledAt;
      markSearchAttributes('scheduled', shown);
    }
    const dueIn = flow.scheduledAt === null ? 0 : Date.parse(flow.scheduledAt) - lead - Date.now();
    if (!(dueIn > 0)) return;
    flow.timerMoved = false;
    await condition(
      () => flow.timerMoved || flow.cancel !== undefined || flow.publishNow !== undefined,
      dueIn,
    );
  }
}

/** Waits for a `retry` signal; undefined when the window closes or the post is cancelled first. */
async function awaitRetry(flow: Flow, windowMs: number): Promise<Flow['retry']> {
  await condition(() => flow.retry !== undefined || flow.cancel !== undefined, windowMs);
  return flow.cancel ? undefined : flow.retry;
}

/** One publishing round: lock the post, publish the unpublished targets in parallel, record the outcome. */
async function publishRound(
  input: PublishPostInput,
  flow: Flow,
  publishers: Publishers,
  { held, ...opts }: RoundOptions,
): Promise<void> {
  const { bookkeeping } = publishers;
  flow.state = 'publishing';
  flow.retry = undefined;
  const oneActivity = publishers.localFirst && patched(ONE_ACTIVITY_ROUND_PATCH);
  const markInput = {
    postId: input.postId,
    version: flow.version,
    ...opts,
    ...(held ? { dueAt: held.dueAt } : {}),
  };
  let firstAttempts = new Map<string, FirstAttempt>();
  let marked: MarkPublishingResult;
  if (oneActivity) {
    const round = await localRound.publishRound({
      ...markInput,
      retriesLeft: publishers.fallback !== undefined,
      ...(held ? { holdMs: held.holdMs } : {}),
    });
    marked = round.marked;
    if (round.outcome && marked.kind === 'ready') {
      flow.version = marked.version;
      endRound(flow, round.outcome);
      return;
    }
    firstAttempts = new Map(round.attempts.map((a) => [a.targetId, a]));
    if (marked.kind === 'ready') markSearchAttributes('publishing');
  } else {
    if (held && held.holdMs > 0) await sleep(held.holdMs);
    markSearchAttributes('publishing');
    marked = await bookkeeping.markPublishing(markInput);
  }
  if (marked.kind === 'later') {
    flow.state = 'waiting';
    flow.scheduledAt = marked.scheduledAt;
    flow.version = Math.max(flow.version, marked.version);
    markSearchAttributes('scheduled', marked.scheduledAt);
    return;
  }
  if (marked.kind === 'skip') {
    flow.state =
      marked.status === 'published' || marked.status === 'partially_published' ? marked.status : 'cancelled';
    markSearchAttributes(flow.state);
    return;
  }
  const { version } = marked;
  flow.version = version;
  for (const target of marked.targets) updateTarget(flow, target);
  const failures = await Promise.all(
    marked.targets.map(async (target): Promise<TargetFailure | undefined> => {
      try {
        const req = { postId: input.postId, targetId: target.targetId, version };
        const first = firstAttempts.get(target.targetId);
        const done = first
          ? await finishTarget(publishers, req, first)
          : await publishTarget(publishers, req, marked.withMedia === true);
        updateTarget(flow, {
          ...target,
          status: 'published',
          attempts: done.attempts,
          platformPostId: done.platformPostId,
          url: done.url,
        });
        return undefined;
      } catch (err) {
        const failure = err instanceof FinalAttempt ? err.failure : describeFailure(target.targetId, err);
        updateTarget(flow, {
          ...target,
          status: 'failed',
          error: { kind: failure.kind, message: failure.message },
        });
        return failure;
      }
    }),
  );
  const outcome = await bookkeeping.recordOutcome({
    postId: input.postId,
    version,
    round: opts.round,
    failures: failures.filter((f): f is TargetFailure => f !== undefined),
  });
  endRound(flow, outcome);
}

function endRound(flow: Flow, outcome: RecordOutcomeResult): void {
  flow.targets = outcome.targets;
  flow.state = outcome.status;
  markSearchAttributes(outcome.status);
}

/** A first attempt's failure that ends the target (thrown so the round records it as the activity's own words). */
class FinalAttempt extends Error {
  constructor(readonly failure: TargetFailure) {
    super(failure.message);
  }
}

/** After `publishRound`'s first attempt: its result, its final failure, or the attempts left after the backoff. */
async function finishTarget(
  p: Publishers,
  req: PublishTargetInput,
  first: FirstAttempt,
): Promise<PublishTargetResult> {
  if ('published' in first) return first.published;
  const { final, nextRetryDelay, ...failure } = first.failed;
  if (final || !p.fallback) throw new FinalAttempt(failure);
  return retryAfterFirst(p.fallback, req, nextRetryDelay ?? p.firstRetryDelayMs);
}

/**
 * One target's publish: a local first attempt when the round allows it, then the regular activity
 * with the attempts left after waiting the first retry interval (or the platform's Retry-After).
 */
async function publishTarget(
  p: Publishers,
  req: PublishTargetInput,
  withMedia: boolean,
): Promise<PublishTargetResult> {
  if (!p.localFirst || withMedia) return p.publisher.publishTarget(req);
  try {
    return await localPublisher.publishTarget(req);
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const failure = cause instanceof ApplicationFailure ? cause : undefined;
    if ((failure && isFinalPublishFailure(failure)) || !p.fallback) throw err;
    return retryAfterFirst(p.fallback, req, failure?.nextRetryDelay ?? p.firstRetryDelayMs);
  }
}

/** The attempts left after a failed first attempt, once the first backoff (or the platform's Retry-After) has passed. */
async function retryAfterFirst(
  fallback: PublishActivities,
  req: PublishTargetInput,
  delay: Duration,
): Promise<PublishTargetResult> {
  await sleep(delay);
  return fallback.publishTarget(req);
}

function updateTarget(flow: Flow, next: TargetOutcome): void {
  const index = flow.targets.findIndex((t) => t.targetId === next.targetId);
  if (index === -1) flow.targets.push(next);
  else flow.targets[index] = next;
}

/** A failed activity as the status query and the outcome show it: a stable kind and the platform's words. */
function describeFailure(targetId: string, err: unknown): TargetFailure {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    return { targetId, kind: FAILURE_KINDS[cause.type ?? ''] ?? 'error', message: cause.message };
  }
  if (cause instanceof TimeoutFailure) return { targetId, kind: 'timeout', message: cause.message };
  return { targetId, kind: 'error', message: cause instanceof Error ? cause.message : String(cause) };
}

/** Upserts the post's status (and its time, when given) for visibility queries. */
function markSearchAttributes(status: string, scheduledAt?: string | null): void {
  if (!patched(SEARCH_ATTRIBUTES_PATCH)) return;
  const time = scheduledAt ? new Date(scheduledAt) : undefined;
  upsertSearchAttributes([
    { key: postStatusKey, value: status },
    ...(time && Number.isFinite(time.getTime()) ? [{ key: scheduledAtKey, value: time }] : []),
  ]);
}
