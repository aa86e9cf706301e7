/** The Slack forwarder's wiring: the webhook URL from its SSM SecureString, and nothing else. */
import { SSMClient } from '@aws-sdk/client-ssm';
import { cachedWebhookUrl } from '../../alerts/slack-webhook.ts';
import type { CachedParameter } from '../../aws/parameter-cache.ts';
import { type LambdaEnvironment, readLambdaEnvironment } from '../../config/environment.ts';
import { tracer } from '../logger.ts';
import { homeClientConfig, once, required } from './common.ts';

export interface SlackForwarderDependencies {
  /** The Slack webhook URL from SSM, cached for a few minutes at most. */
  slackWebhookUrl(): CachedParameter<string>;
}

export function createSlackForwarderDependencies(
  env: LambdaEnvironment,
  overrides: Partial<SlackForwarderDependencies> = {},
): SlackForwarderDependencies {
  return {
    slackWebhookUrl: once(() => {
      const parameterName = required(
        env.slackWebhookParameter,
        'SLACK_WEBHOOK_PARAMETER',
        'the name of the SSM SecureString parameter that holds the Slack incoming webhook URL',
      );
      return cachedWebhookUrl(tracer.captureAWSv3Client(new SSMClient(homeClientConfig(env))), parameterName);
    }),
    ...overrides,
  };
}

let shared: SlackForwarderDependencies | undefined;

/** The container's dependencies, built from `process.env` on the first invocation. */
export function lambdaSlackForwarderDependencies(): SlackForwarderDependencies {
  shared ??= createSlackForwarderDependencies(readLambdaEnvironment());
  return shared;
}
