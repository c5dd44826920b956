import { Semaphore } from './semaphore';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A task that runs until `finish` is called; records how many ran at once. */
function tasks() {
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const finishers = new Map<number, (fail?: boolean) => void>();
  const task = (id: number) => () =>
    new Promise<number>((resolve, reject) => {
      running++;
      most = Math.max(most, running);
      started.push(id);
      finishers.set(id, (fail) => {
        running--;
        if (fail) reject(new Error(`task ${id} failed`));
        else resolve(id);
      });
    });
  return {
    task,
    started,
    finish: (id: number, fail?: boolean) => finishers.get(id)!(fail),
    most: () => most,
  };
}

describe('Semaphore', () => {
  test('lets `size` through at once, the rest in arrival order, and frees a place on failure', async () => {
    const g = new Semaphore(2);
    const t = tasks();
    const results = [1, 2, 3, 4].map((id) => g.run(t.task(id)));
    await tick();
    expect(t.started).toEqual([1, 2]);
    t.finish(2, true);
    await expect(results[1]).rejects.toThrow('task 2 failed');
    await tick();
    expect(t.started).toEqual([1, 2, 3]);
    t.finish(1);
    await tick();
    expect(t.started).toEqual([1, 2, 3, 4]);
    t.finish(3);
    t.finish(4);
    expect(await Promise.all([results[0], results[2], results[3]])).toEqual([1, 3, 4]);
    expect(t.most()).toBe(2);
    // Empty again: the next caller goes straight through.
    const next = g.run(t.task(5));
    await tick();
    expect(t.started).toContain(5);
    t.finish(5);
    await expect(next).resolves.toBe(5);
  });

  test('refuses a size that is not a positive integer', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
    expect(() => new Semaphore(1.5)).toThrow(RangeError);
  });
});
