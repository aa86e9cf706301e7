import { marshall } from '@aws-sdk/util-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/notify.ts';
import { InMemoryNotifier, type Notifier } from '../../../src/alerts/notifier.ts';
import { readLambdaEnvironment } from '../../../src/config/environment.ts';
import type { ChangeSet } from '../../../src/findings/changes.ts';
import type { BatchResponse } from '../../../src/lambda/stream-batch.ts';
import { makeFinding, PROD } from '../../fixtures/report.ts';
import { createFunctionDependencies } from '../../support/function-dependencies.ts';
import { captureOutput, lambdaContext } from '../../support/lambda.ts';

let sequence = 100;

/** A stream record of a finding item, as Lambda delivers it (the table's item layout). */
function findingRecord(runId: string, resourceId: string, kind: 'new' | 'resolved' | 'recorded' = 'new') {
  const finding = makeFinding({
    ruleId: 's3-bucket-versioning-disabled',
    severity: 'medium',
    accountId: PROD,
    region: 'eu-west-1',
    resourceType: 'AwsS3Bucket',
    resourceId,
    message: `S3 bucket ${resourceId} has never had versioning enabled.`,
    evidence: {},
    remediation: '1. Enable versioning.',
  });
  const item = {
    PK: `TARGET#${PROD}#eu-west-1`,
    SK: `FINDING#${finding.findingId}`,
    itemType: 'finding',
    ...finding,
    lastChange: kind,
    lastChangedAt: '2026-11-25T12:00:00.000Z',
    lastChangedRunId: runId,
  };
  sequence++;
  return {
    eventID: `e-${sequence}`,
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    dynamodb: { SequenceNumber: String(sequence), NewImage: marshall(item, { removeUndefinedValues: true }) },
  };
}

/** Records the sets it publishes; fails for the runs it is told to. */
class FlakyNotifier implements Notifier {
  readonly published: ChangeSet[] = [];
  readonly #inner = new InMemoryNotifier();
  constructor(private readonly failingRuns: string[]) {}
  async publish(changeSet: ChangeSet) {
    if (this.failingRuns.includes(changeSet.runId)) throw new Error('SNS is unavailable');
    this.published.push(changeSet);
    return this.#inner.publish(changeSet);
  }
}

function setUp(notifier: Notifier) {
  const env = readLambdaEnvironment({
    AWS_REGION: 'eu-west-1',
    TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:t',
  });
  const handler = createHandler(() => createFunctionDependencies(env, { notifier: () => notifier }));
  return (event: unknown) => handler(event, lambdaContext('estatescan-notify')) as Promise<BatchResponse>;
}

describe('the notify function', () => {
  let output: ReturnType<typeof captureOutput>;
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => output.restore());

  it('publishes one change set per run and reports no failures', async () => {
    // Prepare
    const notifier = new FlakyNotifier([]);
    const notify = setUp(notifier);
    const records = [
      findingRecord('run-a', 'logs'),
      findingRecord('run-a', 'backups'),
      findingRecord('run-b', 'x'),
    ];

    // Act
    const response = await notify({ Records: records });

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(notifier.published.map((s) => [s.runId, s.changes.length])).toEqual([
      ['run-a', 2],
      ['run-b', 1],
    ]);
  });

  it("reports the failed set's earliest record and publishes nothing after it, so the retry sends each set once", async () => {
    // Prepare: run-b's records interleave with run-c's; run-b fails.
    const notifier = new FlakyNotifier(['run-b']);
    const notify = setUp(notifier);
    const a = findingRecord('run-a', 'a1');
    const b1 = findingRecord('run-b', 'b1');
    const c1 = findingRecord('run-c', 'c1');
    const b2 = findingRecord('run-b', 'b2');

    // Act
    const response = await notify({ Records: [a, b1, c1, b2] });

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: b1.dynamodb.SequenceNumber }] });
    expect(notifier.published.map((s) => s.runId)).toEqual(['run-a']);
    expect(output.text()).toContain('"PublishFailures":1');
  });

  it('announces nothing for quiet and dry runs, and skips records that announce nothing', async () => {
    // Prepare
    const notifier = new FlakyNotifier([]);
    const notify = setUp(notifier);

    // Act
    const response = await notify({
      Records: [
        findingRecord('20261125T120000Z-1a2b3c4d-quiet', 'q'),
        findingRecord('20261125T120000Z-1a2b3c4d-dryrun', 'd'),
        findingRecord('run-a', 'unchanged', 'recorded'),
      ],
    });

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(notifier.published).toEqual([]);
  });

  it('rejects an event that is not a stream batch', async () => {
    const notify = setUp(new FlakyNotifier([]));
    await expect(notify({ Records: 'none' })).rejects.toMatchObject({ name: 'InvalidEventError' });
  });
});
