/**
 * A value read from SSM Parameter Store (a webhook URL, an external id) and kept for a bounded
 * time: a warm container reuses it, yet a rotated value takes effect within `maxAgeMs` instead of
 * when the container happens to die. A failed read is never kept.
 */

export interface CachedParameter<T> {
  /** The value: the cached one while younger than `maxAgeMs`, otherwise read again. */
  get(): Promise<T>;
  /** Drops the cached value (it was revoked, say): the next `get()` reads it again. */
  forget(): void;
}

export interface ParameterCacheOptions {
  /** How long a value read is used before it is read again. */
  maxAgeMs: number;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now?: () => number;
}

/** Five minutes: a rotation takes effect within minutes, and a busy container reads a few times an hour. */
export const DEFAULT_PARAMETER_MAX_AGE_MS = 5 * 60_000;

export function cacheForAtMost<T>(
  load: () => Promise<T>,
  options: ParameterCacheOptions,
): CachedParameter<T> {
  const now = options.now ?? (() => Date.now());
  let cached: { value: Promise<T>; readAt: number } | undefined;
  return {
    get() {
      if (!cached || now() - cached.readAt >= options.maxAgeMs) {
        const entry = { value: load(), readAt: now() };
        cached = entry;
        // Concurrent callers share the read; once it fails, the next call reads again.
        entry.value.catch(() => {
          if (cached === entry) cached = undefined;
        });
      }
      return cached.value;
    },
    forget() {
      cached = undefined;
    },
  };
}
