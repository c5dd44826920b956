/** One dependency probe: resolves when the dependency answers, throws when it does not. */
export type Check = () => Promise<unknown>;

/** The outcome of one probe. */
export interface CheckResult {
  ok: boolean;
  latency_ms: number;
  error?: string;
}

/** The outcome of all probes: ready only when every one is. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckResult>;
  failing: string[];
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs every probe in parallel, each bounded by `timeoutMs`, and names the ones that fail: `/readyz`
 * answers within a second whatever is down.
 */
export async function checkReadiness(checks: Record<string, Check>, timeoutMs = 700): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
      const started = performance.now();
      try {
        await withTimeout(check(), timeoutMs, name);
        return [name, { ok: true, latency_ms: Math.round(performance.now() - started) }];
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        return [name, { ok: false, latency_ms: Math.round(performance.now() - started), error }];
      }
    }),
  );
  const failing = entries.filter(([, r]) => !r.ok).map(([n]) => n);
  return { ready: failing.length === 0, checks: Object.fromEntries(entries), failing };
}
