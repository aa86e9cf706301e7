/**
 * What the functions need, built from their environment: the only place that makes clients for
 * them. Each is created on first use and kept for the container's life (so warm invocations reuse
 * connections), except the scan session, which is per run: it names its AssumeRole sessions after
 * the run and counts that run's API calls.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type Notifier, SnsNotifier } from '../alerts/notifier.ts';
import { cachedWebhookUrl } from '../alerts/slack.ts';
import { clientConfig } from '../aws/clients.ts';
import type { CachedParameter } from '../aws/parameter-cache.ts';
import { ScanSession } from '../aws/session.ts';
import { type ConfigFile, loadConfig } from '../config/config-file.ts';
import { type LambdaEnvironment, readLambdaEnvironment } from '../config/environment.ts';
import { ConfigurationError } from '../config/errors.ts';
import { UsageError } from '../errors.ts';
import { DynamoDbFindingStore } from '../findings/dynamodb-store.ts';
import type { FindingStore } from '../findings/store.ts';
import { sessionSettings } from '../scan/run-settings.ts';
import { cachedExternalId } from './external-id.ts';
import { logger, tracer } from './logger.ts';

export interface Dependencies {
  readonly env: LambdaEnvironment;
  /** The home region: STS, Organizations, the table, the topic and the state machine live there. */
  region(): string;
  /**
   * A scan session for one run (the caller's identity, credentials per account, API call counts),
   * with the external id from `EXTERNAL_ID_PARAMETER` when one is named.
   */
  openSession(runId: string): Promise<ScanSession>;
  store(): FindingStore;
  notifier(): Notifier;
  stepFunctions(): Pick<SFNClient, 'send'>;
  /** The Slack webhook URL from SSM, cached for a few minutes at most (the forwarder). */
  slackWebhookUrl(): CachedParameter<string>;
  /** The packaged configuration file (`CONFIG_FILE`), or none. */
  scanConfig(knownRuleIds: ReadonlySet<string>): Promise<ConfigFile>;
  now(): Date;
}

function required<T>(value: T | undefined, variable: string, what: string): T {
  if (value === undefined || value === '') {
    throw new ConfigurationError(
      `${variable} is not set: set it to ${what} in the function's environment (serverless.yml).`,
    );
  }
  return value;
}

function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}

/** Builds the dependencies; `overrides` replace any of them (tests inject in-memory ones). */
export function createDependencies(
  env: LambdaEnvironment,
  overrides: Partial<Omit<Dependencies, 'env'>> = {},
): Dependencies {
  const region = () => required(env.region, 'AWS_REGION', 'the region the functions run in');
  const aws = {
    ...(env.endpoint ? { endpoint: env.endpoint } : {}),
    maxAttempts: env.performance.maxAttempts,
    retryMode: env.performance.retryMode,
  };
  const config = () => clientConfig(region(), undefined, aws);
  const dynamodb = once(() => tracer.captureAWSv3Client(new DynamoDBClient(config())));
  const sns = once(() => tracer.captureAWSv3Client(new SNSClient(config())));
  const ssm = once(() => tracer.captureAWSv3Client(new SSMClient(config())));
  const externalIdParameter = env.externalIdParameter;
  const externalId = once(() =>
    externalIdParameter ? cachedExternalId(ssm(), externalIdParameter) : undefined,
  );
  let scanConfig: Promise<ConfigFile> | undefined;

  return {
    env,
    region,
    openSession: async (runId) => {
      const fromParameter = await externalId()?.get();
      return ScanSession.create(
        sessionSettings({
          homeRegion: region(),
          ...(env.endpoint ? { endpoint: env.endpoint } : {}),
          targets: fromParameter ? { ...env.targets, externalId: fromParameter } : env.targets,
          performance: env.performance,
          runId,
        }),
      );
    },
    store: once(
      () =>
        new DynamoDbFindingStore(
          dynamodb(),
          required(env.findingsTable, 'FINDINGS_TABLE', 'the name of the findings table'),
        ),
    ),
    notifier: once(
      () =>
        new SnsNotifier(sns(), required(env.topicArn, 'TOPIC_ARN', 'the ARN of the alerts topic'), {
          ...(env.findingsTable ? { table: env.findingsTable } : {}),
        }),
    ),
    stepFunctions: once(() => tracer.captureAWSv3Client(new SFNClient(config()))),
    slackWebhookUrl: once(() => {
      const parameterName = env.slackWebhookParameter;
      if (!parameterName) {
        throw new ConfigurationError(
          'SLACK_WEBHOOK_PARAMETER is not set: set it to the name of the SSM SecureString parameter that ' +
            'holds the Slack incoming webhook URL.',
        );
      }
      return cachedWebhookUrl(ssm(), parameterName);
    }),
    scanConfig: (knownRuleIds) => {
      scanConfig ??= loadScanConfig(env.configFile, knownRuleIds).catch((error: unknown) => {
        scanConfig = undefined; // a later invocation tries again
        throw error;
      });
      return scanConfig;
    },
    now: () => new Date(),
    ...overrides,
  };
}

async function loadScanConfig(path: string | undefined, knownRuleIds: ReadonlySet<string>) {
  if (!path) return {};
  let config: ConfigFile;
  try {
    config = await loadConfig(path, knownRuleIds);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new ConfigurationError(`CONFIG_FILE ${path}: ${error.message}`, error.problems);
  }
  if (config.targets || config.performance) {
    // Targets and performance are the deployment's parameters; one source of truth for them.
    logger.warn('CONFIG_FILE: the targets and performance sections are ignored by the functions', {
      configFile: path,
    });
  }
  return config;
}

let shared: Dependencies | undefined;

/** The container's dependencies, built from `process.env` on the first invocation. */
export function lambdaDependencies(): Dependencies {
  shared ??= createDependencies(readLambdaEnvironment());
  return shared;
}
