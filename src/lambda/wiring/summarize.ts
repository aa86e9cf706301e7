/** summarize's wiring: the findings store (the run's items, the targets' health) and the clock. */
import { type LambdaEnvironment, readLambdaEnvironment } from '../../config/environment.ts';
import type { FindingStore } from '../../findings/store.ts';
import { findingStoreOf } from './findings-store.ts';

export interface SummarizeDependencies {
  readonly env: LambdaEnvironment;
  store(): FindingStore;
  now(): Date;
}

export function createSummarizeDependencies(
  env: LambdaEnvironment,
  overrides: Partial<Omit<SummarizeDependencies, 'env'>> = {},
): SummarizeDependencies {
  return { env, store: findingStoreOf(env), now: () => new Date(), ...overrides };
}

let shared: SummarizeDependencies | undefined;

/** The container's dependencies, built from `process.env` on the first invocation. */
export function lambdaSummarizeDependencies(): SummarizeDependencies {
  shared ??= createSummarizeDependencies(readLambdaEnvironment());
  return shared;
}
