import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
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
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import {
  ignoredOnPackagedTemplate,
  ignoredOnResolvedCopy,
  packageWithOsls,
  resolveCfnLint,
} from '../../../scripts/package.ts';
import { clientConfig } from '../../../src/aws/clients.ts';
import { DynamoDbFindingStore } from '../../../src/findings/dynamodb-store.ts';
import { ensureTable } from '../../../src/findings/table.ts';
import { emulatorEndpoint, emulatorSettings, resetEmulator } from '../../support/emulator.ts';

/** A copy of the template with its state machine definition text edited. */
function withDefinition(template: CfnTemplate, edit: (text: string) => string): CfnTemplate {
  const copy = structuredClone(template);
  const properties = copy.Resources.ScanStateMachine!.Properties!;
  properties.DefinitionString = { 'Fn::Sub': edit(subTextOf(properties.DefinitionString)!) };
  return copy;
}

/**
 * Invokes a packaged function's bundle (unzipped from its artifact) in a fresh node process, as
 * Lambda's runtime would import it, and returns what its handler returned.
 */
// biome-ignore lint/suspicious/noExplicitAny: a handler's JSON answer, read field by field by the tests.
function invokeBundle(dir: string, name: string, event: unknown, env: Record<string, string>): any {
  const unzipped = join(dir, 'unzipped', name);
  mkdirSync(unzipped, { recursive: true });
  spawnSync('unzip', ['-q', '-o', join(dir, `${name}.zip`), '-d', unzipped]);
  const bundle = pathToFileURL(join(unzipped, 'functions', `${name}.mjs`)).href;
  const context = {
    functionName: `estatescan-ci-${name}`,
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:estatescan-ci-${name}`,
    memoryLimitInMB: '1024',
  };
  const script =
    `const { handler } = await import(${JSON.stringify(bundle)});` +
    `const context = { ...${JSON.stringify(context)}, getRemainingTimeInMillis: () => 600000 };` +
    `const result = await handler(${JSON.stringify(event)}, context);` +
    `process.stdout.write('\\nRESULT ' + JSON.stringify(result) + '\\n');`;
  const run = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${name} returned nothing (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(line.slice('RESULT '.length));
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
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
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

  it('runs the packaged plan, scan-target and summarize bundles on the emulator, chained as the state machine does', async () => {
    // Prepare: the demo estate, the table and the runs bucket; the bundles get the environment
    // serverless.yml sets.
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
    const table = 'estatescan-ci-findings';
    const bucket = 'estatescan-ci-runsbucket';
    const config = clientConfig('eu-west-1', DEMO_HUB_CREDENTIALS, emulatorSettings());
    const dynamodb = new DynamoDBClient(config);
    await ensureTable(dynamodb, table);
    const s3 = new S3Client(config);
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    const env = {
      AWS_ENDPOINT_URL: emulatorEndpoint(),
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: DEMO_HUB_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEMO_HUB_CREDENTIALS.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      FINDINGS_TABLE: table,
      MEMBER_ROLE_NAME: 'EstatescanReadOnly',
      TARGET_ACCOUNTS: Object.values(DEMO_ACCOUNTS).join(','),
      TARGET_REGIONS: 'eu-west-1',
      POWERTOOLS_SERVICE_NAME: 'estatescan',
      POWERTOOLS_METRICS_NAMESPACE: 'Estatescan',
      POWERTOOLS_TRACE_ENABLED: 'false',
      MAX_ATTEMPTS: '2',
    };

    // Act: plan (with RUNS_BUCKET, as plan has it) → targets.json → scan-target × N → summarize
    const plan = invokeBundle(dir, 'plan', {}, { ...env, RUNS_BUCKET: bucket });
    const object = await s3.send(new GetObjectCommand({ Bucket: plan.targetsBucket, Key: plan.targetsKey }));
    const targets = JSON.parse(await object.Body!.transformToString()) as unknown[];
    const results = targets.map((target) =>
      invokeBundle(
        dir,
        'scan-target',
        { runId: plan.runId, startedAt: plan.startedAt, rules: plan.rules, ttl: plan.ttl, target },
        env,
      ),
    );
    const digest = invokeBundle(
      dir,
      'summarize',
      { runId: plan.runId, startedAt: plan.startedAt, targetCount: plan.targetCount },
      env,
    );

    // Assess: every client the bundles carry serialized and parsed its calls (the emulator lacks
    // only SSM's DescribeInstanceInformation, recorded as the one error of each target).
    expect(plan).toMatchObject({
      targetCount: 3,
      targetsBucket: bucket,
      targetsKey: `runs/${plan.runId}/targets.json`,
    });
    expect(targets).toHaveLength(3);
    for (const result of results) expect(result).toMatchObject({ status: 'partial', errorCount: 1 });
    const stored = await new DynamoDbFindingStore(dynamodb, table).loadRun(plan.runId);
    expect(stored.targets).toHaveLength(3);
    for (const target of stored.targets) {
      expect(target.errors.map((e) => e.operation)).toEqual(['ssm:DescribeInstanceInformation']);
    }
    expect(
      results.find((r: { accountId: string }) => r.accountId === DEMO_ACCOUNTS.production).findings,
    ).toBeGreaterThan(0);
    expect(digest).toMatchObject({ runId: plan.runId, targets: 3, partial: 3, failed: 0 });
  }, 120_000);

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
        'an ItemReader of another kind',
        (t: CfnTemplate) => withDefinition(t, (d) => d.replace('"InputType": "JSON"', '"InputType": "CSV"')),
        /ReaderConfig.InputType must be JSON/,
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
        'a failure passed on instead of recorded in the table',
        (t: CfnTemplate) =>
          withDefinition(t, (d) =>
            d.replace(
              /"RecordFailure": \{[\s\S]*?"End": true\s*\}/,
              '"RecordFailure": { "Type": "Pass", "Parameters": { "status": "failed", "accountId.$": "$.target.accountId" }, "End": true }',
            ),
          ),
        /must record the failed target in the table \(a dynamodb:putItem task\)/,
      ],
      [
        'a failure recorded without its error',
        (t: CfnTemplate) =>
          withDefinition(t, (d) =>
            d.replace(
              /"error": \{ "S.\$": "States.JsonToString\(\$.error\)" \}/,
              '"note": { "S": "failed" }',
            ),
          ),
        /RecordFailure must write the target's run target item/,
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
        /RunsBucket: no default encryption[\s\S]*RestrictPublicBuckets not true[\s\S]*BucketOwnerEnforced/,
      ],
      [
        'a runs bucket reachable without TLS, its runs kept forever',
        (t: CfnTemplate) =>
          edited(t, (c) => {
            delete c.Resources.RunsBucketPolicy;
            delete c.Resources.RunsBucket!.Properties!.LifecycleConfiguration;
          }),
        /no lifecycle rule expiring runs\/ within 30 days[\s\S]*deny every request without TLS/,
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
