/** The baseline's one activity: does nothing, so what is measured is Temporal and the worker alone. */
export function noop(): Promise<void> {
  return Promise.resolve();
}

/** The lateness baseline's activity: when it ran (epoch ms), as the emulator's receipt time is for a post. */
export function stamp(): Promise<number> {
  return Promise.resolve(Date.now());
}
