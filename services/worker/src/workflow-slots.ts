import type { CustomSlotSupplier, SlotPermit, WorkflowSlotInfo } from '@temporalio/worker';
import { Semaphore } from '@vibetribe/runtime';

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
  const slots = new Semaphore(base);
  let held = 0;
  const permit = (): SlotPermit => ({});
  return {
    supplier: {
      type: 'custom',
      // The SDK expects an aborted reservation to reject with the signal's own reason.
      reserveSlot: (_ctx, abortSignal) => slots.acquire(abortSignal).then(permit),
      tryReserveSlot: () => (slots.tryAcquire() ? permit() : null),
      markSlotUsed() {},
      releaseSlot: () => slots.release(),
    },
    holding() {
      held++;
      slots.resize(1);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        held--;
        slots.resize(-1);
      };
    },
    stats: () => ({ reserved: slots.inUse, held }),
  };
}
