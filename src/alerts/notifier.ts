/**
 * The notifier: a run's change set becomes as few SNS messages as possible (one per account, split
 * only past SNS's size limit), each a `MessageStructure: json` Publish so email, Chatbot and the
 * Slack forwarder each get their own form.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { ChangeSet } from '../findings/changes.ts';
import { type RenderedMessage, snsMessageBody } from './envelope.ts';
import { NotificationError } from './errors.ts';
import { groupChangeSet } from './group.ts';
import { type PlannedMessage, type SplitOptions, splitGroup } from './split.ts';

export interface Notifier {
  /** Sends the change set's messages; an empty change set sends nothing. */
  publish(changeSet: ChangeSet): Promise<{ messages: number }>;
}

export interface NotifierOptions {
  /** The findings table, named in each message's `estatescan findings` hint. */
  table?: string;
  /** SNS's limit unless a test wants a smaller one. */
  maxBytes?: number;
}

/** Every message a change set makes, in sending order: most severe groups first. */
export function planMessages(changeSet: ChangeSet, options: NotifierOptions = {}): PlannedMessage[] {
  const split: SplitOptions = {
    ...(options.table ? { table: options.table } : {}),
    ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
  };
  return groupChangeSet(changeSet).flatMap((group) => splitGroup(group, split));
}

/** Publishes to one SNS topic, one Publish per message, in order. */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: Pick<SNSClient, 'send'>,
    private readonly topicArn: string,
    private readonly options: NotifierOptions = {},
  ) {}

  async publish(changeSet: ChangeSet): Promise<{ messages: number }> {
    const planned = planMessages(changeSet, this.options);
    let published = 0;
    for (const message of planned) {
      try {
        await this.sns.send(new PublishCommand(publishInput(this.topicArn, message.rendered)));
      } catch (error) {
        const part = message.part ? `${message.part.index}/${message.part.total}` : undefined;
        throw new NotificationError(
          `Could not publish the ${message.group.kind} message for account ${message.group.accountId} ` +
            `(run ${message.group.runId}${part ? `, part ${part}` : ''}) to ${this.topicArn}; ` +
            `${published} of ${planned.length} messages went out. Check that the topic exists and that ` +
            'the caller may sns:Publish to it (and use its KMS key, if it is encrypted).',
          {
            destination: 'sns',
            topicArn: this.topicArn,
            accountId: message.group.accountId,
            runId: message.group.runId,
            published,
            ...(part ? { part } : {}),
          },
          { cause: error },
        );
      }
      published++;
    }
    return { messages: published };
  }
}

/** The Publish request for one rendered message. */
export function publishInput(topicArn: string, rendered: RenderedMessage) {
  return {
    TopicArn: topicArn,
    Subject: rendered.subject,
    MessageStructure: 'json',
    Message: snsMessageBody(rendered),
    MessageAttributes: rendered.attributes,
  };
}

/** Records what it would send, for tests of the core and for dry runs. */
export class InMemoryNotifier implements Notifier {
  readonly sent: PlannedMessage[] = [];

  constructor(private readonly options: NotifierOptions = {}) {}

  async publish(changeSet: ChangeSet): Promise<{ messages: number }> {
    const planned = planMessages(changeSet, this.options);
    this.sent.push(...planned);
    return { messages: planned.length };
  }
}
