import { cannotKeepUp, evenlyDue, keptUp, leadMs, outcome } from './waves';

describe('wave accounting', () => {
  test('evenlyDue spreads posts over the window from its start', () => {
    expect(evenlyDue(4, 1_000, 2_000)).toEqual([1_000, 1_500, 2_000, 2_500]);
    expect(evenlyDue(3, 0, 1_000)).toEqual([0, 333, 666]);
  });

  test('outcome: lateness from the first receipt, lost and duplicated posts', () => {
    const got = new Map([
      ['a', [1_050]],
      ['b', [2_300, 2_100]],
    ]);
    expect(outcome([1_000, 2_000, 3_000], ['a', 'b', 'c'], got)).toEqual({
      late: [50, 100],
      lost: 1,
      duplicated: 1,
    });
  });

  test('keptUp: p99 under the limit, none lost or duplicated', () => {
    const late: number[] = Array.from({ length: 100 }, (_, i) => (i === 99 ? 5_000 : 10));
    expect(keptUp({ late, lost: 0, duplicated: 0 }, 1_000)).toBe(true);
    late[98] = 1_000;
    expect(keptUp({ late, lost: 0, duplicated: 0 }, 1_000)).toBe(false);
    expect(keptUp({ late: [10], lost: 1, duplicated: 0 }, 1_000)).toBe(false);
    expect(keptUp({ late: [10], lost: 0, duplicated: 1 }, 1_000)).toBe(false);
  });

  test('cannotKeepUp: more than 1% at least the limit late, missing posts counted from their due time', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
    const due = keys.map(() => 10_000);
    const got = new Map(keys.map((k) => [k, [10_100]]));
    expect(cannotKeepUp(due, keys, got, 20_000, 1_000)).toBe(false);
    // Two of 200 may be late (p99 by nearest rank is the 198th), a third may not.
    got.set('k0', [11_000]);
    got.delete('k1');
    expect(cannotKeepUp(due, keys, got, 20_000, 1_000)).toBe(false);
    got.delete('k2');
    expect(cannotKeepUp(due, keys, got, 10_999, 1_000)).toBe(false);
    expect(cannotKeepUp(due, keys, got, 11_000, 1_000)).toBe(true);
  });

  test('leadMs: creation at the measured rate, first tasks where there are any, and the fixed lead', () => {
    const cfg = { startBudgetFactor: 1.25, firstTasksPerS: 50, stepLeadS: 5 };
    expect(leadMs(1_000, 100, true, cfg)).toBe(12_500 + 20_000 + 5_000);
    expect(leadMs(1_000, 100, false, cfg)).toBe(12_500 + 5_000);
  });
});
