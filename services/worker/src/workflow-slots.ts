import type { CustomSlotSupplier, SlotPermit, WorkflowSlotInfo } from '@temporalio/worker';

/** Workflow-task slots that do not count held rounds, and the hook that tells them of one. */
export interface WorkflowSlots {
  supplier: CustomSlotSupplier<WorkflowSlotInfo>;
  /** A round started waiting out its hold (its task keeps its slot): one more slot until the returned call. */
  holding: () => () => void;
  /** Slots reserved now, and rounds held now (for tests and metrics). */
  stats: () => { reserved: number; held: number };
}

/**
 * Workflow-task slots: `base` for tasks being worked on, plus one for each round held to its time.
 *
 * A held round keeps its workflow task (and so its slot) open until the post's second. A fixed slot
 * count big enough for the held rounds would, when none are held (a burst of new posts), let the
 * worker take that many tasks from the server at once. Each then waits in the worker before it runs,
 * and a timer a task sets runs from the task's end while its length was computed at its start: a
 * post's timer moves by that wait. Bounding the tasks in work, not the held ones, keeps the wait
 * short: `base` tasks at the rate the worker runs them.
 */
export function workflowSlots(base: number): WorkflowSlots {
  if (!Number.isInteger(base) || base < 1) throw new RangeError(`base must be a positive integer: ${base}`);
  let reserved = 0;
  let held = 0;
  const waiting: Array<() => void> = [];
  const free = () => reserved < base + held;
  const wake = () => {
    while (waiting.length > 0 && free()) {
      reserved++;
      waiting.shift()!();
    }
  };
  const permit = (): SlotPermit => ({});
  return {
    supplier: {
      type: 'custom',
      reserveSlot(_ctx, abortSignal) {
        if (free()) {
          reserved++;
          return Promise.resolve(permit());
        }
        return new Promise<SlotPermit>((resolve, reject) => {
          const grant = () => {
            abortSignal.removeEventListener('abort', abort);
            resolve(permit());
          };
          const abort = () => {
            const at = waiting.indexOf(grant);
            if (at >= 0) waiting.splice(at, 1);
            // The SDK expects the signal's own reason (an AbortError) back.
            reject(abortSignal.reason as Error);
          };
          waiting.push(grant);
          abortSignal.addEventListener('abort', abort, { once: true });
        });
      },
      tryReserveSlot() {
        if (!free()) return null;
        reserved++;
        return permit();
      },
      markSlotUsed() {},
      releaseSlot() {
        reserved--;
        wake();
      },
    },
    holding() {
      held++;
      wake();
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        held--;
      };
    },
    stats: () => ({ reserved, held }),
  };
}
