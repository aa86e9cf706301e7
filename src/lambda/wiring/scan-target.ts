/** scan-target's wiring: the scanning dependencies, nothing more. */
import { type LambdaEnvironment, readLambdaEnvironment } from '../../config/environment.ts';
import { createScanningDependencies, type ScanningDependencies } from './scanning.ts';

export type ScanTargetDependencies = ScanningDependencies;

export function createScanTargetDependencies(
  env: LambdaEnvironment,
  overrides: Partial<Omit<ScanTargetDependencies, 'env'>> = {},
): ScanTargetDependencies {
  return { ...createScanningDependencies(env), ...overrides };
}

let shared: ScanTargetDependencies | undefined;

/** The container's dependencies, built from `process.env` on the first invocation. */
export function lambdaScanTargetDependencies(): ScanTargetDependencies {
  shared ??= createScanTargetDependencies(readLambdaEnvironment());
  return shared;
}
