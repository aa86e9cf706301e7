import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkTemplate,
  functionNames,
  withParameterValues,
  withResolvedDefinitions,
} from '../../../scripts/check-template.ts';
import {
  type CfnTemplate,
  readTemplate,
  roleStatements,
  subTextOf,
} from '../../../scripts/cloudformation.ts';
import {
  ignoredOnPackagedTemplate,
  ignoredOnResolvedCopy,
  packageWithOsls,
  resolveCfnLint,
} from '../../../scripts/package.ts';

/** A copy of the template with its state machine definition text edited. */
function withDefinition(template: CfnTemplate, edit: (text: string) => string): CfnTemplate {
  const copy = structuredClone(template);
  const properties = copy.Resources.ScanStateMachine!.Properties!;
  properties.DefinitionString = { 'Fn::Sub': edit(subTextOf(properties.DefinitionString)!) };
  return copy;
}

function edited(template: CfnTemplate, edit: (copy: CfnTemplate) => void): CfnTemplate {
  const copy = structuredClone(template);
  edit(copy);
  return copy;
}

describe('the packaged CloudFormation template (osls package --stage ci, offline, no credentials)', () => {
  let dir: string;
  let template: CfnTemplate;

  beforeAll(() => {
    // Prepare: a fresh package in a directory of its own (.serverless is left alone).
    dir = mkdtempSync(join(tmpdir(), 'estatescan-package-'));
    packageWithOsls(['--stage', 'ci', '--package', dir], 'pipe');
    template = readTemplate(join(dir, 'cloudformation-template-update-stack.json'));
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has the state machine, table, topic, notifier, schedule, alarms and per-function roles required', () => {
    // Act
    const problems = checkTemplate(template);

    // Assess
    expect(problems).toEqual([]);
  });

  it('lets the scanning roles assume the member role only inside the organization, when its id is given', () => {
    // Prepare
    const assumeRole = (roleId: string) =>
      roleStatements(template, roleId).filter((s) => s.Action === 'sts:AssumeRole');

    // Assess
    expect(template.Parameters?.OrganizationId).toMatchObject({
      Default: '',
      AllowedPattern: '^(|o-[a-z0-9]{10,32})$',
    });
    for (const roleId of ['PlanRole', 'ScanTargetRole', 'ScanRole']) {
      const statements = assumeRole(roleId);
      expect(statements).toHaveLength(1);
      const condition = statements[0]?.Condition;
      expect(withParameterValues(template, condition, { OrganizationId: 'o-abcd1234ef' })).toEqual({
        StringEquals: { 'aws:ResourceOrgID': { Ref: 'OrganizationId' } },
      });
      expect(withParameterValues(template, condition, { OrganizationId: '' })).toBeUndefined();
    }
  });

  it('gives the external id to no function: only the three that assume the member role know its parameter, and may read it', () => {
    // Prepare
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    const told = functions
      .filter((f) => 'EXTERNAL_ID_PARAMETER' in (f.Properties?.Environment?.Variables ?? {}))
      .map((f) => /functions\/([\w-]+)\.handler/.exec(String(f.Properties?.Handler))?.[1])
      .sort();
    const parameterArn =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
      'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${ExternalIdParameter}';

    // Assess
    expect(told).toEqual(['plan', 'scan', 'scan-target']);
    expect(JSON.stringify(functions)).not.toContain('"EXTERNAL_ID"');
    expect(template.Parameters?.ExternalId).toBeUndefined();
    expect(template.Parameters?.ExternalIdParameter).toMatchObject({
      Default: '/estatescan/ci/external-id',
      AllowedPattern: '^/[\\w./-]+$',
    });
    const decrypt = roleStatements(template, 'ScanTargetRole').find((s) => s.Action === 'kms:Decrypt');
    expect(decrypt?.Condition).toEqual({
      StringEquals: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
        'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' },
        'kms:EncryptionContext:PARAMETER_ARN': { 'Fn::Sub': parameterArn },
      },
    });
  });

  it("ties the Slack forwarder's kms:Decrypt to its parameter, through SSM", () => {
    // Prepare
    const decrypt = roleStatements(template, 'SlackForwarderRole').find((s) => s.Action === 'kms:Decrypt');
    const parameterArn =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
      'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${SlackWebhookParameter}';

    // Assess
    expect(decrypt?.Condition).toEqual({
      StringEquals: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
        'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' },
        'kms:EncryptionContext:PARAMETER_ARN': { 'Fn::Sub': parameterArn },
      },
    });
  });

  it('packages each function on its own: one minified ESM bundle and its source map', () => {
    // Act
    const zips = readdirSync(dir).filter((f) => f.endsWith('.zip'));

    // Assess
    expect(zips.sort()).toEqual(functionNames.map((n) => `${n}.zip`).sort());
    for (const name of functionNames) {
      const listing = spawnSync('unzip', ['-Z1', join(dir, `${name}.zip`)], { encoding: 'utf8' }).stdout;
      expect(listing.trim().split('\n').sort()).toEqual([
        `functions/${name}.mjs`,
        `functions/${name}.mjs.map`,
      ]);
    }
  });

  it('passes cfn-lint without errors, the States Language included', { timeout: 300_000 }, () => {
    // Prepare: the pinned cfn-lint, installed into .venv as npm run package does. Its absence is a
    // failure, not a skip: a template nobody linted must not look like one that passed.
    const cfnLint = resolveCfnLint();
    if (!cfnLint) {
      throw new Error(
        "cfn-lint is not installed and pip's index cannot be reached to install it: run " +
          'npm run package once with network access, or pip install cfn-lint into .venv.',
      );
    }
    const resolved = join(dir, 'resolved-definitions.json');
    writeFileSync(resolved, JSON.stringify(withResolvedDefinitions(template)));
    const run = (ignored: string[], file: string) =>
      spawnSync(cfnLint, ['--ignore-checks', ...ignored, '--', file], { encoding: 'utf8' });

    // Act
    const packaged = run(ignoredOnPackagedTemplate, join(dir, 'cloudformation-template-update-stack.json'));
    const definitions = run(ignoredOnResolvedCopy, resolved);

    // Assess: bit 2 of the exit code is errors, bit 1 a fatal failure; warnings (4) are allowed.
    expect({ code: (packaged.status ?? 1) & 3, output: packaged.stdout }).toEqual({
      code: 0,
      output: expect.anything(),
    });
    expect({ code: (definitions.status ?? 1) & 3, output: definitions.stdout }).toEqual({
      code: 0,
      output: expect.anything(),
    });
  });

  describe('the structural checks catch what matters', () => {
    it.each([
      [
        'an inline map',
        (t: CfnTemplate) => withDefinition(t, (d) => d.replace('"DISTRIBUTED"', '"INLINE"')),
        /Mode is INLINE, not DISTRIBUTED/,
      ],
      [
        'a failed target that fails the run',
        (t: CfnTemplate) =>
          withDefinition(t, (d) => d.replace(/"Catch": \[[\s\S]*?"Next": "RecordFailure" \}\s*\],/, '')),
        /a failed target must be caught/,
      ],
      [
        'no retry on throttling',
        (t: CfnTemplate) =>
          withDefinition(t, (d) => d.replaceAll('"Lambda.TooManyRequestsException"', '"Lambda.Unknown"')),
        /no retry on Lambda.TooManyRequestsException/,
      ],
      [
        'targets passed through the state',
        (t: CfnTemplate) =>
          withDefinition(t, (d) =>
            d.replace(
              /"ItemReader": \{[\s\S]*?"Key.\$": "\$.targetsKey" \}\s*\},/,
              '"ItemsPath": "$.targets",',
            ),
          ),
        /the targets must come from S3 \(ItemReader\)[\s\S]*no ItemReader/,
      ],
      [
        'results kept in the state',
        (t: CfnTemplate) =>
          withDefinition(t, (d) =>
            d.replace(/("ResultPath": )null,(\s*"Next": "Summarize")/, '$1"$.results",$2'),
          ),
        /ResultPath must be null/,
      ],
      [
        'an invalid event retried',
        (t: CfnTemplate) =>
          withDefinition(t, (d) =>
            d.replaceAll(
              '{ "ErrorEquals": ["InvalidEventError", "ConfigurationError"], "MaxAttempts": 0 },',
              '',
            ),
          ),
        /the first retrier must give InvalidEventError, ConfigurationError no attempts/,
      ],
      [
        'no retry of transient failures (STS, DynamoDB)',
        (t: CfnTemplate) =>
          withDefinition(t, (d) =>
            d.replace(/,\s*\{\s*"ErrorEquals": \["States.ALL"\],\s*"IntervalSeconds": 10,[^}]*\}/g, ''),
          ),
        /the ScanTargets map's task: no States.ALL retrier/,
      ],
      [
        'an unencrypted, public runs bucket',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            const p = c.Resources.RunsBucket!.Properties!;
            delete p.BucketEncryption;
            p.PublicAccessBlockConfiguration.RestrictPublicBuckets = false;
            delete p.OwnershipControls;
          }),
        /RunsBucket: estatescan's own s3-bucket-public-access-not-blocked flags it[\s\S]*RunsBucket: no default encryption[\s\S]*RunsBucket: ACLs must be disabled/,
      ],
      [
        "osls's deployment bucket without versioning (estatescan's own rule would flag the hub)",
        (t: CfnTemplate) =>
          edited(t, (c) => {
            delete c.Resources.ServerlessDeploymentBucket!.Properties!.VersioningConfiguration;
          }),
        /ServerlessDeploymentBucket: estatescan's own s3-bucket-versioning-disabled flags it/,
      ],
      [
        'a configuration bucket open to the public, without TLS, whose old versions pile up',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            delete c.Resources.ConfigBucket!.Properties!.PublicAccessBlockConfiguration;
            delete c.Resources.ConfigBucket!.Properties!.LifecycleConfiguration;
            delete c.Resources.ConfigBucketPolicy;
          }),
        /ConfigBucket: estatescan's own s3-bucket-public-access-not-blocked flags it[\s\S]*ConfigBucket: versioned, so its lifecycle must expire noncurrent versions[\s\S]*ConfigBucket: its bucket policy must deny every request without TLS/,
      ],
      [
        'notify told where the configuration is, and allowed to read it',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            c.Resources.NotifyLambdaFunction!.Properties!.Environment.Variables.CONFIG_BUCKET = {
              Ref: 'ConfigBucket',
            };
            c.Resources.NotifyRole!.Properties!.ManagedPolicyArns.push({ Ref: 'ConfigReadPolicy' });
          }),
        /notify: evaluates no rule, so it must not be told where the configuration is[\s\S]*notify: may read the deployed configuration, which it does not need/,
      ],
      [
        'scan-target unable to read the configuration, and plan able to write it',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            const scanTarget = c.Resources.ScanTargetRole!.Properties!;
            scanTarget.ManagedPolicyArns = scanTarget.ManagedPolicyArns.filter(
              (arn: { Ref?: string }) => arn.Ref !== 'ConfigReadPolicy',
            );
            c.Resources.PlanRole!.Properties!.Policies[0].PolicyDocument.Statement.push({
              Sid: 'WriteConfiguration',
              Effect: 'Allow',
              Action: 's3:PutObject',
              // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
              Resource: { 'Fn::Sub': '${ConfigBucket.Arn}/estatescan.config.yml' },
            });
          }),
        /scan-target: needs s3:GetObject, s3:GetObjectVersion, s3:ListBucket on[\s\S]*PlanRole\/WriteConfiguration: s3:PutObject on the configuration bucket/,
      ],
      [
        'targets that may evaluate another configuration than their plan read',
        (t: CfnTemplate) => withDefinition(t, (d) => d.replace('"configVersion.$": "$.configVersion",', '')),
        /ItemSelector lacks configVersion\.\$/,
      ],
      [
        'a function whose metrics carry no stage',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            delete c.Resources.NotifyLambdaFunction!.Properties!.Environment.Variables.STAGE;
          }),
        /every function needs the same STAGE/,
      ],
      [
        "an alarm on the functions' metrics without the stage dimension",
        (t: CfnTemplate) =>
          edited(t, (c) => {
            c.Resources.InvalidConfigurationAlarm!.Properties!.Dimensions = [
              { Name: 'service', Value: 'estatescan' },
            ];
          }),
        /InvalidConfigurationAlarm: alarms on Estatescan\/InvalidConfiguration must name the dimensions the functions publish, service=estatescan and stage=ci/,
      ],
      [
        'no alarm on an invalid deployed configuration',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            delete c.Resources.InvalidConfigurationAlarm;
          }),
        /no alarm \(with an action\) on InvalidConfiguration/,
      ],
      [
        "summarize unable to move the targets' health (the failure alert)",
        (t: CfnTemplate) =>
          edited(t, (c) => {
            const statement =
              c.Resources.SummarizeRole!.Properties!.Policies[0].PolicyDocument.Statement.find(
                (s: { Sid: string }) => s.Sid === 'RunItems',
              );
            statement.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys'] = ['RUN#*'];
          }),
        /summarize: needs dynamodb:Query and PutItem on the TARGET-HEALTH partition/,
      ],
      [
        'a runs bucket reachable without TLS, its runs kept forever',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            delete c.Resources.RunsBucketPolicy;
            delete c.Resources.RunsBucket!.Properties!.LifecycleConfiguration;
          }),
        /RunsBucket: its bucket policy must deny every request without TLS[\s\S]*RunsBucket: no lifecycle rule expiring runs\/ within 30 days/,
      ],
      [
        'the state machine reading the whole bucket',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            const statement =
              c.Resources.StateMachineRole!.Properties!.Policies[0].PolicyDocument.Statement.find(
                (s: { Sid: string }) => s.Sid === 'ReadRunTargets',
              );
            // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
            statement.Resource = { 'Fn::Sub': '${RunsBucket.Arn}/*' };
            statement.Action = ['s3:GetObject', 's3:DeleteObject'];
          }),
        /StateMachineRole: the runs bucket only under runs\/[\s\S]*s3:DeleteObject on the runs bucket is not its business/,
      ],
      [
        'summarize unable to read the run back',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            const statement =
              c.Resources.SummarizeRole!.Properties!.Policies[0].PolicyDocument.Statement.find(
                (s: { Sid: string }) => s.Sid === 'RunItems',
              );
            statement.Action = ['dynamodb:PutItem'];
          }),
        /summarize: needs dynamodb:Query on the findings table/,
      ],
      [
        'no concurrency limit',
        (t: CfnTemplate) => withDefinition(t, (d) => d.replace(/"MaxConcurrency": [^,]+,/, '')),
        /MaxConcurrency must be a number/,
      ],
      [
        'scan-target able to assume any role',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            const statement =
              c.Resources.ScanTargetRole!.Properties!.Policies[0].PolicyDocument.Statement.find(
                (s: { Sid: string }) => s.Sid === 'MemberRoleOnly',
              );
            // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
            statement.Resource = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/*' };
          }),
        /sts:AssumeRole only on arn:\$\{AWS::Partition\}:iam::\*:role\/EstatescanReadOnly/,
      ],
      [
        'scan-target reading AWS with its own role',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            c.Resources.ScanTargetRole!.Properties!.Policies[0].PolicyDocument.Statement.push({
              Effect: 'Allow',
              Action: 'ec2:DescribeInstances',
              Resource: '*',
            });
          }),
        /scan-target: reads AWS only through the member role/,
      ],
      [
        "scan-target allowed to query the table's index",
        (t: CfnTemplate) =>
          edited(t, (c) => {
            const statement =
              c.Resources.ScanTargetRole!.Properties!.Policies[0].PolicyDocument.Statement.find(
                (s: { Sid: string }) => s.Sid === 'FindingsItems',
              );
            statement.Resource = [
              statement.Resource,
              // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
              { 'Fn::Sub': '${FindingsTable.Arn}/index/*' },
            ];
          }),
        /scan-target \(ScanTargetRole\/FindingsItems\): .*\/index\/\*: no function reads the table's index/,
      ],
      [
        'Slack alerts dropped after the retries',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            for (const [id, r] of Object.entries(c.Resources)) {
              if (r.Type === 'AWS::Lambda::EventInvokeConfig') delete c.Resources[id];
            }
          }),
        /slack-forwarder: alerts it could not post must go to an SQS queue/,
      ],
      [
        'a Slack forwarder that cannot send to its dead-letter queue, or sends elsewhere',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            const statement =
              c.Resources.SlackForwarderRole!.Properties!.Policies[0].PolicyDocument.Statement.find(
                (s: { Sid: string }) => s.Sid === 'DeadLetters',
              );
            // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
            statement.Resource = { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:*:*:*' };
          }),
        /slack-forwarder: its role cannot send to the dead-letter queue DeadLetterQueue[\s\S]*slack-forwarder: its role may only sqs:SendMessage to DeadLetterQueue \(DeadLetters\)/,
      ],
      [
        'two functions sharing a role',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            c.Resources.SummarizeLambdaFunction!.Properties!.Role = { 'Fn::GetAtt': ['NotifyRole', 'Arn'] };
          }),
        /share the role NotifyRole/,
      ],
      [
        'a table without point-in-time recovery',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            delete c.Resources.FindingsTable!.Properties!.PointInTimeRecoverySpecification;
          }),
        /point-in-time recovery/,
      ],
      [
        'a table whose index differs from tableDefinition()',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            c.Resources.FindingsTable!.Properties!.GlobalSecondaryIndexes[0].Projection = {
              ProjectionType: 'KEYS_ONLY',
            };
          }),
        /GlobalSecondaryIndexes is .* tableDefinition\(\) says/,
      ],
      [
        'an unencrypted topic',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            delete c.Resources.AlertsTopic!.Properties!.KmsMasterKeyId;
          }),
        /not encrypted with KMS/,
      ],
      [
        'a notifier retrying a poisoned batch forever',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            const mapping = Object.values(c.Resources).find(
              (r) => r.Type === 'AWS::Lambda::EventSourceMapping',
            )!;
            mapping.Properties!.MaximumRetryAttempts = -1;
            mapping.Properties!.BisectBatchOnFunctionError = false;
          }),
        /BisectBatchOnFunctionError is not on/,
      ],
      [
        'the external id in a function environment',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            c.Resources.SummarizeLambdaFunction!.Properties!.Environment.Variables.EXTERNAL_ID = 'x'.repeat(
              16,
            );
          }),
        /summarize: EXTERNAL_ID puts the external id in its environment/,
      ],
      [
        'a function that assumes no role told where the external id is, its role allowed to read it',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            c.Resources.NotifyLambdaFunction!.Properties!.Environment.Variables.EXTERNAL_ID_PARAMETER = {
              Ref: 'ExternalIdParameter',
            };
            c.Resources.NotifyRole!.Properties!.ManagedPolicyArns.push({ Ref: 'ExternalIdParameterPolicy' });
          }),
        /notify: assumes no role, so it must not be told where the external id is[\s\S]*notify: its role may read the external id/,
      ],
      [
        'plan unable to read the external id',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            c.Resources.PlanRole!.Properties!.ManagedPolicyArns = [{ Ref: 'LambdaTracingPolicy' }];
          }),
        /plan: its role cannot read and decrypt the external id's parameter/,
      ],
      [
        'an external id parameter that may be left empty',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            c.Parameters!.ExternalIdParameter!.AllowedPattern = '^(|/[\\w./-]+)$';
          }),
        /ExternalIdParameter: a required parameter/,
      ],
      [
        'scan-target assuming member roles outside the organization',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            const statement =
              c.Resources.ScanTargetRole!.Properties!.Policies[0].PolicyDocument.Statement.find(
                (s: { Sid: string }) => s.Sid === 'MemberRoleOnly',
              );
            delete statement.Condition;
          }),
        /scan-target \(ScanTargetRole\/MemberRoleOnly\): with OrganizationId set, sts:AssumeRole needs StringEquals aws:ResourceOrgID/,
      ],
      [
        'the Slack forwarder decrypting any parameter, or outside SSM',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            const statement =
              c.Resources.SlackForwarderWebhookPolicy!.Properties!.PolicyDocument.Statement.find(
                (s: { Sid: string }) => s.Sid === 'DecryptThroughSsmOnly',
              );
            statement.Condition = {};
          }),
        /slack-forwarder \(SlackForwarderRole\/DecryptThroughSsmOnly\): kms:Decrypt on any key needs kms:ViaService[\s\S]*needs kms:EncryptionContext:PARAMETER_ARN/,
      ],
    ])('flags %s', (_, edit, expected) => {
      // Act
      const problems = checkTemplate(edit(template));

      // Assess
      expect(problems.join('\n')).toMatch(expected);
    });
  });
});
