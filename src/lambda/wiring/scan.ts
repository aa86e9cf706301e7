/** The on-demand scan's wiring: the scanning dependencies, and Step Functions for large requests. */
import { SFNClient } from '@aws-sdk/client-sfn';
import { type LambdaEnvironment, readLambdaEnvironment } from '../../config/environment.ts';
import { tracer } from '../logger.ts';
import { homeClientConfig, once } from './common.ts';
import { createScanningDependencies, type ScanningDependencies } from './scanning.ts';

export interface ScanDependencies extends ScanningDependencies {
  stepFunctions(): Pick<SFNClient, 'send'>;
}

export function createScanDependencies(
  env: LambdaEnvironment,
  overrides: Partial<Omit<ScanDependencies, 'env'>> = {},
): ScanDependencies {
  return {
    ...createScanningDependencies(env),
    stepFunctions: once(() => tracer.captureAWSv3Client(new SFNClient(homeClientConfig(env)))),
    ...overrides,
  };
}

let shared: ScanDependencies | undefined;

/** The container's dependencies, built from `process.env` on the first invocation. */
export function lambdaScanDependencies(): ScanDependencies {
  shared ??= createScanDependencies(readLambdaEnvironment());
  return shared;
}
