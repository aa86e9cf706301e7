/**
 * The deployed configuration, in-process against the emulator: a file pushed with
 * `estatescan config push` configures the next run without a redeploy (severities, suppressions
 * with their owner and expiry), exactly as `estatescan scan --config` applies the same file; a run
 * evaluates the version its plan read, even when a push lands mid-run; an invalid file fails the
 * run loudly (the error, the run record, the metric), never falls back to the defaults. Every
 * client of a member account goes through the tracer.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createHandler as createPlan } from '../../../functions/plan.ts';
import { createHandler as createScan } from '../../../functions/scan.ts';
import { createHandler as createScanTarget } from '../../../functions/scan-target.ts';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import { clientConfig } from '../../../src/aws/client-config.ts';
import type { SdkClient } from '../../../src/aws/clients.ts';
import { main } from '../../../src/cli/main.ts';
import { S3ConfigObjectStore } from '../../../src/config/deployed-config.ts';
import { readLambdaEnvironment } from '../../../src/config/environment.ts';
import { ConfigurationError } from '../../../src/config/errors.ts';
import { ensureTable } from '../../../src/findings/table.ts';
import type { Finding } from '../../../src/findings/types.ts';
import type { Target } from '../../../src/inventory/types.ts';
import { tracer } from '../../../src/lambda/logger.ts';
import type { PlanOutput } from '../../../src/lambda/plan-run.ts';
import { captureIo } from '../../support/capture-io.ts';
import { emulatorEndpoint, emulatorSettings, resetEmulator } from '../../support/emulator.ts';
import {
  createFunctionDependencies,
  type FunctionDependencies,
} from '../../support/function-dependencies.ts';
import { captureOutput, lambdaContext } from '../../support/lambda.ts';

const TABLE = 'estatescan-config-findings';
const BUCKET = 'estatescan-itest-configbucket';
const REGION = 'eu-west-1';
/** Production's buckets live in both (acme-prod-dr-backups in us-east-1). */
const REGIONS = ['eu-west-1', 'us-east-1'];
const RULE = 's3-bucket-versioning-disabled';
const PRODUCTION = DEMO_ACCOUNTS.production;

/** A configuration file for the rule, with suppressions of production's buckets as given. */
function configFile(severity: string, suppressions: Array<{ resource: string; expires: string }>): string {
  return [
    'rules:',
    `  severity: { ${RULE}: ${severity} }`,
    ...(suppressions.length ? ['suppressions:'] : []),
    ...suppressions.flatMap((s) => [
      `  - rule: ${RULE}`,
      `    resource: ${s.resource}`,
      '    reason: rewritten daily, nothing to keep',
      '    owner: platform@example.com',
      `    expires: ${s.expires}`,
    ]),
    '',
  ].join('\n');
}

describe('the deployed configuration: pushed, read by the run, applied as the CLI applies it', () => {
  let deps: FunctionDependencies;
  let clock: Date;
  let s3: S3Client;
  let dir: string;
  const cliEnv = () => ({ endpoint: emulatorEndpoint(), region: REGION, interactive: false });

  const push = async (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    const io = captureIo(() => clock);
    const code = await main(['config', 'push', '--bucket', BUCKET, '--file', join(dir, name)], cliEnv(), io);
    expect(code, io.err.join('')).toBe(0);
  };

  /**
   * plan, then (after `between`) scan-target for each target, with the item the map's ItemSelector
   * makes of the plan's state (scripts/check-template.ts holds the selector to these keys; the
   * packaged stack's rehearsal runs the real one).
   */
  async function runStateMachine(between: () => Promise<void> = async () => {}) {
    const context = lambdaContext();
    const plan = (await createPlan(() => deps)({ rules: [RULE] }, context)) as PlanOutput;
    await between();
    const { runId, startedAt, rules, configVersion, ttl } = plan;
    for (const target of plan.targets as Target[]) {
      await createScanTarget(() => deps)({ runId, startedAt, rules, configVersion, ttl, target }, context);
    }
    return plan;
  }

  /** `estatescan scan` of production with the file, at the same clock. */
  async function cliFindings(file: string): Promise<Finding[]> {
    const io = captureIo(() => clock);
    await main(
      [
        'scan',
        '--accounts',
        PRODUCTION,
        '--regions',
        REGIONS.join(','),
        '--rules',
        RULE,
        '--config',
        file,
        '-f',
        'json',
      ],
      cliEnv(),
      io,
    );
    return (JSON.parse(io.out.join('')) as { findings: Finding[] }).findings;
  }

  const deployedFindings = async () =>
    (await deps.store().queryFindings({ accountId: PRODUCTION, ruleId: RULE })).filter(
      (f) => f.status !== 'resolved',
    );
  const shape = (findings: Finding[]) =>
    findings
      .map((f) => ({
        resourceId: f.resourceId,
        severity: f.severity,
        status: f.status,
        suppression: f.suppression,
      }))
      .sort((a, b) => a.resourceId.localeCompare(b.resourceId));

  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
    const config = clientConfig(REGION, DEMO_HUB_CREDENTIALS, emulatorSettings());
    await ensureTable(new DynamoDBClient(config), TABLE);
    s3 = new S3Client(config);
    await s3.send(
      new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }),
    );
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    dir = mkdtempSync(join(tmpdir(), 'estatescan-deployed-config-'));
    // Prepare: the functions' environment as serverless.yml sets it for plan, scan-target and scan.
    const env = readLambdaEnvironment({
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: emulatorEndpoint(),
      FINDINGS_TABLE: TABLE,
      CONFIG_BUCKET: BUCKET,
      TARGET_ACCOUNTS: PRODUCTION,
      TARGET_REGIONS: REGIONS.join(','),
      INLINE_TARGET_LIMIT: '1',
      MEMBER_ROLE_NAME: 'EstatescanReadOnly',
      MAX_ATTEMPTS: '3',
      RETRY_MODE: 'standard',
    });
    clock = new Date('2026-11-25T12:00:00.000Z');
    deps = createFunctionDependencies(env, { now: () => clock });
  });

  it("applies the pushed file (a severity, a suppression's owner and expiry) as the CLI does, and keeps the plan's version for the whole run", async () => {
    // Prepare: v1 is pushed; a push of v2 lands while the run's targets are being scanned
    const v1 = configFile('critical', [{ resource: 'acme-prod-logs', expires: '2027-01-31' }]);
    await push('v1.yml', v1);
    const traced = vi.spyOn(tracer, 'captureAWSv3Client');

    // Act
    const output = captureOutput();
    let plan: PlanOutput;
    try {
      plan = await runStateMachine(() => push('v2.yml', configFile('low', [])));
    } finally {
      output.restore();
    }

    // Assess: the plan read v1 and every target evaluated it
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET }));
    const v1Version = versions.Versions?.find((v) => !v.IsLatest)?.VersionId;
    expect(plan.configVersion).toBe(v1Version);
    const deployed = await deployedFindings();
    expect(shape(deployed)).toEqual([
      { resourceId: 'acme-prod-dr-backups', severity: 'critical', status: 'open', suppression: undefined },
      {
        resourceId: 'acme-prod-logs',
        severity: 'critical',
        status: 'suppressed',
        suppression: {
          reason: 'rewritten daily, nothing to keep',
          owner: 'platform@example.com',
          expiresAt: '2027-01-31T23:59:59.999Z',
        },
      },
    ]);
    // …exactly what the CLI makes of the same file
    expect(shape(deployed)).toEqual(shape(await cliFindings(join(dir, 'v1.yml'))));
    // The member account's clients went through the tracer, like the functions' own
    const memberClients = await Promise.all(
      traced.mock.calls.map(async ([client]) => {
        const credentials = (
          client as SdkClient & { config: { credentials?: () => Promise<{ accountId?: string }> } }
        ).config.credentials;
        return credentials ? (await credentials()).accountId : undefined;
      }),
    );
    traced.mockRestore();
    expect(memberClients).toContain(PRODUCTION);
    expect(output.text()).toContain(`"configVersion":"${v1Version}"`);
  });

  it('ends a suppression at the same instant as the CLI: a date-time when it passes, a date at the end of that day (UTC)', async () => {
    // Prepare: 18:00 on the 25th; one suppression ended at 11:00, the other lasts the whole day
    const file = configFile('critical', [
      { resource: 'acme-prod-logs', expires: '2026-11-25T11:00:00Z' },
      { resource: 'acme-prod-dr-backups', expires: '2026-11-25' },
    ]);
    await push('expiry.yml', file);
    clock = new Date('2026-11-25T18:00:00.000Z');

    // Act
    const output = captureOutput();
    try {
      await runStateMachine();
    } finally {
      output.restore();
    }

    // Assess
    const deployed = await deployedFindings();
    expect(shape(deployed).map((f) => [f.resourceId, f.status])).toEqual([
      ['acme-prod-dr-backups', 'suppressed'],
      ['acme-prod-logs', 'open'],
    ]);
    expect(deployed.find((f) => f.resourceId === 'acme-prod-logs')?.lastChange).toBe('suppression-expired');
    expect(shape(deployed)).toEqual(shape(await cliFindings(join(dir, 'expiry.yml'))));
  });

  it('re-reads the current file conditionally: S3 answers 304 while it is unchanged, a version once it is not', async () => {
    // Prepare
    const store = new S3ConfigObjectStore(s3, BUCKET);
    const current = await store.get();
    if (current === undefined || current === 'not-modified') throw new Error('nothing pushed');

    // Act
    const unchanged = await store.get({ ifNoneMatch: current.etag });
    const other = await store.get({ ifNoneMatch: '"an-older-etag"' });
    const pinned = await store.get({ versionId: current.versionId });

    // Assess
    expect(unchanged).toBe('not-modified');
    expect(other).toEqual(current);
    expect(pinned).toEqual(current);
    expect(current.versionId).toMatch(/\S/);
  });

  it('fails a run whose deployed file is invalid, loudly: the error, the run record, the metric; nothing scanned with the defaults', async () => {
    // Prepare: a file that never went through `config push` (which refuses it)
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'estatescan.config.yml',
        Body: `rules:\n  severity:\n    ${RULE}: urgent\n`,
      }),
    );
    clock = new Date('2026-11-26T00:00:00.000Z');
    const before = await deployedFindings();

    // Act
    const output = captureOutput();
    let planError: unknown;
    let scanError: unknown;
    try {
      planError = await createPlan(() => deps)({ rules: [RULE] }, lambdaContext()).catch((e: unknown) => e);
      scanError = await createScan(() => deps)({ rules: [RULE] }, lambdaContext()).catch((e: unknown) => e);
    } finally {
      output.restore();
    }

    // Assess: a ConfigurationError (the state machine does not retry it) listing the problem
    for (const error of [planError, scanError]) {
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).problems).toEqual([
        `s3://${BUCKET}/estatescan.config.yml: rules.severity.${RULE}: Invalid option: expected one of "critical"|"high"|"medium"|"low"|"info"`,
      ]);
    }
    // Both runs are recorded, failed, with the error
    const runs = await deps.store().recentRuns(2);
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(run).toMatchObject({ startedAt: clock.toISOString(), targets: [] });
      expect(run.error).toMatch(/deployed configuration .* is invalid, so nothing was scanned/);
    }
    // The metric the InvalidConfiguration alarm watches, once per run
    expect(output.text().match(/"InvalidConfiguration":1/g)).toHaveLength(2);
    // Nothing was scanned: the findings are as they were
    expect(await deployedFindings()).toEqual(before);
  });
});
