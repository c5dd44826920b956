/** Bounds how many callers run at once; the others wait their turn, first come first served. */
export interface Gate {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

/** No bound. */
export const UNGATED: Gate = { run: (fn) => fn() };

/** A gate that lets `size` callers through at once. */
export function gate(size: number): Gate {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`gate size must be a positive integer: ${size}`);
  let running = 0;
  const waiting: Array<() => void> = [];
  const leave = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return {
    async run(fn) {
      if (running < size) running++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await fn();
      } finally {
        leave();
      }
    },
  };
}
