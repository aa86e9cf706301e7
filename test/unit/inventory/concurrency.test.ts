import { describe, expect, it } from 'vitest';
import { chunk, mapWithConcurrency } from '../../../src/inventory/concurrency.ts';

const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `mapWithConcurrency` over `count` items and records the most calls in flight at once. */
async function measure(count: number, limit: number) {
  let inFlight = 0;
  let most = 0;
  const results = await mapWithConcurrency(
    Array.from({ length: count }, (_, i) => i),
    limit,
    async (item) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await tick(1);
      inFlight--;
      return item;
    },
  );
  return { results, most };
}

describe('mapWithConcurrency', () => {
  it('keeps the input order when later items finish first', async () => {
    // Prepare
    const delays = [30, 20, 10, 0];

    // Act
    const results = await mapWithConcurrency(delays, 4, async (ms, index) => {
      await tick(ms);
      return `${index}:${ms}`;
    });

    // Assess
    expect(results).toEqual(['0:30', '1:20', '2:10', '3:0']);
  });

  it('never has more than the limit in flight, and uses all of it', async () => {
    // Act
    const { results, most } = await measure(12, 3);

    // Assess
    expect(most).toBe(3);
    expect(results).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('runs everything at once when the limit exceeds the items', async () => {
    // Act
    const { most } = await measure(4, 50);

    // Assess
    expect(most).toBe(4);
  });

  it('still makes progress, one at a time, with a limit below 1', async () => {
    // Act
    const { results, most } = await measure(3, 0);

    // Assess
    expect(most).toBe(1);
    expect(results).toEqual([0, 1, 2]);
  });

  it('calls nothing for an empty input', async () => {
    // Prepare
    let calls = 0;

    // Act
    const results = await mapWithConcurrency([], 4, async () => {
      calls++;
    });

    // Assess
    expect(results).toEqual([]);
    expect(calls).toBe(0);
  });

  it('rejects with the error of a failing item', async () => {
    // Act
    const run = mapWithConcurrency([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error('item 2 failed');
      return n;
    });

    // Assess
    await expect(run).rejects.toThrow('item 2 failed');
  });
});

describe('chunk', () => {
  it('splits into arrays of the size with a shorter last one', () => {
    // Act
    const chunks = chunk([1, 2, 3, 4, 5], 2);

    // Assess
    expect(chunks).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('gives one chunk when the size covers everything, and none for an empty input', () => {
    // Act
    const exact = chunk(['a', 'b', 'c'], 3);
    const larger = chunk(['a', 'b', 'c'], 200);
    const empty = chunk([], 5);

    // Assess
    expect(exact).toEqual([['a', 'b', 'c']]);
    expect(larger).toEqual([['a', 'b', 'c']]);
    expect(empty).toEqual([]);
  });
});
