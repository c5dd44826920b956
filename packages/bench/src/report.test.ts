import { mapLimit, quantile, round } from './report';

describe('benchmark arithmetic', () => {
  test('quantile is nearest-rank over unsorted input', () => {
    const values = [50, 10, 40, 20, 30];
    expect(quantile(values, 0)).toBe(10);
    expect(quantile(values, 0.5)).toBe(30);
    expect(quantile(values, 0.99)).toBe(50);
    expect(quantile(values, 1)).toBe(50);
    expect(quantile([], 0.5)).toBeNaN();
    expect(values).toEqual([50, 10, 40, 20, 30]);
  });

  test('mapLimit keeps order and never exceeds its limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 5 * (8 - n)));
      inFlight--;
      return n * 2;
    });
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBe(3);
  });

  test('round', () => {
    expect(round(1.26)).toBe(1.3);
    expect(round(1234.5678, 0)).toBe(1235);
  });
});
