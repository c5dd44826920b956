import type { SlotReserveContext } from '@temporalio/worker';
import { workflowSlots } from './workflow-slots';

const ctx = {
  slotType: 'workflow',
  taskQueue: 'q',
  workerIdentity: 'w',
  isSticky: false,
} as SlotReserveContext;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('workflowSlots', () => {
  test('grants `base` slots, then one more for each held round, and waiters in order as slots free', async () => {
    const slots = workflowSlots(2);
    const { supplier } = slots;
    const never = new AbortController().signal;
    await supplier.reserveSlot(ctx, never);
    await supplier.reserveSlot(ctx, never);
    expect(supplier.tryReserveSlot(ctx)).toBeNull();

    const granted: string[] = [];
    void supplier.reserveSlot(ctx, never).then(() => granted.push('a'));
    void supplier.reserveSlot(ctx, never).then(() => granted.push('b'));
    await tick();
    expect(granted).toEqual([]);

    // A held round keeps its slot but frees one for the next task.
    const endHold = slots.holding();
    await tick();
    expect(granted).toEqual(['a']);
    expect(slots.stats()).toEqual({ reserved: 3, held: 1 });

    // The hold ends: no new slot until enough are released to be back under the base.
    endHold();
    endHold(); // twice is once
    supplier.releaseSlot({ permit: {} });
    await tick();
    expect(granted).toEqual(['a']);
    supplier.releaseSlot({ permit: {} });
    await tick();
    expect(granted).toEqual(['a', 'b']);
    expect(slots.stats()).toEqual({ reserved: 2, held: 0 });
  });

  test('an aborted reservation leaves the queue with the signal reason and takes no slot', async () => {
    const slots = workflowSlots(1);
    const never = new AbortController().signal;
    await slots.supplier.reserveSlot(ctx, never);
    const abort = new AbortController();
    const pending = slots.supplier.reserveSlot(ctx, abort.signal);
    abort.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    slots.supplier.releaseSlot({ permit: {} });
    expect(slots.stats()).toEqual({ reserved: 0, held: 0 });
    expect(slots.supplier.tryReserveSlot(ctx)).not.toBeNull();
  });

  test('refuses a base that is not a positive integer', () => {
    expect(() => workflowSlots(0)).toThrow(RangeError);
  });
});
