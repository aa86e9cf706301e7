/**
 * A target that cannot be scanned, in-process against the emulator: scan-target records the target
 * as failed (its member role refuses the hub), summarize moves the target's health item, the table's
 * stream carries the change to notify, and SNS delivers one message when it starts failing and one
 * when it is scanned again, none in between, with attributes an SNS filter policy selects. (The
 * failure the state machine's Catch records, RecordFailure, takes the same way from summarize on:
 * test/integration/deployment/packaged-stack.test.ts runs it on the real interpreter.)
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandler as createNotify } from '../../../functions/notify.ts';
import { createHandler as createPlan } from '../../../functions/plan.ts';
import { createHandler as createScanTarget } from '../../../functions/scan-target.ts';
import { createHandler as createSummarize } from '../../../functions/summarize.ts';
import { createAlertInbox } from '../../../scripts/demo/alert-inbox.ts';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import { clientConfig } from '../../../src/aws/client-config.ts';
import { AssumeRoleError } from '../../../src/aws/errors.ts';
import { readLambdaEnvironment } from '../../../src/config/environment.ts';
import { ensureTable } from '../../../src/findings/table.ts';
import type { Target } from '../../../src/inventory/types.ts';
import type { PlanOutput } from '../../../src/lambda/plan-run.ts';
import type { RunDigest } from '../../../src/scan/run-summary.ts';
import { emulatorEndpoint, emulatorSettings, hubCredentials, resetEmulator } from '../../support/emulator.ts';
import {
  createFunctionDependencies,
  type FunctionDependencies,
} from '../../support/function-dependencies.ts';
import { captureOutput, lambdaContext } from '../../support/lambda.ts';
import { TableStreamReader } from '../../support/table-stream.ts';

const TABLE = 'estatescan-health-findings';
const REGION = 'eu-west-1';
const FAILING = DEMO_ACCOUNTS.development;

/** An SQS queue subscribed to the topic with an SNS filter policy on the message attributes. */
async function filteredInbox(topicArn: string, filterPolicy: Record<string, string[]>) {
  const config = clientConfig(REGION, hubCredentials, emulatorSettings());
  const sqs = new SQSClient(config);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'estatescan-health-inbox' }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await new SNSClient(config).send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      Attributes: { FilterPolicy: JSON.stringify(filterPolicy) },
    }),
  );
  return {
    async subjects(): Promise<string[]> {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      for (const m of Messages ?? []) {
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
      return (Messages ?? []).map((m) => (JSON.parse(m.Body ?? '{}') as { Subject: string }).Subject);
    },
  };
}

describe('a target that cannot be scanned: announced once when it starts failing, once when it clears', () => {
  let deps: FunctionDependencies;
  let clock: Date;
  let roleDeleted = true;
  let stream: TableStreamReader;
  let inbox: Awaited<ReturnType<typeof createAlertInbox>>;
  let healthOnly: Awaited<ReturnType<typeof filteredInbox>>;

  /** plan → scan-target per target → summarize, then the stream's records → notify. */
  async function run(): Promise<RunDigest> {
    const output = captureOutput();
    try {
      const context = lambdaContext();
      const plan = (await createPlan(() => deps)({}, context)) as PlanOutput;
      const { runId, startedAt, rules, configVersion, ttl } = plan;
      for (const target of plan.targets as Target[]) {
        await createScanTarget(() => deps)({ runId, startedAt, rules, configVersion, ttl, target }, context);
      }
      const digest = (await createSummarize(() => deps)(
        { runId, startedAt, targetCount: plan.targetCount },
        context,
      )) as RunDigest;
      const notified = await createNotify(() => deps)(await stream.nextEvent(), context);
      expect(notified).toEqual({ batchItemFailures: [] });
      return digest;
    } finally {
      output.restore();
    }
  }

  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
    inbox = await createAlertInbox(emulatorEndpoint());
    healthOnly = await filteredInbox(inbox.topicArn, { change: ['target-failing', 'target-recovered'] });
    const config = clientConfig(REGION, hubCredentials, emulatorSettings());
    const dynamodb = new DynamoDBClient(config);
    await ensureTable(dynamodb, TABLE);
    stream = new TableStreamReader(dynamodb, new DynamoDBStreamsClient(config), TABLE);
    const env = readLambdaEnvironment({
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: emulatorEndpoint(),
      FINDINGS_TABLE: TABLE,
      TOPIC_ARN: inbox.topicArn,
      TARGET_ACCOUNTS: [DEMO_ACCOUNTS.production, FAILING].join(','),
      TARGET_REGIONS: REGION,
      MEMBER_ROLE_NAME: 'EstatescanReadOnly',
      MAX_ATTEMPTS: '3',
      RETRY_MODE: 'standard',
    });
    const base = createFunctionDependencies(env);
    clock = new Date('2026-11-25T12:00:00.000Z');
    deps = createFunctionDependencies(env, {
      now: () => clock,
      // moto lets any role be assumed: while `roleDeleted`, the failing account's refuses the hub,
      // as AWS does once the member role is gone.
      openSession: async (runId) => {
        const session = await base.openSession(runId);
        const forAccount = session.broker.forAccount.bind(session.broker);
        session.broker.forAccount = (accountId) =>
          accountId === FAILING && roleDeleted
            ? async () => {
                throw new AssumeRoleError(
                  accountId,
                  `arn:aws:iam::${accountId}:role/EstatescanReadOnly`,
                  'AccessDenied',
                  {
                    cause: Object.assign(new Error('not authorized to perform sts:AssumeRole'), {
                      name: 'AccessDenied',
                    }),
                  },
                );
              }
            : forAccount(accountId);
        return session;
      },
    });
    // The first scan of each target: its baseline, announced once, out of the way.
    roleDeleted = false;
    await run();
    await inbox.receive();
    roleDeleted = true;
  });

  it('announces the first failed run: where, since when, why, with attributes a subscription filters on', async () => {
    // Act
    clock = new Date('2026-11-26T00:00:00.000Z');
    const digest = await run();

    // Assess
    expect(digest).toMatchObject({ targets: 2, failed: 1 });
    const messages = await inbox.receive();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.attributes).toEqual({
      accountId: FAILING,
      severity: 'high',
      change: '["target-failing"]',
      severityChange: '["high:target-failing"]',
    });
    expect(messages[0]?.subject).toBe(
      `[estatescan] ${FAILING}: cannot be scanned in eu-west-1 (AccessDenied)`,
    );
    expect(messages[0]?.body).toContain('Since:      2026-11-26 00:00 UTC');
    expect(messages[0]?.body).toContain('sts:AssumeRole AccessDenied: Could not assume');
    expect(await healthOnly.subjects()).toEqual([messages[0]?.subject]);
  });

  it('says nothing while it keeps failing', async () => {
    // Act
    clock = new Date('2026-11-26T06:00:00.000Z');
    await run();

    // Assess
    expect(await inbox.receive()).toEqual([]);
    expect(await deps.store().loadTargetHealth()).toEqual([
      expect.objectContaining({
        accountId: FAILING,
        status: 'failing',
        failedRuns: 2,
        lastChange: 'still-failing',
      }),
    ]);
  });

  it('announces once that it is scanned again, under the same severity', async () => {
    // Prepare: the member role is back
    roleDeleted = false;
    clock = new Date('2026-11-26T12:00:00.000Z');

    // Act
    const digest = await run();
    clock = new Date('2026-11-26T18:00:00.000Z');
    await run();

    // Assess
    expect(digest.failed).toBe(0);
    const messages = await inbox.receive();
    expect(messages.map((m) => m.subject)).toEqual([`[estatescan] ${FAILING}: scanned again in eu-west-1`]);
    expect(messages[0]?.attributes).toMatchObject({ severity: 'high', change: '["target-recovered"]' });
    expect(messages[0]?.body).toContain('Failed:     2 runs in a row');
    expect(await healthOnly.subjects()).toEqual([messages[0]?.subject]);
  });
});
