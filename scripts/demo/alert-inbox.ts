/**
 * The demo's "inbox": an SNS topic for estatescan's alerts with an SQS queue subscribed, so the demo
 * can show exactly the messages an email or Slack subscriber would get.
 */
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DEMO_HUB_CREDENTIALS } from './estate.ts';

export interface ReceivedAlert {
  subject: string;
  body: string;
  attributes: Record<string, string>;
}

/** Every message waiting in a queue subscribed to an SNS topic, as SNS delivered it, removed from it. */
export async function drainInbox(sqs: SQSClient, queueUrl: string): Promise<ReceivedAlert[]> {
  const alerts: ReceivedAlert[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!Messages?.length) return alerts;
    for (const m of Messages) {
      const envelope = JSON.parse(m.Body ?? '{}') as {
        Subject?: string;
        Message?: string;
        MessageAttributes?: Record<string, { Value: string }>;
      };
      alerts.push({
        subject: envelope.Subject ?? '',
        body: envelope.Message ?? '',
        attributes: Object.fromEntries(
          Object.entries(envelope.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value]),
        ),
      });
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

export async function createAlertInbox(endpoint: string) {
  const config = { region: 'eu-west-1', endpoint, credentials: DEMO_HUB_CREDENTIALS };
  const sns = new SNSClient(config);
  const sqs = new SQSClient(config);
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'estatescan-alerts' }))).TopicArn!;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'estatescan-inbox' }))).QueueUrl!;
  const queueArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes!.QueueArn!;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
  return {
    topicArn,
    /** Every message waiting in the inbox, removed from it. */
    receive: () => drainInbox(sqs, queueUrl),
  };
}

export function printMessages(when: string, alerts: ReceivedAlert[]): void {
  const out = process.stdout;
  out.write(`\n== ${alerts.length} alert messages ${when}\n`);
  for (const alert of alerts) {
    out.write(`\n--- Subject: ${alert.subject}\n`);
    out.write(`    Attributes: ${JSON.stringify(alert.attributes)}\n`);
    out.write(`${alert.body}\n`);
  }
}
