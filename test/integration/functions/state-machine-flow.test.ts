/**
 * The functions in-process against the emulator, chained exactly as the state machine chains them
 * (its definition read from serverless.yml): plan writes the targets to the runs bucket → the map
 * reads targets.json and builds each item with its ItemSelector → scan-target for each item, which
 * records the target's outcome in the table (a failure caught and recorded as RecordFailure's
 * `dynamodb:putItem` would) → summarize with the run, reading it back from the table; then the
 * table's stream, as Lambda delivers it, to notify, which publishes to SNS (read back from SQS).
 */
import { DynamoDBClient, PutItemCommand, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandler as createNotify } from '../../../functions/notify.ts';
import { createHandler as createPlan } from '../../../functions/plan.ts';
import { createHandler as createScanTarget } from '../../../functions/scan-target.ts';
import { createHandler as createSummarize } from '../../../functions/summarize.ts';
import { createAlertInbox } from '../../../scripts/demo/alert-inbox.ts';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import { clientConfig } from '../../../src/aws/clients.ts';
import { CallerIdentityError } from '../../../src/aws/session.ts';
import { readLambdaEnvironment } from '../../../src/config/environment.ts';
import { ensureTable } from '../../../src/findings/table.ts';
import type { Target } from '../../../src/inventory/types.ts';
import { createDependencies, type Dependencies } from '../../../src/lambda/dependencies.ts';
import type { PlanOutput } from '../../../src/lambda/steps.ts';
import type { BatchResponse } from '../../../src/lambda/stream-batch.ts';
import type { RunDigest } from '../../../src/scan/run-summary.ts';
import type { TargetScanResult } from '../../../src/scan/target-scan.ts';
import {
  credentialsFor,
  emulatorEndpoint,
  emulatorSettings,
  hubCredentials,
  resetEmulator,
} from '../../support/emulator.ts';
import { captureOutput, lambdaContext } from '../../support/lambda.ts';
import {
  caughtLambdaError,
  evaluateParameters,
  findState,
  sourceDefinition,
} from '../../support/state-machine.ts';
import { TableStreamReader } from '../../support/table-stream.ts';

const TABLE = 'estatescan-flow-findings';
const BUCKET = 'estatescan-flow-runs';
const REGION = 'eu-west-1';
const ACCOUNTS = Object.values(DEMO_ACCOUNTS);

describe('plan → S3 → scan-target × N → the table → summarize, then the stream → notify → SNS', () => {
  let deps: Dependencies;
  let clock: Date;
  let dynamodb: DynamoDBClient;
  let s3: S3Client;
  let stream: TableStreamReader;
  let inbox: Awaited<ReturnType<typeof createAlertInbox>>;
  const definition = sourceDefinition();

  /**
   * One run, as the state machine runs it; returns what each step returned. A target `failing`
   * picks has its scan-target fail for good (its retries spent): the Catch puts the error at
   * `$.error` and RecordFailure writes its item.
   */
  async function runStateMachine(failing: (target: Target) => boolean = () => false) {
    const context = lambdaContext();
    const plan = (await createPlan(() => deps)({}, context)) as PlanOutput;

    // ScanTargets: the ItemReader reads the plan's object; the ItemSelector makes each item.
    const map = findState(definition, 'ScanTargets');
    const reader = evaluateParameters(map.ItemReader.Parameters, plan) as { Bucket: string; Key: string };
    const object = await s3.send(new GetObjectCommand(reader));
    const targets = JSON.parse(await object.Body!.transformToString()) as Target[];
    const scanTarget = createScanTarget(() => deps);
    const failingScanTarget = createScanTarget(() => ({
      ...deps,
      openSession: async () => {
        throw new CallerIdentityError(
          'Could not tell who the caller is (sts:GetCallerIdentity: Throttling).',
        );
      },
    }));
    // One after the other: a Lambda container runs one invocation at a time, and the logger's
    // per-invocation keys (run id, account, region) assume it.
    const results: TargetScanResult[] = [];
    for (const [index, target] of targets.entries()) {
      const item = evaluateParameters(map.ItemSelector, plan, {
        Map: { Item: { Index: index, Value: target } },
      });
      if (!failing(target)) {
        results.push((await scanTarget(item, context)) as TargetScanResult);
        continue;
      }
      const error = (await failingScanTarget(item, context).catch((e: unknown) => e)) as Error;
      const recordFailure = findState(definition, 'RecordFailure');
      const { TableName, Item } = evaluateParameters(recordFailure.Parameters, {
        ...(item as object),
        error: caughtLambdaError(error),
      }) as PutItemCommandInput;
      expect(TableName).toBe('estatescan-ci-findings'); // the stack's table; here, the test's
      await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item }));
    }

    // The map keeps no results (ResultPath null): Summarize gets the plan's state.
    const summarize = findState(definition, 'Summarize');
    const { Payload } = evaluateParameters(summarize.Parameters, plan) as { Payload: unknown };
    const digest = (await createSummarize(() => deps)(Payload, context)) as RunDigest;
    return { plan, targets, results, digest, summarizeInput: Payload };
  }

  async function notifyFromStream(): Promise<BatchResponse> {
    return (await createNotify(() => deps)(await stream.nextEvent(), lambdaContext())) as BatchResponse;
  }

  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
    inbox = await createAlertInbox(emulatorEndpoint());
    const config = clientConfig(REGION, hubCredentials, emulatorSettings());
    dynamodb = new DynamoDBClient(config);
    await ensureTable(dynamodb, TABLE);
    stream = new TableStreamReader(dynamodb, new DynamoDBStreamsClient(config), TABLE);
    s3 = new S3Client(config);
    await s3.send(
      new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }),
    );

    // Prepare: the functions' environment, as serverless.yml sets it.
    const env = readLambdaEnvironment({
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: emulatorEndpoint(),
      FINDINGS_TABLE: TABLE,
      RUNS_BUCKET: BUCKET,
      TOPIC_ARN: inbox.topicArn,
      TARGET_ACCOUNTS: ACCOUNTS.join(','),
      TARGET_REGIONS: 'eu-west-1,us-east-1',
      MEMBER_ROLE_NAME: 'EstatescanReadOnly',
      MAX_ATTEMPTS: '3',
      RETRY_MODE: 'standard',
    });
    clock = new Date('2026-11-25T12:00:00.000Z');
    deps = createDependencies(env, { now: () => clock });
  });

  it('scans every target, records the run and the findings, and announces the baseline once', async () => {
    // Act
    const output = captureOutput();
    let run: Awaited<ReturnType<typeof runStateMachine>>;
    let notified: BatchResponse;
    try {
      run = await runStateMachine();
      notified = await notifyFromStream();
    } finally {
      output.restore();
    }

    // Assess: the plan's state is small, its targets are in the runs bucket
    const { plan, targets, results, digest, summarizeInput } = run;
    expect(plan).toMatchObject({
      targetCount: 6,
      planErrorCount: 0,
      targetsBucket: BUCKET,
      targetsKey: `runs/${plan.runId}/targets.json`,
    });
    expect(plan.targets).toBeUndefined();
    expect(JSON.stringify(plan).length).toBeLessThan(1024);
    expect(targets).toHaveLength(6);
    expect(targets).toContainEqual({ accountId: DEMO_ACCOUNTS.production, region: 'eu-west-1' });
    expect(summarizeInput).toEqual({ runId: plan.runId, startedAt: plan.startedAt, targetCount: 6 });
    // Each target returned a few numbers and recorded its outcome in the table. The emulator has no
    // SSM managed instances: every target is partial, and says why.
    expect(results.map((r) => r.status)).toEqual(Array(6).fill('partial'));
    expect(results.every((r) => r.baseline && r.changes === 0 && r.errorCount > 0)).toBe(true);
    expect(Math.max(...results.map((r) => JSON.stringify(r).length))).toBeLessThan(300);
    const stored = await deps.store().loadRun(plan.runId);
    expect(stored.plan).toMatchObject({ targetCount: 6, planErrorCount: 0, planErrors: [] });
    expect(stored.targets).toHaveLength(6);
    expect(stored.targets.every((t) => t.errors.some((e) => e.source.startsWith('ssm.')))).toBe(true);
    expect(stored.targets.every((t) => t.baseline && (t.apiCalls?.calls ?? 0) > 0)).toBe(true);

    // The digest and the run record
    expect(digest).toMatchObject({
      runId: plan.runId,
      targets: 6,
      failed: 0,
      partial: 6,
      changes: 0,
      baselines: 6,
    });
    expect(digest.findings).toBe(36);
    expect(digest.findingsBySeverity.critical).toBeGreaterThan(0);
    const [record] = await deps.store().recentRuns(1);
    expect(record?.runId).toBe(plan.runId);
    expect(record?.targets).toHaveLength(6);
    expect(record?.apiCalls.calls).toBe(digest.apiCalls.calls);

    // The findings in the table
    const open = await deps.store().queryFindings({ status: 'open' });
    expect(open).toHaveLength(36);
    expect(
      open
        .filter((f) => f.ruleId === 's3-bucket-versioning-disabled')
        .map((f) => f.resourceId)
        .sort(),
    ).toEqual(['acme-dev-artifacts', 'acme-prod-dr-backups', 'acme-prod-logs']);

    // One baseline summary per account, from the stream; nothing failed
    expect(notified.batchItemFailures).toEqual([]);
    const messages = await inbox.receive();
    expect(messages.map((m) => m.subject.split(':')[0]).sort()).toEqual(
      ACCOUNTS.map((a) => `[estatescan] ${a}`).sort(),
    );
    expect(messages.every((m) => /first scan/.test(m.subject))).toBe(true);

    // Every log line is JSON with the run id; the target lines name their account and region
    const lines = output.lines().filter((l) => l.startsWith('{') && l.includes('"message"'));
    const scanned = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.message === 'Target scanned');
    expect(scanned).toHaveLength(6);
    expect(
      scanned.every((l) => l.runId === plan.runId && l.accountId && l.region && l.service === 'estatescan'),
    ).toBe(true);
    // Metrics in the embedded metric format, under the Estatescan namespace
    expect(output.text()).toContain('"Namespace":"Estatescan"');
    expect(output.text()).toContain('"TargetsScanned":6');
  });

  it('on the next run after a fix, announces exactly one resolved finding', async () => {
    // Prepare: versioning enabled on acme-prod-logs in production
    const s3 = new S3Client({
      ...clientConfig(REGION, await credentialsFor(DEMO_ACCOUNTS.production), emulatorSettings()),
    });
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: 'acme-prod-logs',
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    s3.destroy();
    clock = new Date('2026-11-25T18:00:00.000Z');

    // Act
    const output = captureOutput();
    let run: Awaited<ReturnType<typeof runStateMachine>>;
    let notified: BatchResponse;
    try {
      run = await runStateMachine();
      notified = await notifyFromStream();
    } finally {
      output.restore();
    }

    // Assess
    expect(run.digest).toMatchObject({ targets: 6, changes: 1, baselines: 0, findings: 35 });
    expect(notified.batchItemFailures).toEqual([]);
    const messages = await inbox.receive();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.attributes).toMatchObject({
      accountId: DEMO_ACCOUNTS.production,
      change: '["resolved"]',
    });
    expect(messages[0]?.subject).toMatch(/^\[estatescan\] 111111111111: .*resolved/);
    expect(messages[0]?.body).toContain('acme-prod-logs');
    const history = await deps.store().queryFindings({ status: 'resolved' });
    expect(history.map((f) => f.resourceId)).toEqual(['acme-prod-logs']);
  });

  it('records a target whose scan fails for good (the Catch, then RecordFailure), counts it, and finishes the run', async () => {
    // Prepare: development's us-east-1 fails; its findings as they were
    const failed = { accountId: DEMO_ACCOUNTS.development, region: 'us-east-1' };
    const before = await deps.store().queryFindings({ ...failed, status: 'open' });
    clock = new Date('2026-11-26T00:00:00.000Z');

    // Act
    const output = captureOutput();
    let run: Awaited<ReturnType<typeof runStateMachine>>;
    try {
      run = await runStateMachine((t) => t.accountId === failed.accountId && t.region === failed.region);
    } finally {
      output.restore();
    }

    // Assess: the run finished, and counts the failed target
    const { plan, digest } = run;
    expect(digest).toMatchObject({ runId: plan.runId, targets: 6, failed: 1, partial: 5, changes: 0 });
    expect(digest.unrecorded).toBeUndefined();
    const [record] = await deps.store().recentRuns(1);
    expect(record?.runId).toBe(plan.runId);
    expect(record?.targets).toHaveLength(6);
    expect(
      record?.targets.find((t) => t.accountId === failed.accountId && t.region === failed.region),
    ).toEqual({
      ...failed,
      status: 'failed',
      durationMs: 0,
      findings: 0,
      changes: 0,
      errors: [
        {
          ...failed,
          source: 'scan-target',
          operation: 'lambda:Invoke',
          code: 'CallerIdentityError',
          message: 'Could not tell who the caller is (sts:GetCallerIdentity: Throttling).',
        },
      ],
    });
    // Its findings are untouched: nothing was compared
    expect(await deps.store().queryFindings({ ...failed, status: 'open' })).toHaveLength(before.length);
    // The function logged why it failed, with the target's keys
    const failure = output
      .lines()
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.message === 'scan-target: failed');
    expect(failure).toMatchObject({ runId: plan.runId, ...failed, level: 'ERROR' });
  });
});
