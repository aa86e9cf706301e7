import { describe, expect, it, vi } from 'vitest';
import { cacheForAtMost } from '../../../src/aws/parameter-cache.ts';

describe('cacheForAtMost', () => {
  it('shares one read between concurrent callers', async () => {
    // Prepare
    const load = vi.fn(async () => 'value');
    const cache = cacheForAtMost(load, { maxAgeMs: 1_000, now: () => 0 });

    // Act
    const values = await Promise.all([cache.get(), cache.get(), cache.get()]);

    // Assess
    expect(values).toEqual(['value', 'value', 'value']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('keeps no failed read, and a late failure does not drop a newer value', async () => {
    // Prepare: the first read fails after the cache was forgotten and read again.
    let fail: (error: Error) => void = () => {};
    const load = vi
      .fn<() => Promise<string>>()
      .mockImplementationOnce(() => new Promise((_, reject) => (fail = reject)))
      .mockResolvedValue('fresh');
    const cache = cacheForAtMost(load, { maxAgeMs: 1_000, now: () => 0 });

    // Act
    const stale = cache.get().catch((e: unknown) => (e as Error).message);
    cache.forget();
    const fresh = await cache.get();
    fail(new Error('late failure'));
    const after = await cache.get();

    // Assess
    expect(await stale).toBe('late failure');
    expect([fresh, after]).toEqual(['fresh', 'fresh']);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('reads again after a failure', async () => {
    // Prepare
    const load = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new Error('denied'))
      .mockResolvedValue('ok');
    const cache = cacheForAtMost(load, { maxAgeMs: 1_000, now: () => 0 });

    // Act
    const first = await cache.get().catch((e: unknown) => (e as Error).message);
    const second = await cache.get();

    // Assess
    expect([first, second]).toEqual(['denied', 'ok']);
  });
});
