/** Output of the benchmarks (one JSON line per result on stdout, everything else on stderr) and small helpers. */

/** Prints one result as a single JSON line on stdout (the only thing a benchmark writes there). */
export function emit(result: { bench: string } & Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** A progress line on stderr, with the time since the process started. */
export function progress(message: string): void {
  process.stderr.write(`[bench +${process.uptime().toFixed(1)}s] ${message}\n`);
}

/** The `q` quantile (0..1) of `values` by the nearest-rank method; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

/** Rounds to `digits` decimals (JSON stays readable). */
export const round = (n: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Polls `probe` every `everyMs` until it is true or `deadline` (epoch ms) passes; false on timeout. */
export async function until(
  probe: () => boolean | Promise<boolean>,
  deadline: number,
  everyMs = 100,
): Promise<boolean> {
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await sleep(everyMs);
  }
  return probe();
}
