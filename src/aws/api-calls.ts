/**
 * Counts API calls per service operation. The benchmark prints them next to the minimum the data
 * requires, the run record carries retries and throttles, and the IAM policy check derives the
 * actions the collectors really call from them.
 */
import type { MiddlewareStack } from '@smithy/types';
import { isThrottlingError } from './errors.ts';

export interface OperationCount {
  /** Logical calls made by estatescan code. */
  calls: number;
  /** HTTP attempts, retries included. */
  attempts: number;
  throttled: number;
  failed: number;
}

export class ApiCallCounter {
  readonly #byOperation = new Map<string, OperationCount>();

  #entry(key: string): OperationCount {
    let entry = this.#byOperation.get(key);
    if (!entry) {
      entry = { calls: 0, attempts: 0, throttled: 0, failed: 0 };
      this.#byOperation.set(key, entry);
    }
    return entry;
  }

  /** Adds the counting middleware to a client. Keys look like `ec2:DescribeInstances`. */
  // biome-ignore lint/suspicious/noExplicitAny: any client's stack, whatever its service's types
  instrument(client: { middlewareStack: MiddlewareStack<any, any> }, service: string): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const entry = this.#entry(`${service}:${String(context.commandName).replace(/Command$/, '')}`);
        entry.calls++;
        try {
          return await next(args);
        } catch (error) {
          entry.failed++;
          throw error;
        }
      },
      { step: 'initialize', name: 'estatescanCallCounter', override: true },
    );
    // In the finalizeRequest step below the retry middleware (which has high priority there), this
    // runs once per HTTP attempt and sees the parsed error, so throttles can be told apart.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const entry = this.#entry(`${service}:${String(context.commandName).replace(/Command$/, '')}`);
        entry.attempts++;
        try {
          return await next(args);
        } catch (error) {
          if (isThrottlingError(error)) entry.throttled++;
          throw error;
        }
      },
      { step: 'finalizeRequest', priority: 'low', name: 'estatescanAttemptCounter', override: true },
    );
  }

  get(key: string): OperationCount | undefined {
    return this.#byOperation.get(key);
  }

  /** A copy of the counts, sorted by operation. */
  snapshot(): Record<string, OperationCount> {
    return Object.fromEntries(
      [...this.#byOperation.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, { ...v }]),
    );
  }

  totals(): OperationCount {
    const total = { calls: 0, attempts: 0, throttled: 0, failed: 0 };
    for (const v of this.#byOperation.values()) {
      total.calls += v.calls;
      total.attempts += v.attempts;
      total.throttled += v.throttled;
      total.failed += v.failed;
    }
    return total;
  }

  reset(): void {
    this.#byOperation.clear();
  }
}
