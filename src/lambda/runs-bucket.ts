/**
 * The runs bucket (`RUNS_BUCKET`): where `plan` writes a run's targets, one JSON array at
 * `runs/<runId>/targets.json`, for the state machine's Distributed Map to read with its ItemReader.
 * A run of 1,000 accounts × 17 regions is 17,000 targets, about 850 KB: far more than the 256 KiB a
 * Step Functions state holds, and nothing for S3.
 *
 * Only `plan` writes here: its wiring (wiring/plan.ts) builds the bucket with the S3 client.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Target } from '../inventory/types.ts';

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
