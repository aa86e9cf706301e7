/**
 * Slack forwarder, for teams without AWS Chatbot: subscribed to the alerts topic (protocol `lambda`,
 * which carries the Chatbot custom notification), it posts each message to a Slack incoming webhook
 * as Block Kit. The webhook URL lives in an SSM SecureString named by `SLACK_WEBHOOK_PARAMETER`; it
 * is read once per container and never logged.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  cachedWebhookUrl,
  type ForwarderDependencies,
  forwardSnsEvent,
  type SnsEvent,
} from '../src/alerts/slack.ts';
import { UsageError } from '../src/errors.ts';

export function createDependencies(env: NodeJS.ProcessEnv = process.env): ForwarderDependencies {
  const parameterName = env.SLACK_WEBHOOK_PARAMETER;
  if (!parameterName) {
    throw new UsageError(
      'SLACK_WEBHOOK_PARAMETER is not set: set it to the name of the SSM SecureString parameter that ' +
        'holds the Slack incoming webhook URL.',
    );
  }
  return {
    webhookUrl: cachedWebhookUrl(new SSMClient({}), parameterName),
    log: (entry) => console.log(JSON.stringify(entry)),
  };
}

// Built on the first invocation and kept for the container's life, with the URL it caches.
let dependencies: ForwarderDependencies | undefined;

export async function handler(event: SnsEvent): Promise<{ posted: number }> {
  dependencies ??= createDependencies();
  return forwardSnsEvent(event, dependencies);
}
