import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  TimeoutFailure,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import {
  FAILURE_KINDS,
  type MarkCancelledInput,
  type PublishActivities,
  type PublishReason,
  type PublishTargetResult,
  type TargetResult,
} from './publish-post.activities';
import {
  type Actor,
  cancelSignal,
  contentUpdatedSignal,
  mediaStatusSignal,
  publishNowSignal,
  type PublishPostInput,
  type PublishState,
  type PublishStatus,
  type RescheduleRequest,
  rescheduleSignal,
  rescheduleUpdate,
  retrySignal,
  statusQuery,
  type TargetOutcome,
} from './publish-post.contract';
import {
  BOOKKEEPING_OPTIONS,
  DEFAULT_MEDIA_WAIT_MS,
  DEFAULT_RETRY_WINDOW_MS,
  MAX_PUBLISH_ROUNDS,
  publishTargetOptions,
} from './publish-post.options';
import { postStatusKey, scheduledAtKey } from './search-attributes';

const bookkeeping = proxyLocalActivities<PublishActivities>(BOOKKEEPING_OPTIONS);

/** Who sent a signal with no actor: the gateway always names its user, so it came from an operator. */
const OPERATOR: Actor = { type: 'operator' };

/** What one post's workflow knows: its status query, and the requests its handlers took. */
interface Flow {
  state: PublishState;
  version: number;
  scheduledAt: string | null;
  targets: TargetOutcome[];
  /** Set by a reschedule: the timer must be set again. */
  timerMoved: boolean;
  /** Set by `mediaStatus`: targets waiting for media try again. */
  mediaChanged: boolean;
  publishNow?: { actor?: Actor };
  cancel?: MarkCancelledInput;
  retry?: { actor?: Actor };
  /** The running round's activities; a cancel cancels them. */
  round?: CancellationScope;
  /** A cancel taken during a round, written to the database. */
  cancelling?: Promise<unknown>;
}

const awaitingRetry = (state: PublishState) => state === 'failed' || state === 'partially_published';

/**
 * One post's life: it waits for its time on a durable timer (a reschedule moves it, publishNow or a
 * cancel ends the wait), publishes every target in parallel, each an activity with the post's retry
 * policy, records the outcome, then keeps a failed post open for `retry` during the retry window.
 * No handler ever waits for a round: signals, queries and updates are answered at once.
 */
export async function publishPostWorkflow(input: PublishPostInput): Promise<PublishStatus> {
  const flow: Flow = {
    state: 'waiting',
    version: input.version,
    scheduledAt: input.scheduledAt,
    targets: input.targets.map((t) => ({ ...t, status: 'pending', attempts: 0 })),
    timerMoved: false,
    mediaChanged: false,
  };
  const publisher = proxyActivities<PublishActivities>(publishTargetOptions(input.retry));

  const status = (): PublishStatus => ({
    state: flow.state,
    version: flow.version,
    nextFireAt: flow.state === 'waiting' ? flow.scheduledAt : null,
    targets: flow.targets,
  });
  const seeVersion = (version: number | undefined) => {
    if (version !== undefined && version > flow.version) flow.version = version;
  };
  const reschedule = (req: { scheduledAt: string; version?: number }) => {
    flow.scheduledAt = req.scheduledAt;
    flow.timerMoved = true;
    seeVersion(req.version);
    markSearchAttributes('scheduled', req.scheduledAt);
  };
  /**
   * An operator's reschedule (no version): the row is written first, on its lock, and the timer
   * follows; a time not ahead, or a post no longer waiting, is refused there and the refusal goes on
   * the post's timeline. A gateway's (with the version it wrote) moves the timer alone.
   */
  const applyReschedule = async (req: RescheduleRequest): Promise<string | undefined> => {
    if (req.version !== undefined) {
      if (flow.state === 'waiting' && Number.isFinite(Date.parse(req.scheduledAt))) reschedule(req);
      return undefined;
    }
    const done = await bookkeeping.reschedulePost({
      postId: input.postId,
      scheduledAt: req.scheduledAt,
      actor: req.actor ?? OPERATOR,
    });
    if (!done.applied) return done.reason;
    if (flow.state === 'waiting') reschedule(done);
    return undefined;
  };
  /** A cancel, from a signal or a Temporal cancel request: in a round, the database first, then the activities. */
  const requestCancel = (req: { reason?: string; actor?: Actor }) => {
    if (flow.cancel || flow.state === 'published' || flow.state === 'cancelled') return;
    flow.cancel = { postId: input.postId, ...req };
    if (flow.state !== 'publishing') return;
    const write = CancellationScope.nonCancellable(() => bookkeeping.markCancelled(flow.cancel!));
    // Once the database says cancelled, no target's platform call can begin; stop the ones waiting.
    flow.cancelling = write.then(() => flow.round?.cancel());
  };

  setHandler(statusQuery, status);
  setHandler(rescheduleSignal, async (req) => {
    await applyReschedule(req);
  });
  setHandler(
    rescheduleUpdate,
    async (req) => {
      const refused = await applyReschedule(req);
      if (refused) throw ApplicationFailure.create({ type: 'RescheduleRefused', message: refused });
      return status();
    },
    {
      validator: (req: RescheduleRequest) => {
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
        if (req.version === undefined && Date.parse(req.scheduledAt) <= Date.now()) {
          throw ApplicationFailure.create({
            type: 'InvalidSchedule',
            message: `${req.scheduledAt} is not in the future`,
          });
        }
      },
    },
  );
  setHandler(publishNowSignal, (req) => {
    if (flow.state !== 'waiting') return;
    flow.publishNow = { actor: req.actor ?? OPERATOR };
    seeVersion(req.version);
  });
  setHandler(cancelSignal, (req) => requestCancel({ ...req, actor: req.actor ?? OPERATOR }));
  setHandler(contentUpdatedSignal, (req) => seeVersion(req.version));
  setHandler(mediaStatusSignal, () => {
    flow.mediaChanged = true;
  });
  setHandler(retrySignal, (req) => {
    if (flow.state === 'publishing' || awaitingRetry(flow.state)) {
      flow.retry = { actor: req.actor ?? OPERATOR };
    }
  });

  // A Temporal cancel request (the Web UI's Cancel, `temporal workflow cancel`) is an operator's
  // cancel. The post's life runs in a non-cancellable scope so that it ends the same way as a signal.
  const root = CancellationScope.current();
  root.cancelRequested.catch(() => requestCancel({ reason: 'cancel_requested', actor: OPERATOR }));

  await CancellationScope.nonCancellable(async () => {
    // The first round, and again when the gateway moved the post later as the round began.
    do {
      await waitUntilDue(flow);
      if (flow.cancel) {
        await bookkeeping.markCancelled(flow.cancel);
        flow.state = 'cancelled';
        markSearchAttributes('cancelled');
        return;
      }
      const reason: PublishReason = flow.publishNow ? 'publish_now' : 'timer_fired';
      await runRound(1, reason, flow.publishNow?.actor);
    } while (flow.state === 'waiting');
    for (let round = 2; round <= MAX_PUBLISH_ROUNDS && awaitingRetry(flow.state); round++) {
      await condition(
        () => flow.retry !== undefined || flow.cancel !== undefined,
        input.retryWindowMs ?? DEFAULT_RETRY_WINDOW_MS,
      );
      // A cancel closes the retry window (written once: a cancel taken during the round already was).
      if (flow.cancel) await (flow.cancelling ??= bookkeeping.markCancelled(flow.cancel));
      if (!flow.retry || flow.cancel) break;
      await runRound(round, 'retry', flow.retry.actor);
    }
  });
  await condition(allHandlersFinished);
  // Closed as Canceled in Temporal when that is what was asked, after the post was ended cleanly.
  if (root.consideredCancelled) throw new CancelledFailure('cancelled by request', [status()]);
  return status();

  /**
   * One round: every open target's publish in parallel, inside a scope a cancel can stop, then the
   * outcome recorded (by the last target itself when every one went out). Targets whose media are
   * still processing wait for `mediaStatus` (up to `mediaWaitMs`) and go again. Back to `waiting`
   * when every target found the post moved later.
   */
  async function runRound(round: number, reason: PublishReason, actor: Actor | undefined): Promise<void> {
    // Not upserted: a round lasts about a second, and each upsert is one more visibility write.
    flow.state = 'publishing';
    flow.retry = undefined;
    const todo = flow.targets.filter((t) => t.status !== 'published' && t.status !== 'cancelled');
    const dueAt = reason === 'timer_fired' ? (flow.scheduledAt ?? undefined) : undefined;
    const scope = new CancellationScope();
    flow.round = scope;
    const publishAll = (targetIds: string[]) => {
      // Reset before the calls: a signal that arrives while they run still wakes the wait below.
      flow.mediaChanged = false;
      return scope.run(() =>
        Promise.all(
          targetIds.map((targetId) => {
            updateTarget(flow, targetId, { status: 'publishing', waitingForMedia: undefined });
            return publishOne(publisher, {
              postId: input.postId,
              targetId,
              version: flow.version,
              round,
              reason,
              dueAt,
              ...(actor ? { actor } : {}),
            });
          }),
        ),
      );
    };
    let results = await publishAll(todo.map((t) => t.targetId));
    const mediaDeadline = Date.now() + (input.mediaWaitMs ?? DEFAULT_MEDIA_WAIT_MS);
    for (;;) {
      const waiting = results.filter((r) => r.kind === 'waiting_media').map((r) => r.targetId);
      if (waiting.length === 0 || flow.cancel) break;
      const left = mediaDeadline - Date.now();
      const woken = left > 0 && (await condition(() => flow.mediaChanged || flow.cancel !== undefined, left));
      if (flow.cancel) break;
      if (!woken) {
        const waitedS = Math.round((input.mediaWaitMs ?? DEFAULT_MEDIA_WAIT_MS) / 1000);
        results = results.map((r) => (r.kind === 'waiting_media' ? mediaNotReady(flow, r, waitedS) : r));
        break;
      }
      const again = await publishAll(waiting);
      results = results.map((r) => again.find((a) => a.targetId === r.targetId) ?? r);
    }
    flow.round = undefined;
    const moved = results.find((r) => r.kind === 'moved');
    if (moved?.kind === 'moved' && results.every((r) => r.kind === 'moved')) {
      flow.state = 'waiting';
      flow.scheduledAt = moved.scheduledAt;
      seeVersion(moved.version);
      for (const { targetId } of todo) updateTarget(flow, targetId, { status: 'pending' });
      markSearchAttributes('scheduled', moved.scheduledAt);
      return;
    }
    // The last target's confirmation wrote the post's outcome when every target went out.
    const ended = results.map((r) => ('postStatus' in r ? r.postStatus : undefined)).find(Boolean);
    if (ended && results.every((r) => r.kind === 'published')) {
      flow.state = ended;
      markSearchAttributes(ended);
      return;
    }
    await flow.cancelling;
    const outcome = await bookkeeping.recordOutcome({
      postId: input.postId,
      round,
      results: results.map(asTargetResult),
    });
    flow.state = outcome.status;
    flow.targets = outcome.targets;
    seeVersion(outcome.version);
    markSearchAttributes(outcome.status);
  }

  /** One target's publish; its failure or cancellation comes back as data, for the round's outcome. */
  async function publishOne(
    activities: PublishActivities,
    req: Parameters<PublishActivities['publishTarget']>[0],
  ): Promise<PublishTargetResult | TargetResult> {
    try {
      const result = await activities.publishTarget(req);
      if (result.kind === 'waiting_media') {
        updateTarget(flow, req.targetId, { status: 'pending', waitingForMedia: result.mediaIds });
      }
      if (result.kind === 'published') {
        updateTarget(flow, req.targetId, {
          status: 'published',
          attempts: result.attempts,
          platformPostId: result.platformPostId,
          url: result.url,
        });
      }
      return result;
    } catch (err) {
      if (isCancellation(err)) return { targetId: req.targetId, kind: 'cancelled' };
      const error = describeFailure(err);
      updateTarget(flow, req.targetId, { status: 'failed', error });
      return { targetId: req.targetId, kind: 'failed', error };
    }
  }
}

/** Sleeps until the post is due; a reschedule moves the timer, publishNow and cancel end the wait. */
async function waitUntilDue(flow: Flow): Promise<void> {
  while (!flow.cancel && !flow.publishNow) {
    const dueIn = flow.scheduledAt === null ? 0 : Date.parse(flow.scheduledAt) - Date.now();
    if (!(dueIn > 0)) return;
    flow.timerMoved = false;
    await condition(
      () => flow.timerMoved || flow.cancel !== undefined || flow.publishNow !== undefined,
      dueIn,
    );
  }
}

/** A target's result as `recordOutcome` takes it (one moved while others went on: left to a retry). */
function asTargetResult(r: PublishTargetResult | TargetResult): TargetResult {
  switch (r.kind) {
    case 'published':
    case 'cancelled':
      return { targetId: r.targetId, kind: r.kind };
    case 'failed':
      return r;
    case 'moved':
      return {
        targetId: r.targetId,
        kind: 'failed',
        error: { kind: 'rescheduled', message: 'the post was rescheduled as this round began' },
      };
    // Only left when a cancel ended the wait for media: the target made no call.
    case 'waiting_media':
      return { targetId: r.targetId, kind: 'cancelled' };
  }
}

/** A target whose media did not become ready in time fails, having made no call. */
function mediaNotReady(
  flow: Flow,
  r: { targetId: string; mediaIds: string[] },
  waitedS: number,
): TargetResult {
  const error = {
    kind: 'media_not_ready',
    message: `media ${r.mediaIds.join(', ')} still processing after ${waitedS} s`,
  };
  updateTarget(flow, r.targetId, { status: 'failed', error, waitingForMedia: undefined });
  return { targetId: r.targetId, kind: 'failed', error };
}

function updateTarget(flow: Flow, targetId: string, change: Partial<TargetOutcome>): void {
  const index = flow.targets.findIndex((t) => t.targetId === targetId);
  const target = flow.targets[index];
  if (target) flow.targets[index] = { ...target, ...change };
}

/** A failed activity as the status query and the outcome show it: a stable kind and the platform's words. */
function describeFailure(err: unknown): { kind: string; message: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    return { kind: FAILURE_KINDS[cause.type ?? ''] ?? 'error', message: cause.message };
  }
  if (cause instanceof TimeoutFailure) return { kind: 'timeout', message: cause.message };
  return { kind: 'error', message: cause instanceof Error ? cause.message : String(cause) };
}

/** Upserts the post's status (and its time, when given) for visibility queries. */
function markSearchAttributes(status: string, scheduledAt?: string | null): void {
  const time = scheduledAt ? new Date(scheduledAt) : undefined;
  upsertSearchAttributes([
    { key: postStatusKey, value: status },
    ...(time && Number.isFinite(time.getTime()) ? [{ key: scheduledAtKey, value: time }] : []),
  ]);
}
