/** The baseline's one activity: does nothing, so what is measured is Temporal and the worker alone. */
export function noop(): Promise<void> {
  return Promise.resolve();
}

/**
 * The timer baseline's activity: tells the parent when it ran for `key` (as the emulator's receipt
 * time does for a post) and returns that time (epoch ms).
 */
export function stamp(key: string): Promise<number> {
  const at = Date.now();
  process.send?.({ key, at });
  return Promise.resolve(at);
}
