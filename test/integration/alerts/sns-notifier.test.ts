/**
 * The SNS notifier against moto: a topic with SQS subscriptions (raw delivery off, so each SQS body
 * is the SNS envelope: `Message` is the `sqs` or else the `default` message, plus `Subject` and
 * `MessageAttributes`), one of them with a filter policy.
 *
 * moto (5.2) delivers to SQS synchronously inside Publish, picks the per-protocol message of a
 * `MessageStructure: json` Publish (`sqs`, else `default`), and matches filter policies on String and
 * String.Array attributes (an array matches when any element does).
 */
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SnsNotifier } from '../../../src/alerts/notifier.ts';
import { clientConfig } from '../../../src/aws/clients.ts';
import type { ChangeSet, FindingChange } from '../../../src/findings/changes.ts';
import type { Severity } from '../../../src/findings/types.ts';
import { DATA, makeFinding, PROD } from '../../fixtures/report.ts';
import { emulatorSettings, hubCredentials, resetEmulator } from '../../support/emulator.ts';

const REGION = 'eu-west-1';
const RUN = 'run-integration';
const AT = '2026-09-15T06:04:12.000Z';

interface Envelope {
  Type: string;
  Subject?: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

function change(
  kind: FindingChange['kind'],
  severity: Severity,
  accountId: string,
  resourceId: string,
): FindingChange {
  return {
    kind,
    runId: RUN,
    at: AT,
    finding: makeFinding({
      ruleId: 'ec2-security-group-open-ingress',
      severity,
      accountId,
      region: REGION,
      resourceType: 'AwsEc2SecurityGroup',
      resourceId,
      message: `Security group ${resourceId} allows ingress from 0.0.0.0/0.`,
      evidence: { cidr: '0.0.0.0/0', port: 22 },
      remediation: `1. Restrict the rule. CLI: aws ec2 revoke-security-group-ingress --group-id ${resourceId} --protocol tcp --port 22 --cidr 0.0.0.0/0`,
    }),
  };
}

describe('SnsNotifier against the emulator', () => {
  let sns: SNSClient;
  let sqs: SQSClient;
  let topicArn: string;
  let allQueue: string;
  let criticalQueue: string;

  async function subscribeQueue(name: string, filterPolicy?: object): Promise<string> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: {
          RawMessageDelivery: 'false',
          ...(filterPolicy ? { FilterPolicy: JSON.stringify(filterPolicy) } : {}),
        },
      }),
    );
    return QueueUrl!;
  }

  async function receiveAll(queueUrl: string): Promise<Envelope[]> {
    const messages: Message[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (!Messages.length) break;
      messages.push(...Messages);
    }
    return messages.map((m) => JSON.parse(m.Body ?? '') as Envelope);
  }

  beforeAll(async () => {
    await resetEmulator();
    const config = clientConfig(REGION, hubCredentials, emulatorSettings());
    sns = new SNSClient(config);
    sqs = new SQSClient(config);
    topicArn = (await sns.send(new CreateTopicCommand({ Name: 'estatescan-alerts' }))).TopicArn!;
    allQueue = await subscribeQueue('all-alerts');
    criticalQueue = await subscribeQueue('critical-alerts', { severity: ['critical'] });
  });

  it('publishes one message per account with subject, text and attributes; a filter gets only the critical group', async () => {
    // Prepare
    const notifier = new SnsNotifier(sns, topicArn, { table: 'estatescan-findings' });
    const changeSet: ChangeSet = {
      runId: RUN,
      changes: [
        change('new', 'high', DATA, 'sg-0data0000000000a'),
        change('new', 'critical', PROD, 'sg-0prod0000000000a'),
        change('new', 'critical', PROD, 'sg-0prod0000000000b'),
        change('resolved', 'medium', PROD, 'sg-0prod0000000000c'),
      ],
      baselines: [],
    };

    // Act
    const result = await notifier.publish(changeSet);

    // Assess
    expect(result).toEqual({ messages: 2 });
    const all = await receiveAll(allQueue);
    expect(all.map((m) => m.Subject)).toEqual([
      `[estatescan] ${PROD}: 2 new critical, 1 resolved`,
      `[estatescan] ${DATA}: new high sg-0data0000000000a: Security group allows ingress from the...`,
    ]);
    const prod = all[0]!;
    expect(prod.Type).toBe('Notification');
    expect(prod.Message.split('\n')[0]).toBe(
      `estatescan: 3 changes in account ${PROD} (run ${RUN}, 2026-09-15 06:04 UTC)`,
    );
    expect(prod.Message).toContain('[1] NEW - CRITICAL - Security group allows ingress from the internet');
    expect(prod.Message).toContain(
      '        aws ec2 revoke-security-group-ingress --group-id sg-0prod0000000000a --protocol tcp --port 22 --cidr 0.0.0.0/0',
    );
    expect(prod.Message).toContain(`  estatescan findings --table estatescan-findings --account ${PROD}`);
    expect(prod.Message).not.toMatch(/https?:\/\//);
    expect(prod.MessageAttributes).toEqual({
      severity: { Type: 'String', Value: 'critical' },
      accountId: { Type: 'String', Value: PROD },
      ruleId: { Type: 'String.Array', Value: '["ec2-security-group-open-ingress"]' },
      change: { Type: 'String.Array', Value: '["new","resolved"]' },
      severityChange: { Type: 'String.Array', Value: '["critical:new","medium:resolved"]' },
    });

    const critical = await receiveAll(criticalQueue);
    expect(critical.map((m) => m.Subject)).toEqual([`[estatescan] ${PROD}: 2 new critical, 1 resolved`]);
  });

  it('lets a filter policy match one element of a String.Array attribute', async () => {
    // Prepare
    const newCritical = await subscribeQueue('new-critical-alerts', {
      severity: ['critical'],
      change: ['new'],
    });
    const notifier = new SnsNotifier(sns, topicArn);
    const changeSet: ChangeSet = {
      runId: RUN,
      changes: [
        change('resolved', 'critical', PROD, 'sg-0prod0000000000d'),
        change('new', 'low', DATA, 'sg-0data0000000000b'),
        change('escalated', 'critical', DATA, 'sg-0data0000000000c'),
        change('new', 'critical', DATA, 'sg-0data0000000000d'),
      ],
      baselines: [],
    };

    // Act
    await notifier.publish(changeSet);

    // Assess
    const received = await receiveAll(newCritical);
    expect(received.map((m) => m.MessageAttributes?.change?.Value)).toEqual(['["new","escalated"]']);
    expect(received[0]?.MessageAttributes?.accountId?.Value).toBe(DATA);
    await receiveAll(allQueue);
    await receiveAll(criticalQueue);
  });

  it('lets a severityChange filter ask for critical and new about the same finding', async () => {
    // Prepare
    const unpaired = await subscribeQueue('unpaired-critical-new', {
      severity: ['critical'],
      change: ['new'],
    });
    const paired = await subscribeQueue('paired-critical-new', { severityChange: ['critical:new'] });
    const notifier = new SnsNotifier(sns, topicArn);
    const changeSet: ChangeSet = {
      runId: RUN,
      changes: [
        change('resolved', 'critical', PROD, 'sg-0prod0000000000f'),
        change('new', 'low', PROD, 'sg-0prod0000000000g'),
        change('new', 'critical', DATA, 'sg-0data0000000000e'),
        change('resolved', 'low', DATA, 'sg-0data0000000000f'),
      ],
      baselines: [],
    };

    // Act
    await notifier.publish(changeSet);

    // Assess
    // severity and change each match the production message (critical resolved, low new)...
    const matchedUnpaired = await receiveAll(unpaired);
    expect(matchedUnpaired.map((m) => m.MessageAttributes?.accountId?.Value).sort()).toEqual([PROD, DATA]);
    // ...the pairs do not: only the message with a critical finding that is new passes.
    const matchedPaired = await receiveAll(paired);
    expect(matchedPaired.map((m) => m.MessageAttributes?.accountId?.Value)).toEqual([DATA]);
    expect(matchedPaired[0]?.MessageAttributes?.severityChange?.Value).toBe(
      '["critical:new","low:resolved"]',
    );
    await receiveAll(allQueue);
    await receiveAll(criticalQueue);
  });

  it('publishes nothing for an empty change set', async () => {
    // Prepare
    const notifier = new SnsNotifier(sns, topicArn);

    // Act
    const result = await notifier.publish({ runId: RUN, changes: [], baselines: [] });

    // Assess
    expect(result).toEqual({ messages: 0 });
    expect(await receiveAll(allQueue)).toEqual([]);
  });

  it('sends the first-scan summary as one message per account', async () => {
    // Prepare
    const notifier = new SnsNotifier(sns, topicArn, { table: 'estatescan-findings' });
    const top = [change('new', 'critical', PROD, 'sg-0prod0000000000e').finding];

    // Act
    const result = await notifier.publish({
      runId: RUN,
      changes: [],
      baselines: [
        {
          accountId: PROD,
          region: REGION,
          runId: RUN,
          at: AT,
          open: { critical: 1, low: 4 },
          suppressed: 0,
          top,
        },
        { accountId: PROD, region: 'us-east-1', runId: RUN, at: AT, open: {}, suppressed: 0, top: [] },
      ],
    });

    // Assess
    expect(result).toEqual({ messages: 1 });
    const [summary] = await receiveAll(allQueue);
    expect(summary?.Subject).toBe(`[estatescan] ${PROD}: first scan, 5 open findings (1 critical, 4 low)`);
    expect(summary?.Message).toContain(
      `First scan of ${PROD} eu-west-1: 5 open findings (1 critical, 4 low), top 1:`,
    );
    expect(summary?.Message).toContain(`First scan of ${PROD} us-east-1: 0 open findings.`);
    expect(summary?.MessageAttributes?.change).toEqual({ Type: 'String.Array', Value: '["baseline"]' });
    expect(summary?.MessageAttributes?.severityChange).toEqual({
      Type: 'String.Array',
      Value: '["critical:baseline","low:baseline"]',
    });
    const critical = await receiveAll(criticalQueue);
    expect(critical.map((m) => m.Subject)).toEqual([summary?.Subject]);
  });
});
