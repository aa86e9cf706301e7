/** plan's wiring: the scanning dependencies, and the runs bucket it writes the targets to. */
import { S3Client } from '@aws-sdk/client-s3';
import { type LambdaEnvironment, readLambdaEnvironment } from '../../config/environment.ts';
import { tracer } from '../logger.ts';
import { type RunsBucket, S3RunsBucket } from '../runs-bucket.ts';
import { homeClientConfig, once } from './common.ts';
import { createScanningDependencies, type ScanningDependencies } from './scanning.ts';

export interface PlanDependencies extends ScanningDependencies {
  /** The runs bucket (`RUNS_BUCKET`); without it the targets come back in plan's result. */
  runsBucket(): RunsBucket | undefined;
}

export function createPlanDependencies(
  env: LambdaEnvironment,
  overrides: Partial<Omit<PlanDependencies, 'env'>> = {},
): PlanDependencies {
  const runsBucket = once(() =>
    env.runsBucket
      ? new S3RunsBucket(tracer.captureAWSv3Client(new S3Client(homeClientConfig(env))), env.runsBucket)
      : undefined,
  );
  return { ...createScanningDependencies(env), runsBucket, ...overrides };
}

let shared: PlanDependencies | undefined;

/** The container's dependencies, built from `process.env` on the first invocation. */
export function lambdaPlanDependencies(): PlanDependencies {
  shared ??= createPlanDependencies(readLambdaEnvironment());
  return shared;
}
