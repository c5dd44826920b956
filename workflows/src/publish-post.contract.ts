import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** What starts a post's workflow. Content is not carried: activities read it at publish time. */
export interface PublishPostInput {
  postId: string;
  organizationId: string;
  /** ISO-8601; when absent or past, the post publishes at once. */
  scheduledAt: string | null;
  version: number;
  /** Retry policy for each target's publish activity (the spec's default: 3 attempts, exponential). */
  retry?: { maximumAttempts?: number; initialIntervalMs?: number; backoffCoefficient?: number };
  /** How long a failed post waits for a `retry` signal before the workflow closes. */
  retryWindowMs?: number;
  /** How long a due post waits for media still processing before those targets fail (default 10 min). */
  mediaWaitMs?: number;
  /** The post's targets when the starter committed it: the status query shows them while the post waits. */
  targets: { targetId: string; platform: string }[];
}

/** The workflow's own view of where it is. */
export type PublishState =
  'waiting' | 'publishing' | 'published' | 'partially_published' | 'failed' | 'cancelled';

/** One target's outcome, as the status query shows it. */
export interface TargetOutcome {
  targetId: string;
  platform: string;
  status: 'pending' | 'publishing' | 'published' | 'failed' | 'cancelled';
  attempts: number;
  platformPostId?: string;
  url?: string;
  error?: { kind: string; message: string };
  /** The media a due target waits for (still processing); its platform call has not begun. */
  waitingForMedia?: string[];
}

/** The answer of the `status` query. */
export interface PublishStatus {
  state: PublishState;
  version: number;
  nextFireAt: string | null;
  targets: TargetOutcome[];
}

/** Who asked for a change, for the audit trail. */
export interface Actor {
  type: 'user' | 'operator' | 'system';
  id?: string;
}

/**
 * A new time. The gateway sends the row's `version` (it wrote the row first); an operator sends none,
 * and the workflow then writes the row itself, or records why it refused.
 */
export interface RescheduleRequest {
  scheduledAt: string;
  version?: number;
  actor?: Actor;
}

export const rescheduleSignal = defineSignal<[RescheduleRequest]>('reschedule');
export const publishNowSignal = defineSignal<[{ version?: number; actor?: Actor }]>('publishNow');
export const cancelSignal = defineSignal<[{ reason?: string; actor?: Actor }]>('cancel');
export const contentUpdatedSignal = defineSignal<[{ version: number; actor?: Actor }]>('contentUpdated');
export const retrySignal = defineSignal<[{ actor?: Actor }]>('retry');
export const statusQuery = defineQuery<PublishStatus>('status');
/** Synchronous reschedule: rejected (not merely ignored) when publishing has begun or the time is not ahead. */
export const rescheduleUpdate = defineUpdate<PublishStatus, [RescheduleRequest]>('rescheduleSync');
/**
 * A medium a post uses finished processing (sent by the media service after its Bull job settles).
 * The workflow re-checks the post's media when it is due; this signal only wakes it early.
 */
export const mediaStatusSignal =
  defineSignal<[{ mediaId: string; status: 'ready' | 'failed' }]>('mediaStatus');
