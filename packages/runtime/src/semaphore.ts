/**
 * A counting semaphore: up to `capacity` holders at once, the others wait in arrival order. The
 * capacity can grow and shrink while held; when it shrinks below the holders, new ones wait until
 * enough have released.
 */
export class Semaphore {
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`semaphore capacity must be a positive integer: ${capacity}`);
  }

  /** A place now, or false. */
  tryAcquire(): boolean {
    if (this.held >= this.capacity) return false;
    this.held++;
    return true;
  }

  /** A place when one frees; rejects with the signal's reason (and takes none) if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', abort);
        resolve();
      };
      const abort = () => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason as Error);
      };
      this.waiting.push(grant);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  release(): void {
    this.held--;
    this.wake();
  }

  /** Runs `fn` holding a place. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** Grows (or, with a negative `delta`, shrinks) the capacity. */
  resize(delta: number): void {
    this.capacity += delta;
    this.wake();
  }

  /** Places held now. */
  get inUse(): number {
    return this.held;
  }

  private wake(): void {
    while (this.waiting.length > 0 && this.held < this.capacity) {
      this.held++;
      this.waiting.shift()!();
    }
  }
}
