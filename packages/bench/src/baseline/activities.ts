/** The baseline's one activity: does nothing, so what is measured is Temporal and the worker alone. */
export function noop(): Promise<void> {
  return Promise.resolve();
}
