import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../../../rules/index.ts';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import { ApiCallCounter } from '../../../src/aws/api-calls.ts';
import { AccountClients } from '../../../src/aws/clients.ts';
import { defaultAssumeRoleSettings } from '../../../src/aws/credentials.ts';
import { ScanSession } from '../../../src/aws/session.ts';
import { defaultRuleSettings } from '../../../src/engine/types.ts';
import type { ChangeSet } from '../../../src/findings/changes.ts';
import { DynamoDbFindingStore } from '../../../src/findings/dynamodb-store.ts';
import { ensureTable } from '../../../src/findings/table.ts';
import { targetHealthWrites } from '../../../src/findings/target-health.ts';
import { persistRun } from '../../../src/scan/persist.ts';
import { runScan } from '../../../src/scan/run-scan.ts';
import {
  clientsFor,
  emulatorEndpoint,
  emulatorSettings,
  HUB_ACCOUNT,
  resetEmulator,
} from '../../support/emulator.ts';
import { denyOperation } from '../../support/faults.ts';

const TABLE = 'estatescan-findings-test';
const targets = [DEMO_ACCOUNTS.production, DEMO_ACCOUNTS.development].flatMap((accountId) =>
  ['eu-west-1', 'us-east-1'].map((region) => ({ accountId, region })),
);

interface ScanOnce {
  changeSet: ChangeSet;
  puts: number;
}

describe('the DynamoDB findings store, through real scans of the demo estate', () => {
  let store: DynamoDbFindingStore;
  let counter: ApiCallCounter;
  let day = 0;

  /** Scans the targets and persists; optionally tampers with the session first. */
  async function scanOnce(prepare?: (session: ScanSession) => void): Promise<ScanOnce> {
    day++;
    // Same day, later each time: nothing may change with the clock between these scans.
    const at = new Date(Date.UTC(2026, 10, 25, day));
    const session = await ScanSession.create({
      homeRegion: 'eu-west-1',
      aws: emulatorSettings(),
      assumeRole: { ...defaultAssumeRoleSettings, sessionName: `estatescan-day-${day}` },
    });
    prepare?.(session);
    const runId = `run-day-${day}`;
    const { results, evaluations, report } = await runScan(session, {
      runId,
      targets,
      rules: allRules,
      ruleSettings: defaultRuleSettings,
      targetConcurrency: 4,
      itemConcurrency: 4,
      now: () => at,
    });
    session.destroy();
    const before = counter.get('dynamodb:PutItem')?.calls ?? 0;
    const changeSet = await persistRun(store, {
      runId,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      results,
      evaluations,
      apiCalls: { calls: 0, attempts: 0, throttled: 0 },
      concurrency: 4,
    });
    return { changeSet, puts: (counter.get('dynamodb:PutItem')?.calls ?? 0) - before };
  }

  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
    counter = new ApiCallCounter();
    const hub = new AccountClients(HUB_ACCOUNT, undefined, emulatorSettings(), counter);
    const dynamodb = hub.get(DynamoDBClient, 'eu-west-1');
    expect(await ensureTable(dynamodb, TABLE)).toEqual({ created: true });
    expect(await ensureTable(dynamodb, TABLE)).toEqual({ created: false });
    store = new DynamoDbFindingStore(dynamodb, TABLE);
  });

  it('records the first scan as a baseline: every finding stored, one summary per target, no changes', async () => {
    // Act
    const { changeSet } = await scanOnce();

    // Assess
    expect(changeSet.changes).toEqual([]);
    expect(changeSet.baselines).toHaveLength(4);
    const open = await store.queryFindings({ status: 'open' });
    expect(open.length).toBe(34);
    const baselineOpen = changeSet.baselines.reduce(
      (n, b) => n + Object.values(b.open).reduce((a, c) => a + (c ?? 0), 0),
      0,
    );
    expect(baselineOpen).toBe(open.length);
  });

  it('writes O(1) items per target on a rescan that changes nothing, and announces nothing', async () => {
    // Act
    const { changeSet, puts } = await scanOnce();

    // Assess
    expect(changeSet.changes).toEqual([]);
    expect(changeSet.baselines).toEqual([]);
    // Per target: its state and its run record; plus one run summary. No finding is rewritten.
    expect(puts).toBe(targets.length * 2 + 1);
  });

  it('announces exactly one resolved change when a resource is fixed, and one new change when one breaks', async () => {
    // Prepare
    const prod = await clientsFor(DEMO_ACCOUNTS.production);
    const s3 = prod.get(S3Client, 'eu-west-1');
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: 'acme-prod-logs',
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );

    // Act
    const fixed = await scanOnce();
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: 'acme-prod-invoices',
        VersioningConfiguration: { Status: 'Suspended' },
      }),
    );
    const broken = await scanOnce();
    prod.destroy();

    // Assess
    expect(fixed.changeSet.changes.map((c) => [c.kind, c.finding.ruleId, c.finding.resourceId])).toEqual([
      ['resolved', 's3-bucket-versioning-disabled', 'acme-prod-logs'],
    ]);
    expect(broken.changeSet.changes.map((c) => [c.kind, c.finding.ruleId, c.finding.resourceId])).toEqual([
      ['new', 's3-bucket-versioning-disabled', 'acme-prod-invoices'],
    ]);
    const resolved = await store.queryFindings({
      status: 'resolved',
      accountId: DEMO_ACCOUNTS.production,
      region: 'eu-west-1',
    });
    expect(resolved.map((f) => f.resourceId)).toEqual(['acme-prod-logs']);
    expect((await store.findingHistory(resolved[0]!.findingId)).map((e) => e.change)).toEqual([
      'baseline',
      'resolved',
    ]);
  });

  it('keeps the findings of a service denied in one account open, and says the target was partial', async () => {
    // Act
    const { changeSet } = await scanOnce((session) => {
      denyOperation(
        session.account(DEMO_ACCOUNTS.production).get(S3Client, 'eu-west-1'),
        'ListBuckets',
        'AccessDenied',
      );
    });

    // Assess
    expect(changeSet.changes).toEqual([]);
    const open = await store.queryFindings({
      status: 'open',
      accountId: DEMO_ACCOUNTS.production,
      region: 'eu-west-1',
      ruleId: 's3-bucket-versioning-disabled',
    });
    expect(open.map((f) => f.resourceId)).toEqual(['acme-prod-invoices']);
    const [latest] = await store.recentRuns(1);
    const target = latest?.targets.find(
      (t) => t.accountId === DEMO_ACCOUNTS.production && t.region === 'eu-west-1',
    );
    expect(target?.status).toBe('partial');
    expect(target?.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ operation: 's3:ListBuckets', code: 'AccessDenied' }),
      ]),
    );
  });

  it('serves every access pattern with a query: by severity across the organization, inventory, runs', async () => {
    // Act
    const critical = await store.queryFindings({ status: 'open', severities: ['critical'] });
    const devHigh = await store.queryFindings({
      status: 'open',
      severities: ['high'],
      accountId: DEMO_ACCOUNTS.development,
    });
    const inventory = await store.latestInventory(DEMO_ACCOUNTS.production, 'eu-west-1');
    const runs = await store.recentRuns(10);

    // Assess
    expect(critical.length).toBeGreaterThan(0);
    expect(critical.every((f) => f.severity === 'critical' && f.status === 'open')).toBe(true);
    expect(devHigh.every((f) => f.accountId === DEMO_ACCOUNTS.development && f.severity === 'high')).toBe(
      true,
    );
    expect(devHigh.length).toBeGreaterThan(0);
    expect(inventory?.counts['ec2.instances']).toBe(6);
    expect(inventory?.rows?.some((r) => r.name === 'legacy-billing-1')).toBe(true);
    expect(runs.map((r) => r.runId)).toEqual([
      'run-day-5',
      'run-day-4',
      'run-day-3',
      'run-day-2',
      'run-day-1',
    ]);
    expect(runs[0]?.targets).toHaveLength(4);
  });

  it('reads the latest runs from one page of run summaries, not every run recorded', async () => {
    // Prepare
    const calls = () => counter.get('dynamodb:Query')?.calls ?? 0;
    const before = calls();

    // Act
    const runs = await store.recentRuns(2);

    // Assess
    expect(runs.map((r) => r.runId)).toEqual(['run-day-5', 'run-day-4']);
    expect(runs.every((r) => r.targets.length === 4)).toBe(true);
    // One Query of the summaries (five are recorded), then one of each run's targets.
    expect(calls() - before).toBe(1 + 2);
  });

  it("reads a target's state with one GetItem and none of its findings", async () => {
    // Prepare
    const queries = () => counter.get('dynamodb:Query')?.calls ?? 0;
    const gets = () => counter.get('dynamodb:GetItem')?.calls ?? 0;
    const { state: expected } = await store.loadTarget(DEMO_ACCOUNTS.production, 'eu-west-1');
    const [queriesBefore, getsBefore] = [queries(), gets()];

    // Act
    const state = await store.loadTargetState(DEMO_ACCOUNTS.production, 'eu-west-1');
    const none = await store.loadTargetState(DEMO_ACCOUNTS.production, 'ap-south-1');

    // Assess
    expect(state).toEqual(expected);
    expect(state?.ruleLastEvaluated['s3-bucket-versioning-disabled']).toBeDefined();
    expect(none).toBeUndefined();
    expect([queries() - queriesBefore, gets() - getsBefore]).toEqual([0, 2]);
  });

  it("keeps the targets' health in one partition, written only over the item a run read", async () => {
    // Prepare: two runs that read no item, then both write the same target's first failure
    const queries = () => counter.get('dynamodb:Query')?.calls ?? 0;
    const run = (runId: string, at: string) => ({
      runId,
      startedAt: at,
      targets: [
        {
          accountId: DEMO_ACCOUNTS.development,
          region: 'us-east-1',
          status: 'failed' as const,
          errors: [
            {
              accountId: DEMO_ACCOUNTS.development,
              region: 'us-east-1',
              source: 'credentials' as const,
              operation: 'sts:AssumeRole',
              code: 'AccessDenied',
              message: 'denied',
            },
          ],
        },
      ],
      planErrors: [],
    });
    const first = targetHealthWrites(
      run('run-a', '2026-11-26T00:00:00.000Z'),
      await store.loadTargetHealth(),
    );
    const second = targetHealthWrites(
      run('run-b', '2026-11-26T00:00:01.000Z'),
      await store.loadTargetHealth(),
    );
    const before = queries();

    // Act
    const a = await store.writeTargetHealth(first[0]!);
    const b = await store.writeTargetHealth(second[0]!);
    const health = await store.loadTargetHealth();

    // Assess: one write took, the other found the item it expected gone, and one Query reads them
    expect([a, b]).toEqual([true, false]);
    expect(health).toEqual([first[0]!.health]);
    expect(queries() - before).toBe(1);
  });
});
