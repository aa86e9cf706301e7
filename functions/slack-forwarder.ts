/**
 * Slack forwarder, for teams without AWS Chatbot: subscribed to the alerts topic (protocol `lambda`,
 * which carries the Chatbot custom notification), it posts each message to a Slack incoming webhook
 * as Block Kit. The webhook URL lives in an SSM SecureString named by `SLACK_WEBHOOK_PARAMETER`; it
 * is read again after a few minutes (or at once when Slack says it was revoked), so a rotation takes
 * effect without a redeploy, and it is never logged or traced (see logger.ts).
 */
import { type ForwarderDependencies, forwardSnsEvent } from '../src/alerts/slack-webhook.ts';
import { parseEvent, snsEventSchema } from '../src/lambda/events.ts';
import { logger } from '../src/lambda/logger.ts';
import { wrap } from '../src/lambda/middleware.ts';
import {
  lambdaSlackForwarderDependencies,
  type SlackForwarderDependencies,
} from '../src/lambda/wiring/slack-forwarder.ts';

/** The forwarder's log lines (never given the URL) through the shared logger. */
function log({ level, message, ...rest }: Record<string, unknown>): void {
  (level === 'error' ? logger.error : logger.info).call(logger, String(message), rest);
}

export function createHandler(
  dependencies: () => SlackForwarderDependencies = lambdaSlackForwarderDependencies,
) {
  // Built on the first invocation and kept for the container's life, with the URL it caches for a while.
  let forwarder: ForwarderDependencies | undefined;
  return wrap(
    async (event: unknown): Promise<{ posted: number }> => {
      const records = parseEvent(snsEventSchema, event, 'slack-forwarder');
      forwarder ??= { webhookUrl: dependencies().slackWebhookUrl(), log };
      return forwardSnsEvent(records, forwarder);
    },
    { name: 'slack-forwarder' },
  );
}

export const handler = createHandler();
