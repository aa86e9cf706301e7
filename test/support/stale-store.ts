import type { FindingStore } from '../../src/findings/store.ts';

type Loaded = Awaited<ReturnType<FindingStore['loadTarget']>>;

/**
 * The store as a run sees it that read the target early: its first `loadTarget` answers `stale`
 * (what the store held before another run wrote), later ones the store itself.
 */
export function readingEarly<S extends FindingStore>(store: S, stale: Loaded): S {
  let loads = 0;
  return new Proxy(store, {
    get(target, key) {
      if (key === 'loadTarget') {
        return async (accountId: string, region: string) =>
          loads++ === 0 ? structuredClone(stale) : target.loadTarget(accountId, region);
      }
      const value = Reflect.get(target, key, target);
      // Bound to the store itself: its private fields are not the proxy's.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
