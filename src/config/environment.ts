/**
 * The only place that reads the process environment (with cli-environment.ts, the CLI's part, kept
 * free of zod so the CLI starts fast). Everything else gets these values passed in.
 */
import * as z from 'zod';
import { ConfigurationError } from './errors.ts';
import {
  type PerformanceSettings,
  performanceSettingsSchema,
  type TargetSettings,
  targetSettingsSchema,
} from './settings.ts';

export {
  type Environment,
  quietSdkNodeVersionWarning,
  readEnvironment,
} from './cli-environment.ts';

/**
 * What the functions' logger, metrics and tracer need at import (Powertools reads its own
 * `POWERTOOLS_*` variables): the stage, which every metric carries as a dimension so that two
 * stages in one account never mix in a graph or an alarm.
 */
export function readTelemetryEnvironment(env: NodeJS.ProcessEnv = process.env): { stage?: string } {
  const stage = env.STAGE?.trim();
  return stage ? { stage } : {};
}

/**
 * What the Lambda functions are configured with (serverless.yml sets these variables). Each is
 * validated here, once; a value a function needs but does not have is reported by the dependency
 * that needs it (`createDependencies`), so a function only requires its own variables.
 */
export interface LambdaEnvironment {
  /** `AWS_ENDPOINT_URL`: one endpoint for every service, e.g. an emulator. */
  endpoint?: string;
  /** `AWS_REGION` (Lambda always sets it): the home region for STS, Organizations and the table. */
  region?: string;
  /** `FINDINGS_TABLE`: the DynamoDB findings table. */
  findingsTable?: string;
  /** `TOPIC_ARN`: the SNS topic the notifier publishes to. */
  topicArn?: string;
  /** `STATE_MACHINE_ARN`: the scan state machine, started for requests over the inline limit. */
  stateMachineArn?: string;
  /**
   * `RUNS_BUCKET`: the S3 bucket where `plan` writes a run's targets for the Distributed Map to
   * read. Unset, `plan` returns the targets in its result (in-process use, tests).
   */
  runsBucket?: string;
  /**
   * `TARGET_ACCOUNTS` (comma list or `organization`; default: the function's own account),
   * `EXCLUDE_ACCOUNTS` (comma list), `TARGET_REGIONS` (comma list or `all`; default: `AWS_REGION`),
   * `MEMBER_ROLE_NAME`, `EXTERNAL_ID` (see `externalIdParameter`), `ASSUME_ROLE_IN_CALLER_ACCOUNT`
   * (default `true`: the function's own role may only assume the member role, so its own account is
   * read through the member role too).
   */
  targets: TargetSettings;
  /** `TARGET_CONCURRENCY`, `ITEM_CONCURRENCY`, `MAX_ATTEMPTS`, `RETRY_MODE` (`adaptive`|`standard`). */
  performance: PerformanceSettings;
  /** `INLINE_TARGET_LIMIT` (default 10): the on-demand function scans at most this many inline. */
  inlineTargetLimit: number;
  /**
   * `CONFIG_BUCKET`: the bucket holding the deployed configuration (`estatescan config push`), read
   * by the functions that evaluate rules; `CONFIG_KEY` its key (default `estatescan.config.yml`).
   * Unset, they scan with the defaults.
   */
  configBucket?: string;
  configKey?: string;
  /** `STAGE`: the deployment's stage, the `stage` dimension of every metric. */
  stage?: string;
  /** `SLACK_WEBHOOK_PARAMETER`: the SSM SecureString holding the Slack webhook URL (the forwarder). */
  slackWebhookParameter?: string;
  /**
   * `EXTERNAL_ID_PARAMETER`: the SSM SecureString holding the external id, read at run time by the
   * functions that assume the member role (the deployment's way; `EXTERNAL_ID` gives the value
   * itself, for in-process use).
   */
  externalIdParameter?: string;
  /**
   * `SECURITY_HUB` (`true`|`false`, default `false`): keep findings in step in each member account's
   * own Security Hub, through the member role (deployed with `SecurityHubImport=true`).
   */
  securityHub: boolean;
}

/** An SSM parameter name as the deployment gives it: a path from the root. */
const parameterNamePattern = /^\/[\w./-]{1,1010}$/;

/** An S3 bucket name (3-63 lowercase letters, digits, dots and hyphens). */
const bucketNamePattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const DEFAULT_INLINE_TARGET_LIMIT = 10;

const targetVariables: Record<string, string> = {
  accounts: 'TARGET_ACCOUNTS',
  excludeAccounts: 'EXCLUDE_ACCOUNTS',
  regions: 'TARGET_REGIONS',
  roleName: 'MEMBER_ROLE_NAME',
  externalId: 'EXTERNAL_ID',
  assumeRoleInCallerAccount: 'ASSUME_ROLE_IN_CALLER_ACCOUNT',
};
const performanceVariables: Record<string, string> = {
  targetConcurrency: 'TARGET_CONCURRENCY',
  itemConcurrency: 'ITEM_CONCURRENCY',
  maxAttempts: 'MAX_ATTEMPTS',
  retryMode: 'RETRY_MODE',
};

const inlineTargetLimitSchema = z.number().int().min(0).max(1000);

/** Reads and validates the Lambda functions' variables; every problem is reported at once. */
export function readLambdaEnvironment(env: NodeJS.ProcessEnv = process.env): LambdaEnvironment {
  const text = (name: string) => env[name]?.trim() || undefined;
  const list = (name: string) =>
    text(name)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const problems: string[] = [];
  const number = (name: string) => {
    const value = text(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) {
      problems.push(`${name}: a whole number (got "${value}")`);
      return undefined;
    }
    return Number(value);
  };
  const flag = (name: string) => {
    const value = text(name)?.toLowerCase();
    if (value === undefined || value === 'true' || value === 'false') return value && value === 'true';
    problems.push(`${name}: true or false (got "${text(name)}")`);
    return undefined;
  };
  const defined = (values: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
  const describe = (issues: z.core.$ZodIssue[], variables: Record<string, string>) => {
    for (const issue of issues) {
      const key = String(issue.path[0] ?? '');
      const item = typeof issue.path[1] === 'number' ? ` (item ${issue.path[1] + 1})` : '';
      const got =
        typeof issue.input === 'string' || typeof issue.input === 'number' ? ` (got "${issue.input}")` : '';
      problems.push(`${variables[key] ?? key}${item}: ${issue.message}${got}`);
    }
  };

  const targets = targetSettingsSchema.safeParse(
    defined({
      accounts: text('TARGET_ACCOUNTS') === 'organization' ? 'organization' : list('TARGET_ACCOUNTS'),
      excludeAccounts: list('EXCLUDE_ACCOUNTS'),
      regions: text('TARGET_REGIONS') === 'all' ? 'all' : list('TARGET_REGIONS'),
      roleName: text('MEMBER_ROLE_NAME'),
      externalId: text('EXTERNAL_ID'),
      assumeRoleInCallerAccount: flag('ASSUME_ROLE_IN_CALLER_ACCOUNT') ?? true,
    }),
    { reportInput: true },
  );
  if (!targets.success) describe(targets.error.issues, targetVariables);
  const performance = performanceSettingsSchema.safeParse(
    defined({
      targetConcurrency: number('TARGET_CONCURRENCY'),
      itemConcurrency: number('ITEM_CONCURRENCY'),
      maxAttempts: number('MAX_ATTEMPTS'),
      retryMode: text('RETRY_MODE'),
    }),
    { reportInput: true },
  );
  if (!performance.success) describe(performance.error.issues, performanceVariables);
  const limit = inlineTargetLimitSchema.safeParse(
    number('INLINE_TARGET_LIMIT') ?? DEFAULT_INLINE_TARGET_LIMIT,
  );
  if (!limit.success) {
    problems.push(
      `INLINE_TARGET_LIMIT: a whole number from 0 to 1000 (got "${text('INLINE_TARGET_LIMIT')}")`,
    );
  }
  const externalIdParameter = text('EXTERNAL_ID_PARAMETER');
  if (externalIdParameter !== undefined && !parameterNamePattern.test(externalIdParameter)) {
    problems.push(
      `EXTERNAL_ID_PARAMETER: an SSM parameter name starting with / (got "${externalIdParameter.slice(0, 100)}")`,
    );
  }
  const configBucket = text('CONFIG_BUCKET');
  if (configBucket !== undefined && !bucketNamePattern.test(configBucket)) {
    problems.push(`CONFIG_BUCKET: an S3 bucket name (got "${configBucket.slice(0, 100)}")`);
  }
  if (text('CONFIG_KEY') !== undefined && configBucket === undefined) {
    problems.push('CONFIG_KEY is set without CONFIG_BUCKET: set the bucket too, or neither');
  }
  if (text('CONFIG_FILE') !== undefined) {
    problems.push(
      'CONFIG_FILE is no longer read: the functions read the deployed configuration from CONFIG_BUCKET ' +
        '(estatescan config push --stage <stage> uploads it)',
    );
  }
  if (externalIdParameter !== undefined && text('EXTERNAL_ID') !== undefined) {
    problems.push('EXTERNAL_ID and EXTERNAL_ID_PARAMETER are both set: set only one');
  }
  const securityHub = flag('SECURITY_HUB');
  if (problems.length || !targets.success || !performance.success || !limit.success) {
    throw new ConfigurationError(
      `The function's environment is misconfigured:\n  ${problems.join('\n  ')}\n` +
        'Fix the variables in the deployment (serverless.yml parameters) and deploy again.',
      problems,
    );
  }
  const region = text('AWS_REGION') ?? text('AWS_DEFAULT_REGION');
  return {
    ...(text('AWS_ENDPOINT_URL') ? { endpoint: text('AWS_ENDPOINT_URL') } : {}),
    ...(region ? { region } : {}),
    ...(text('FINDINGS_TABLE') ? { findingsTable: text('FINDINGS_TABLE') } : {}),
    ...(text('TOPIC_ARN') ? { topicArn: text('TOPIC_ARN') } : {}),
    ...(text('STATE_MACHINE_ARN') ? { stateMachineArn: text('STATE_MACHINE_ARN') } : {}),
    ...(text('RUNS_BUCKET') ? { runsBucket: text('RUNS_BUCKET') } : {}),
    targets: targets.data,
    performance: performance.data,
    inlineTargetLimit: limit.data,
    ...(configBucket ? { configBucket } : {}),
    ...(text('CONFIG_KEY') ? { configKey: text('CONFIG_KEY') } : {}),
    ...(text('STAGE') ? { stage: text('STAGE') } : {}),
    ...(text('SLACK_WEBHOOK_PARAMETER') ? { slackWebhookParameter: text('SLACK_WEBHOOK_PARAMETER') } : {}),
    ...(externalIdParameter ? { externalIdParameter } : {}),
    securityHub: securityHub ?? false,
  };
}
