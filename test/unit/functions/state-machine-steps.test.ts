import { DescribeRegionsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler as createPlan } from '../../../functions/plan.ts';
import { createHandler as createScanTarget } from '../../../functions/scan-target.ts';
import { createHandler as createSummarize } from '../../../functions/summarize.ts';
import { allRules } from '../../../rules/index.ts';
import { readLambdaEnvironment } from '../../../src/config/environment.ts';
import { runItemsTtl } from '../../../src/findings/dynamodb-store.ts';
import { ItemTooLargeError } from '../../../src/findings/errors.ts';
import type { ReconcileResult } from '../../../src/findings/reconcile.ts';
import { MemoryFindingStore, type RunTargetRecord } from '../../../src/findings/store.ts';
import type { PlanOutput } from '../../../src/lambda/plan-run.ts';
import type { RunDigest } from '../../../src/scan/run-summary.ts';
import { createFunctionDependencies } from '../../support/function-dependencies.ts';
import { captureOutput, lambdaContext } from '../../support/lambda.ts';

const HUB = '123456789012';
const BUCKET = 'estatescan-ci-runsbucket-1a2b3c';
const NOW = new Date('2026-11-25T12:00:00.000Z');
const ruleIds = allRules.map((r) => r.id);

/** 17 regions every account has enabled, and two it has not opted in to. */
const ENABLED_REGIONS = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

const sts = mockClient(STSClient);
const organizations = mockClient(OrganizationsClient);
const ec2 = mockClient(EC2Client);
const s3 = mockClient(S3Client);

const accountId = (i: number) => String(100_000_000_000 + i);

function setUp(variables: Record<string, string> = {}) {
  const store = new MemoryFindingStore();
  const env = readLambdaEnvironment({
    AWS_REGION: 'eu-west-1',
    FINDINGS_TABLE: 'estatescan-ci-findings',
    RUNS_BUCKET: BUCKET,
    TARGET_ACCOUNTS: 'organization',
    TARGET_REGIONS: 'all',
    MEMBER_ROLE_NAME: 'EstatescanReadOnly',
    MAX_ATTEMPTS: '1',
    ...variables,
  });
  const deps = createFunctionDependencies(env, { store: () => store, now: () => NOW });
  return { store, deps };
}

describe("the state machine's steps at scale (mocked Organizations, EC2 and S3)", () => {
  let output: ReturnType<typeof captureOutput>;

  beforeEach(() => {
    for (const mock of [sts, organizations, ec2, s3]) mock.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Account: HUB });
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAEXAMPLEEXAMPLE01',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    s3.on(PutObjectCommand).resolves({ ETag: '"1"' });
    output = captureOutput();
  });
  afterEach(() => output.restore());

  it('plans 1,000 accounts × 17 regions: 17,000 targets in S3, a state under 1 KiB, the plan errors in the store', async () => {
    // Prepare: 1,003 active accounts (and a suspended one) in pages of 20.
    const accounts = Array.from({ length: 1004 }, (_, i) => ({
      Id: accountId(i),
      State: i === 500 ? 'SUSPENDED' : 'ACTIVE',
    }));
    organizations.on(ListAccountsCommand).callsFake((input: { NextToken?: string }) => {
      const start = Number(input.NextToken ?? 0);
      const next = start + 20;
      return {
        Accounts: accounts.slice(start, next),
        ...(next < accounts.length ? { NextToken: String(next) } : {}),
      };
    });
    // Each account's credentials name it; the last 3 accounts deny DescribeRegions.
    sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => ({
      Credentials: {
        AccessKeyId: `ASIA${/::(\d{12}):/.exec(input.RoleArn)?.[1]}`,
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    }));
    const denied = new Set([1001, 1002, 1003].map(accountId));
    ec2.on(DescribeRegionsCommand).callsFake(async (_input: unknown, getClient: () => EC2Client) => {
      const credentials = await getClient().config.credentials();
      if (denied.has(credentials.accessKeyId.slice(4))) {
        throw new EC2ServiceException({
          name: 'UnauthorizedOperation',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
          message: 'You are not authorized to perform this operation.',
        });
      }
      return {
        Regions: [
          ...ENABLED_REGIONS.map((RegionName) => ({ RegionName, OptInStatus: 'opt-in-not-required' })),
          { RegionName: 'af-south-1', OptInStatus: 'not-opted-in' },
          { RegionName: 'me-south-1', OptInStatus: 'not-opted-in' },
        ],
      };
    });
    const { store, deps } = setUp();

    // Act
    const plan = (await createPlan(() => deps)({}, lambdaContext('estatescan-plan'))) as PlanOutput;

    // Assess: the state is tiny and says where the targets are
    expect(JSON.stringify(plan).length).toBeLessThan(1024);
    expect(plan).toEqual({
      runId: expect.stringMatching(/^20261125T120000Z-[0-9a-f]{8}$/),
      startedAt: NOW.toISOString(),
      rules: ruleIds,
      // No CONFIG_BUCKET: the defaults, which every target of the run then uses too.
      configVersion: 'none',
      targetCount: 17_000,
      planErrorCount: 3,
      ttl: runItemsTtl(NOW.toISOString()),
      targetsBucket: BUCKET,
      targetsKey: `runs/${plan.runId}/targets.json`,
    });
    // The object holds every target, once, as {accountId, region} only
    const puts = s3.commandCalls(PutObjectCommand);
    expect(puts).toHaveLength(1);
    const put = puts[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: BUCKET, Key: plan.targetsKey, ContentType: 'application/json' });
    const targets = JSON.parse(String(put.Body)) as Array<{ accountId: string; region: string }>;
    expect(targets).toHaveLength(17_000);
    expect(new Set(targets.map((t) => `${t.accountId}/${t.region}`)).size).toBe(17_000);
    expect(targets.every((t) => Object.keys(t).join() === 'accountId,region')).toBe(true);
    expect(targets).not.toContainEqual(expect.objectContaining({ accountId: accountId(500) }));
    // In the organization's order, whatever order the regions were listed in
    expect(targets.slice(0, 17).map((t) => t.accountId)).toEqual(Array(17).fill(accountId(0)));
    expect(targets.at(-1)).toEqual({ accountId: accountId(1000), region: 'us-west-2' });
    expect(targets).not.toContainEqual(expect.objectContaining({ region: 'af-south-1' }));
    // The plan errors are in the store, with the plan's target count, for summarize
    expect(store.runPlans.get(plan.runId)).toMatchObject({
      targetCount: 17_000,
      planErrorCount: 3,
      planErrors: [1001, 1002, 1003].map((i) =>
        expect.objectContaining({ accountId: accountId(i), code: 'UnauthorizedOperation' }),
      ),
    });
  });

  it('without RUNS_BUCKET, returns the targets in the result and writes nothing to S3 (in-process use)', async () => {
    // Prepare
    const { store, deps } = setUp({
      RUNS_BUCKET: '',
      TARGET_ACCOUNTS: '111111111111,222222222222',
      TARGET_REGIONS: 'eu-west-1',
    });

    // Act
    const plan = (await createPlan(() => deps)({}, lambdaContext('estatescan-plan'))) as PlanOutput;

    // Assess
    expect(plan.targets).toEqual([
      { accountId: '111111111111', region: 'eu-west-1' },
      { accountId: '222222222222', region: 'eu-west-1' },
    ]);
    expect(plan).toMatchObject({ targetCount: 2, planErrorCount: 0 });
    expect(plan.targetsBucket).toBeUndefined();
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(store.runPlans.get(plan.runId)?.targetCount).toBe(2);
  });
});

describe('the summarize function', () => {
  let output: ReturnType<typeof captureOutput>;
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => output.restore());

  const outcome = (overrides: Partial<RunTargetRecord>): RunTargetRecord => ({
    accountId: '111111111111',
    region: 'eu-west-1',
    status: 'ok',
    durationMs: 2000,
    findings: 2,
    changes: 1,
    errors: [],
    findingsBySeverity: { high: 2 },
    suppressed: 1,
    baseline: false,
    errorCount: 0,
    apiCalls: { calls: 40, attempts: 42, throttled: 2 },
    ...overrides,
  });

  async function seed(store: MemoryFindingStore, runId: string) {
    const run = { runId, startedAt: NOW.toISOString() };
    await store.recordRunPlan({
      ...run,
      targetCount: 4,
      planErrors: [
        {
          accountId: '999999999999',
          region: 'eu-west-1',
          source: 'plan',
          operation: 'ec2:DescribeRegions',
          code: 'UnauthorizedOperation',
          message: 'denied',
        },
      ],
      planErrorCount: 7,
    });
    await store.recordRunTarget(run, outcome({}));
    await store.recordRunTarget(
      run,
      outcome({ region: 'us-east-1', status: 'partial', baseline: true, durationMs: 9000, changes: 0 }),
    );
    await store.recordRunTarget(run, {
      accountId: '222222222222',
      region: 'eu-west-1',
      status: 'failed',
      durationMs: 0,
      findings: 0,
      changes: 0,
      errors: [
        {
          accountId: '222222222222',
          region: 'eu-west-1',
          source: 'scan-target',
          operation: 'lambda:Invoke',
          code: 'States.Timeout',
          message: 'timed out',
        },
      ],
    });
  }

  it('adds the run up from the store: outcomes, caught failures, targets that recorded nothing, plan errors', async () => {
    // Prepare: 4 targets planned, 3 recorded (one a caught failure)
    const { store, deps } = setUp();
    const runId = '20261125T120000Z-1a2b3c4d';
    await seed(store, runId);

    // Act
    const digest = (await createSummarize(() => deps)(
      { runId, startedAt: NOW.toISOString(), targetCount: 4 },
      lambdaContext('estatescan-summarize'),
    )) as RunDigest;

    // Assess
    expect(digest).toMatchObject({
      targets: 4,
      ok: 1,
      partial: 1,
      failed: 2,
      unrecorded: 1,
      findings: 4,
      findingsBySeverity: { high: 4 },
      suppressed: 2,
      changes: 1,
      baselines: 1,
      planErrors: 7,
      apiCalls: { calls: 80, attempts: 84, throttled: 4 },
      slowestTargetMs: 9000,
    });
    const [run] = await store.recentRuns(1);
    expect(run).toMatchObject({ runId, changes: 1, apiCalls: { calls: 80 } });
    expect(run?.targets.map((t) => t.status)).toEqual(['ok', 'partial', 'failed']);
    expect(run?.planErrors).toHaveLength(1);
    expect(output.text()).toContain('"TargetsFailed":2');
  });

  it('records nothing for a dry run, and still returns its digest', async () => {
    // Prepare
    const { store, deps } = setUp();
    const runId = '20261125T120000Z-1a2b3c4d-dryrun';
    await seed(store, runId);

    // Act
    const digest = (await createSummarize(() => deps)(
      { runId, startedAt: NOW.toISOString() },
      lambdaContext('estatescan-summarize'),
    )) as RunDigest;

    // Assess: the plan's target count stands in for the state's
    expect(digest).toMatchObject({ targets: 4, failed: 2, unrecorded: 1 });
    expect(store.runs).toEqual([]);
  });
});

describe('scan-target with a target whose findings cannot be saved', () => {
  let output: ReturnType<typeof captureOutput>;

  beforeEach(() => {
    for (const mock of [sts, s3]) mock.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Account: HUB });
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAEXAMPLEEXAMPLE01',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    s3.on(ListBucketsCommand).resolves({ Buckets: [] });
    output = captureOutput();
  });
  afterEach(() => output.restore());

  /** The steps' dependencies over a memory store whose target writes fail with `failure`. */
  function failingStore(failure: Error) {
    const { store, deps } = setUp({ TARGET_ACCOUNTS: '111111111111', TARGET_REGIONS: 'eu-west-1' });
    store.applyTarget = async (_result: ReconcileResult) => {
      throw failure;
    };
    const handler = createScanTarget(() => deps);
    const runId = '20261125T120000Z-1a2b3c4d';
    const event = {
      runId,
      startedAt: NOW.toISOString(),
      rules: ['s3-bucket-versioning-disabled'],
      ttl: runItemsTtl(NOW.toISOString()),
      target: { accountId: '111111111111', region: 'eu-west-1' },
    };
    return { store, runId, invoke: () => handler(event, lambdaContext('estatescan-scan-target')) };
  }

  it('records an item over the budget as a failed target at once, with the error and a metric', async () => {
    // Prepare
    const tooLarge = new ItemTooLargeError('target-state', 'STATE', 400_000, 358_400, {
      accountId: '111111111111',
      region: 'eu-west-1',
    });
    const { store, runId, invoke } = failingStore(tooLarge);

    // Act
    const result = await invoke();

    // Assess: no throw (retrying cannot help), the outcome says why, and the metric counts it.
    expect(result).toMatchObject({ status: 'failed', errorCount: 1 });
    const [target] = (await store.loadRun(runId)).targets;
    expect(target).toMatchObject({ status: 'failed', errorCount: 1 });
    expect(target?.errors[0]).toMatchObject({
      source: 'store',
      operation: 'dynamodb:PutItem',
      code: 'ItemTooLargeError',
      resourceId: 'STATE',
    });
    expect(output.text()).toContain('"TargetSaveFailures":1');
    expect(output.text()).toContain('Target not saved');
  });

  it('throws a passing fault, so the state machine retries the target and then records it', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
      name: 'ThrottlingException',
    });
    const { store, runId, invoke } = failingStore(throttled);

    // Act / Assess
    await expect(invoke()).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect((await store.loadRun(runId)).targets).toEqual([]);
  });
});
