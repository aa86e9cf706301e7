/**
 * The functions in-process against the emulator, chained as the state machine chains them:
 * plan → scan-target for each target (a small pool, like the Distributed Map) → summarize; then the
 * table's stream, as Lambda delivers it, to notify, which publishes to SNS (read back from SQS).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandler as createNotify } from '../../../functions/notify.ts';
import { createHandler as createPlan } from '../../../functions/plan.ts';
import { createHandler as createScanTarget } from '../../../functions/scan-target.ts';
import { createHandler as createSummarize } from '../../../functions/summarize.ts';
import { createAlertInbox } from '../../../scripts/demo/alert-inbox.ts';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import { clientConfig } from '../../../src/aws/clients.ts';
import { readLambdaEnvironment } from '../../../src/config/environment.ts';
import { ensureTable } from '../../../src/findings/table.ts';
import { createDependencies, type Dependencies } from '../../../src/lambda/dependencies.ts';
import type { PlanOutput } from '../../../src/lambda/steps.ts';
import type { BatchResponse } from '../../../src/lambda/stream-batch.ts';
import type { RunDigest } from '../../../src/scan/run-summary.ts';
import type { TargetScanReport } from '../../../src/scan/target-scan.ts';
import {
  credentialsFor,
  emulatorEndpoint,
  emulatorSettings,
  hubCredentials,
  resetEmulator,
} from '../../support/emulator.ts';
import { captureOutput, lambdaContext } from '../../support/lambda.ts';
import { TableStreamReader } from '../../support/table-stream.ts';

const TABLE = 'estatescan-flow-findings';
const REGION = 'eu-west-1';
const ACCOUNTS = Object.values(DEMO_ACCOUNTS);

describe('plan → scan-target × N → summarize, then the stream → notify → SNS', () => {
  let deps: Dependencies;
  let clock: Date;
  let stream: TableStreamReader;
  let inbox: Awaited<ReturnType<typeof createAlertInbox>>;

  /** One run, as the state machine would run it; returns what each step returned. */
  async function runStateMachine() {
    const context = lambdaContext();
    const plan = (await createPlan(() => deps)({}, context)) as PlanOutput;
    const scanTarget = createScanTarget(() => deps);
    // One after the other: a Lambda container runs one invocation at a time, and the logger's
    // per-invocation keys (run id, account, region) assume it.
    const results: TargetScanReport[] = [];
    for (const target of plan.targets) {
      const item = { runId: plan.runId, startedAt: plan.startedAt, rules: plan.rules, target };
      results.push((await scanTarget(item, context)) as TargetScanReport);
    }
    const digest = (await createSummarize(() => deps)(
      { runId: plan.runId, startedAt: plan.startedAt, planErrors: plan.planErrors, results },
      context,
    )) as RunDigest;
    return { plan, results, digest };
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
    const dynamodb = new DynamoDBClient(config);
    await ensureTable(dynamodb, TABLE);
    stream = new TableStreamReader(dynamodb, new DynamoDBStreamsClient(config), TABLE);

    // Prepare: the functions' environment, as serverless.yml sets it.
    const env = readLambdaEnvironment({
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: emulatorEndpoint(),
      FINDINGS_TABLE: TABLE,
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

    // Assess: the plan and the targets
    const { plan, results, digest } = run;
    expect(plan.targets).toHaveLength(6);
    expect(plan.targets).toContainEqual({ accountId: DEMO_ACCOUNTS.production, region: 'eu-west-1' });
    expect(plan.planErrors).toEqual([]);
    // The emulator has no SSM managed instances: every target is partial, and says why.
    expect(results.map((r) => r.status)).toEqual(Array(6).fill('partial'));
    expect(results.every((r) => r.errors.some((e) => e.source.startsWith('ssm.')))).toBe(true);
    expect(results.every((r) => r.baseline && r.changes === 0 && r.apiCalls.calls > 0)).toBe(true);

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
});
