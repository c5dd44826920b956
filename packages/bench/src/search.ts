/**
 * The capacity search: the highest rate a system keeps up with, found by trying rates. Pure: the step
 * that tries a rate is passed in, so the search runs against a fake in the tests.
 */

/** A rate tried and whether the system kept up with it. */
export interface Step {
  rate: number;
  ok: boolean;
}

/** How the search moves. */
export interface SearchOptions {
  /** The first rate tried. */
  start: number;
  /** Until the first failure a passing rate is multiplied by this; until the first pass a failing one is divided by it. */
  growth: number;
  /** Bisect until the lowest failing rate is at most 2 × precision above the highest passing one. */
  precision: number;
  /** Rates are kept within [min, max]. */
  min: number;
  max: number;
  /** Stop after this many steps, bracketed to the precision or not. */
  maxSteps: number;
}

/** What the search found. */
export interface SearchResult {
  /**
   * The capacity: the middle of the highest passing and the lowest failing rate, within ±precision of
   * both once converged; the highest passing rate if none failed; 0 if none passed.
   */
  rate: number;
  /** The highest rate that passed, and the lowest that failed (null: none). */
  passed: number | null;
  failed: number | null;
  /** True when the capacity was bracketed to the precision (not stopped by the step budget or a bound). */
  converged: boolean;
  steps: Step[];
}

/** The next rate to try, or null when the search is done (bracketed, or a bound reached). */
export function nextRate(passed: number | null, failed: number | null, o: SearchOptions): number | null {
  if (failed === null) return passed! >= o.max ? null : Math.min(o.max, passed! * o.growth);
  if (passed === null) return failed <= o.min ? null : Math.max(o.min, failed / o.growth);
  if (bracketed(passed, failed, o.precision)) return null;
  return (passed + failed) / 2;
}

/** True when the middle of [passed, failed] is within ±precision of both ends. */
export function bracketed(passed: number, failed: number, precision: number): boolean {
  return failed <= passed * (1 + 2 * precision);
}

/**
 * Tries rates with `tryRate` (true: the system kept up): grows the rate until a step fails, then bisects
 * between the last rate that passed and the first that failed. A first step that fails shrinks the rate
 * instead, until one passes.
 */
export async function searchRate(
  tryRate: (rate: number) => Promise<boolean>,
  o: SearchOptions,
): Promise<SearchResult> {
  const steps: Step[] = [];
  let passed: number | null = null;
  let failed: number | null = null;
  let rate: number | null = Math.min(o.max, Math.max(o.min, o.start));
  while (rate !== null && steps.length < o.maxSteps) {
    const ok = await tryRate(rate);
    steps.push({ rate, ok });
    if (ok) passed = rate;
    else failed = rate;
    rate = nextRate(passed, failed, o);
  }
  const converged = passed !== null && failed !== null && bracketed(passed, failed, o.precision);
  return {
    rate: passed === null ? 0 : failed === null ? passed : (passed + failed) / 2,
    passed,
    failed,
    converged,
    steps,
  };
}
