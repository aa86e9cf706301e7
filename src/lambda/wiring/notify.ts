/** notify's wiring: the SNS notifier of the alerts topic (`TOPIC_ARN`), and nothing else. */
import { SNSClient } from '@aws-sdk/client-sns';
import { type Notifier, SnsNotifier } from '../../alerts/notifier.ts';
import { type LambdaEnvironment, readLambdaEnvironment } from '../../config/environment.ts';
import { tracer } from '../logger.ts';
import { homeClientConfig, once, required } from './common.ts';

export interface NotifyDependencies {
  notifier(): Notifier;
}

export function createNotifyDependencies(
  env: LambdaEnvironment,
  overrides: Partial<NotifyDependencies> = {},
): NotifyDependencies {
  return {
    notifier: once(
      () =>
        new SnsNotifier(
          tracer.captureAWSv3Client(new SNSClient(homeClientConfig(env))),
          required(env.topicArn, 'TOPIC_ARN', 'the ARN of the alerts topic'),
          // Named in each message's `estatescan findings` hint.
          env.findingsTable ? { table: env.findingsTable } : {},
        ),
    ),
    ...overrides,
  };
}

let shared: NotifyDependencies | undefined;

/** The container's dependencies, built from `process.env` on the first invocation. */
export function lambdaNotifyDependencies(): NotifyDependencies {
  shared ??= createNotifyDependencies(readLambdaEnvironment());
  return shared;
}
