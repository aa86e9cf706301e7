import { EstatescanError } from '../errors.ts';

/** Where a notification was going when it failed. Never holds a webhook URL (those are secrets). */
export interface NotificationContext {
  /** `sns` for the topic, `slack` for the incoming webhook, `ssm` for reading the webhook URL. */
  destination: 'sns' | 'slack' | 'ssm';
  topicArn?: string;
  accountId?: string;
  runId?: string;
  /** `2/3` when the group was split. */
  part?: string;
  /** How many messages went out before this one failed. */
  published?: number;
  /** HTTP status of the answer, when there was one. */
  status?: number;
  /** Slack says the webhook itself is gone (removed, revoked): its URL must be read again. */
  revoked?: boolean;
  /** The SSM parameter name (the name, not its value). */
  parameterName?: string;
}

/** A message could not be sent (SNS Publish, Slack webhook) or its destination not be read. */
export class NotificationError extends EstatescanError {
  override name = 'NotificationError';
  constructor(
    message: string,
    readonly context: NotificationContext,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}
