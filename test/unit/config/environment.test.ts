import { describe, expect, it } from 'vitest';
import { readLambdaEnvironment } from '../../../src/config/environment.ts';
import { ConfigurationError } from '../../../src/config/errors.ts';

describe('readLambdaEnvironment', () => {
  it('reads the functions’ variables, with defaults for what is not set', () => {
    // Act
    const env = readLambdaEnvironment({
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
      FINDINGS_TABLE: 'estatescan-findings',
      TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:estatescan-alerts',
      TARGET_ACCOUNTS: 'organization',
      EXCLUDE_ACCOUNTS: '111111111111, 222222222222',
      TARGET_REGIONS: 'all',
      MEMBER_ROLE_NAME: 'EstatescanReadOnly',
      EXTERNAL_ID: 'estatescan-7f3a',
      RUNS_BUCKET: 'estatescan-runs-1a2b',
    });

    // Assess
    expect(env).toEqual({
      endpoint: 'http://127.0.0.1:5000',
      region: 'eu-west-1',
      findingsTable: 'estatescan-findings',
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:estatescan-alerts',
      runsBucket: 'estatescan-runs-1a2b',
      targets: {
        accounts: 'organization',
        excludeAccounts: ['111111111111', '222222222222'],
        regions: 'all',
        roleName: 'EstatescanReadOnly',
        externalId: 'estatescan-7f3a',
        assumeRoleInCallerAccount: true,
      },
      performance: { targetConcurrency: 8, itemConcurrency: 8, maxAttempts: 8, retryMode: 'adaptive' },
      inlineTargetLimit: 10,
      securityHub: false,
    });
  });

  it('reads SECURITY_HUB as a flag, and refuses anything but true or false', () => {
    // Act + Assess
    expect(readLambdaEnvironment({ SECURITY_HUB: 'true' }).securityHub).toBe(true);
    expect(readLambdaEnvironment({ SECURITY_HUB: 'FALSE' }).securityHub).toBe(false);
    expect(() => readLambdaEnvironment({ SECURITY_HUB: 'yes' })).toThrow(/SECURITY_HUB: true or false/);
  });

  it('names every malformed variable at once', () => {
    // Act
    let error: unknown;
    try {
      readLambdaEnvironment({
        TARGET_ACCOUNTS: '111111111111,12345',
        TARGET_REGIONS: 'eu-west-1,Europe',
        ITEM_CONCURRENCY: 'many',
        INLINE_TARGET_LIMIT: '-1',
        ASSUME_ROLE_IN_CALLER_ACCOUNT: 'yes',
      });
    } catch (e) {
      error = e;
    }

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems).toEqual([
      'ASSUME_ROLE_IN_CALLER_ACCOUNT: true or false (got "yes")',
      'TARGET_ACCOUNTS (item 2): an account id is 12 digits (got "12345")',
      'TARGET_REGIONS (item 2): a region looks like eu-west-1 (got "Europe")',
      'ITEM_CONCURRENCY: a whole number (got "many")',
      'INLINE_TARGET_LIMIT: a whole number from 0 to 1000 (got "-1")',
    ]);
  });

  it('reads where the deployed configuration is (CONFIG_BUCKET, CONFIG_KEY) and the stage, and refuses what it no longer reads', () => {
    // Act
    const env = readLambdaEnvironment({
      CONFIG_BUCKET: 'estatescan-prod-configbucket-1a2b',
      CONFIG_KEY: 'team/estatescan.config.yml',
      STAGE: 'prod',
    });
    let error: unknown;
    try {
      readLambdaEnvironment({
        CONFIG_BUCKET: 'Not A Bucket',
        CONFIG_FILE: '/var/task/estatescan.config.yml',
      });
    } catch (e) {
      error = e;
    }

    // Assess
    expect(env).toMatchObject({
      configBucket: 'estatescan-prod-configbucket-1a2b',
      configKey: 'team/estatescan.config.yml',
      stage: 'prod',
    });
    expect((error as ConfigurationError).problems).toEqual([
      'CONFIG_BUCKET: an S3 bucket name (got "Not A Bucket")',
      'CONFIG_FILE is no longer read: the functions read the deployed configuration from CONFIG_BUCKET ' +
        '(estatescan config push --stage <stage> uploads it)',
    ]);
  });

  it('reads where the external id is kept (EXTERNAL_ID_PARAMETER), and refuses it next to EXTERNAL_ID', () => {
    // Act
    const env = readLambdaEnvironment({ EXTERNAL_ID_PARAMETER: '/estatescan/prod/external-id' });
    let error: unknown;
    try {
      readLambdaEnvironment({ EXTERNAL_ID_PARAMETER: 'external-id', EXTERNAL_ID: 'estatescan-7f3a' });
    } catch (e) {
      error = e;
    }

    // Assess
    expect(env.externalIdParameter).toBe('/estatescan/prod/external-id');
    expect(env.targets.externalId).toBeUndefined();
    expect((error as ConfigurationError).problems).toEqual([
      'EXTERNAL_ID_PARAMETER: an SSM parameter name starting with / (got "external-id")',
      'EXTERNAL_ID and EXTERNAL_ID_PARAMETER are both set: set only one',
    ]);
  });
});
