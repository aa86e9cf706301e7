/**
 * The on-demand function in-process against the emulator, with the README's test events: a small
 * request is scanned inline and answered with the summary and the findings; `dryRun` writes
 * nothing; `notify: false` writes but the notifier announces nothing; a large request starts the
 * state machine with the schedule's input shape.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHandler as createNotify } from '../../../functions/notify.ts';
import { createHandler as createScan } from '../../../functions/scan.ts';
import { createAlertInbox } from '../../../scripts/demo/alert-inbox.ts';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import { clientConfig } from '../../../src/aws/clients.ts';
import { readLambdaEnvironment } from '../../../src/config/environment.ts';
import { ensureTable } from '../../../src/findings/table.ts';
import type { InlineScanResponse, StartedScanResponse } from '../../../src/lambda/on-demand.ts';
import type { BatchResponse } from '../../../src/lambda/stream-batch.ts';
import { emulatorEndpoint, emulatorSettings, hubCredentials, resetEmulator } from '../../support/emulator.ts';
import {
  createFunctionDependencies,
  type FunctionDependencies,
} from '../../support/function-dependencies.ts';
import { captureOutput, lambdaContext } from '../../support/lambda.ts';
import { TableStreamReader } from '../../support/table-stream.ts';

const TABLE = 'estatescan-on-demand-findings';
const REGION = 'eu-west-1';

describe('the on-demand scan function, from the Lambda console', () => {
  let deps: FunctionDependencies;
  let sfn: SFNClient;
  let stream: TableStreamReader;
  let inbox: Awaited<ReturnType<typeof createAlertInbox>>;
  let output: ReturnType<typeof captureOutput>;

  const invoke = async (event: unknown) => {
    output = captureOutput();
    try {
      return await createScan(() => deps)(event, lambdaContext('estatescan-scan'));
    } finally {
      output.restore();
    }
  };
  const notify = async () => {
    output = captureOutput();
    try {
      return (await createNotify(() => deps)(await stream.nextEvent(), lambdaContext())) as BatchResponse;
    } finally {
      output.restore();
    }
  };

  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
    inbox = await createAlertInbox(emulatorEndpoint());
    const config = clientConfig(REGION, hubCredentials, emulatorSettings());
    const dynamodb = new DynamoDBClient(config);
    await ensureTable(dynamodb, TABLE);
    stream = new TableStreamReader(dynamodb, new DynamoDBStreamsClient(config), TABLE);
    sfn = new SFNClient(config);
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'estatescan-scan',
        roleArn: 'arn:aws:iam::123456789012:role/estatescan-states',
        definition: JSON.stringify({ StartAt: 'Plan', States: { Plan: { Type: 'Pass', End: true } } }),
      }),
    );
    const env = readLambdaEnvironment({
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: emulatorEndpoint(),
      FINDINGS_TABLE: TABLE,
      TOPIC_ARN: inbox.topicArn,
      STATE_MACHINE_ARN: stateMachineArn,
      TARGET_ACCOUNTS: Object.values(DEMO_ACCOUNTS).join(','),
      TARGET_REGIONS: 'eu-west-1,us-east-1',
      INLINE_TARGET_LIMIT: '2',
      MAX_ATTEMPTS: '3',
      RETRY_MODE: 'standard',
    });
    deps = createFunctionDependencies(env, { now: () => new Date('2026-11-25T12:00:00.000Z') });
  });

  beforeEach(async () => {
    await inbox.receive();
  });

  it('{"dryRun":true} on one target evaluates and answers, and writes nothing', async () => {
    // Act
    const response = (await invoke({
      accounts: [DEMO_ACCOUNTS.production],
      regions: ['eu-west-1'],
      dryRun: true,
    })) as InlineScanResponse;

    // Assess
    expect(response.mode).toBe('dry-run');
    expect(response.summary).toMatchObject({ targets: 1, failed: 0, findings: 16, changes: 0 });
    expect(response.findings).toHaveLength(16);
    expect(response.changes).toEqual([]);
    expect(await deps.store().recentRuns(5)).toEqual([]);
    expect((await stream.nextEvent()).Records).toEqual([]);
  });

  it('with rules and "notify": false, records only those rules and announces nothing', async () => {
    // Act
    const response = (await invoke({
      accounts: [DEMO_ACCOUNTS.production],
      regions: ['eu-west-1'],
      rules: ['ec2-instance-os-eol', 's3-bucket-versioning-disabled'],
      notify: false,
    })) as InlineScanResponse;
    const notified = await notify();

    // Assess
    expect(response.mode).toBe('quiet');
    expect(response.runId).toMatch(/-quiet$/);
    expect([...new Set(response.findings.map((f) => f.ruleId))].sort()).toEqual([
      'ec2-instance-os-eol',
      's3-bucket-versioning-disabled',
    ]);
    expect(response.summary).toMatchObject({ targets: 1, findings: 5, baselines: 1 });
    expect(response.summary.apiCalls.calls).toBeGreaterThan(0);
    const [run] = await deps.store().recentRuns(1);
    expect(run?.runId).toBe(response.runId);
    expect(notified.batchItemFailures).toEqual([]);
    expect(await inbox.receive()).toEqual([]);
  });

  it('{"accounts":[...],"regions":[...]} scans inline, and its baseline is announced from the stream', async () => {
    // Act
    const response = (await invoke({
      accounts: [DEMO_ACCOUNTS.development],
      regions: ['eu-west-1'],
    })) as InlineScanResponse;
    await notify();

    // Assess
    expect(response.mode).toBe('normal');
    expect(response.summary).toMatchObject({ targets: 1, partial: 1, findings: 9, baselines: 1 });
    expect(response.errors.every((e) => e.accountId === DEMO_ACCOUNTS.development)).toBe(true);
    const messages = await inbox.receive();
    expect(messages.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^\[estatescan\] 222222222222: first scan of eu-west-1, 9 open findings/),
    ]);
  });

  it('{} covers more targets than the inline limit: starts the state machine with the schedule input', async () => {
    // Act
    const response = (await invoke({})) as StartedScanResponse;

    // Assess
    expect(response.targets).toBe(6);
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: response.executionArn }));
    expect(execution.name).toBe(response.runId);
    expect(JSON.parse(execution.input ?? '')).toEqual({ runId: response.runId });
  });
});
