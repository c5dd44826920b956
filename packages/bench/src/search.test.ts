import { bracketed, nextRate, searchRate, type SearchOptions } from './search';

const options: SearchOptions = { start: 16, growth: 2, precision: 0.05, min: 1, max: 1_000, maxSteps: 20 };

/** A system that keeps up with any rate below `capacity`, recording the rates tried. */
function fake(capacity: number) {
  const tried: number[] = [];
  const step = (rate: number) => {
    tried.push(rate);
    return Promise.resolve(rate < capacity);
  };
  return { tried, step };
}

describe('capacity search', () => {
  test('grows until a step fails, then bisects between the last pass and the first fail', async () => {
    const { tried, step } = fake(37);
    const found = await searchRate(step, options);
    expect(tried).toEqual([16, 32, 64, 48, 40, 36, 38]);
    expect(found).toMatchObject({ passed: 36, failed: 38, rate: 37, converged: true });
    expect(found.steps.map((s) => s.ok)).toEqual([true, true, false, false, false, true, false]);
  });

  test('finds any capacity in range to within ±5%', async () => {
    for (const capacity of [1.5, 3, 7, 10, 16.5, 25, 37, 50, 99, 150, 420, 999]) {
      const found = await searchRate(fake(capacity).step, options);
      expect(found.converged).toBe(true);
      expect(Math.abs(found.rate - capacity) / capacity).toBeLessThanOrEqual(0.05);
      expect(found.passed!).toBeLessThan(capacity);
      expect(found.failed!).toBeGreaterThanOrEqual(capacity);
    }
  });

  test('a first step that fails shrinks the rate until one passes', async () => {
    const { tried, step } = fake(5);
    const found = await searchRate(step, options);
    expect(tried.slice(0, 3)).toEqual([16, 8, 4]);
    expect(found.converged).toBe(true);
    expect(Math.abs(found.rate - 5) / 5).toBeLessThanOrEqual(0.05);
  });

  test('reports 0 when even the lowest rate fails, and the highest when it passes', async () => {
    expect(await searchRate(fake(0.5).step, options)).toMatchObject({ rate: 0, passed: null, failed: 1 });
    const capped = await searchRate(fake(5_000).step, options);
    expect(capped).toMatchObject({ rate: 1_000, passed: 1_000, failed: null, converged: false });
    expect(Math.max(...capped.steps.map((s) => s.rate))).toBe(1_000);
  });

  test('stops at the step budget, bracketed or not', async () => {
    const { tried, step } = fake(37);
    const found = await searchRate(step, { ...options, maxSteps: 4 });
    expect(tried).toEqual([16, 32, 64, 48]);
    expect(found).toMatchObject({ passed: 32, failed: 48, rate: 40, converged: false });
  });

  test('a smaller growth from a good guess needs fewer steps', async () => {
    const { tried, step } = fake(30);
    const found = await searchRate(step, { ...options, start: 28, growth: 1.25 });
    expect(tried).toEqual([28, 35, 31.5, 29.75]);
    expect(Math.abs(found.rate - 30) / 30).toBeLessThanOrEqual(0.05);
  });

  test('nextRate and bracketed', () => {
    expect(nextRate(10, null, options)).toBe(20);
    expect(nextRate(null, 10, options)).toBe(5);
    expect(nextRate(10, 20, options)).toBe(15);
    expect(nextRate(10, 11, options)).toBeNull();
    expect(bracketed(10, 11, 0.05)).toBe(true);
    expect(bracketed(10, 11.01, 0.05)).toBe(false);
  });
});
