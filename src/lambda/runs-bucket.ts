/**
 * The runs bucket (`RUNS_BUCKET`): where `plan` writes a run's targets, one JSON array at
 * `runs/<runId>/targets.json`, for the state machine's Distributed Map to read with its ItemReader.
 * A run of 1,000 accounts × 17 regions is 17,000 targets, about 850 KB: far more than the 256 KiB a
 * Step Functions state holds, and nothing for S3.
 *
 * Only `plan` writes here, so only its bundle carries this module (and the S3 client it builds);
 * the other functions' dependencies do not import it.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../aws/clients.ts';
import type { Target } from '../inventory/types.ts';
import type { Dependencies } from './dependencies.ts';
import { tracer } from './logger.ts';

/** The key of a run's targets; the bucket's lifecycle rule expires everything under `runs/`. */
export const targetsKey = (runId: string) => `runs/${runId}/targets.json`;

export interface TargetsLocation {
  bucket: string;
  key: string;
}

export interface RunsBucket {
  /** Writes the run's targets as one JSON array of `{ accountId, region }`. */
  putTargets(runId: string, targets: readonly Target[]): Promise<TargetsLocation>;
}

export class S3RunsBucket implements RunsBucket {
  constructor(
    private readonly s3: Pick<S3Client, 'send'>,
    readonly bucket: string,
  ) {}

  async putTargets(runId: string, targets: readonly Target[]): Promise<TargetsLocation> {
    const key = targetsKey(runId);
    // Only the two fields the map's items are made of, whatever else a target carries.
    const body = JSON.stringify(targets.map(({ accountId, region }) => ({ accountId, region })));
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: 'application/json',
      }),
    );
    return { bucket: this.bucket, key };
  }
}

const built = new WeakMap<Dependencies, RunsBucket | undefined>();

/** The runs bucket of these dependencies (`RUNS_BUCKET`), made once; undefined when it is not set. */
export function runsBucketOf(deps: Dependencies): RunsBucket | undefined {
  if (!built.has(deps)) {
    const bucket = deps.env.runsBucket;
    built.set(
      deps,
      bucket
        ? new S3RunsBucket(
            tracer.captureAWSv3Client(
              new S3Client(
                clientConfig(deps.region(), undefined, {
                  ...(deps.env.endpoint ? { endpoint: deps.env.endpoint } : {}),
                  maxAttempts: deps.env.performance.maxAttempts,
                  retryMode: deps.env.performance.retryMode,
                }),
              ),
            ),
            bucket,
          )
        : undefined,
    );
  }
  return built.get(deps);
}
