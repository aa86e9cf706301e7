import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../../../rules/index.ts';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import type { OperationCount } from '../../../src/aws/api-calls.ts';
import { AccountClients, type AwsClientSettings } from '../../../src/aws/clients.ts';
import { defaultAssumeRoleSettings } from '../../../src/aws/credentials.ts';
import { ScanSession } from '../../../src/aws/session.ts';
import { defaultRuleSettings } from '../../../src/engine/types.ts';
import { DynamoDbFindingStore } from '../../../src/findings/dynamodb-store.ts';
import { ensureTable } from '../../../src/findings/table.ts';
import { persistRun } from '../../../src/scan/persist.ts';
import { runScan, type ScanOutcome } from '../../../src/scan/run-scan.ts';
import { emulatorEndpoint, HUB_ACCOUNT, resetEmulator } from '../../support/emulator.ts';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.ts';

const TABLE = 'estatescan-faults-test';
const targets = Object.values(DEMO_ACCOUNTS).flatMap((accountId) =>
  ['eu-west-1', 'us-east-1'].map((region) => ({ accountId, region })),
);
/** 20% of calls to every service fail: throttled (with each service's own error), 500s and resets. */
const faultyRates = { default: { throttle: 0.1, serverError: 0.05, drop: 0.05 } };

async function scan(
  runId: string,
  endpoint: string,
): Promise<{ session: ScanSession; outcome: ScanOutcome }> {
  // Standard mode retries the same way as adaptive, without adaptive's client-side rate limiting,
  // which would only make the test slower.
  const aws: AwsClientSettings = { endpoint, maxAttempts: 8, retryMode: 'standard' };
  const session = await ScanSession.create({
    homeRegion: 'eu-west-1',
    aws,
    assumeRole: { ...defaultAssumeRoleSettings, sessionName: 'estatescan-faults' },
  });
  const outcome = await runScan(session, {
    runId,
    targets,
    rules: allRules,
    ruleSettings: defaultRuleSettings,
    targetConcurrency: 4,
    itemConcurrency: 4,
    now: () => new Date('2026-11-25T12:00:00Z'),
  });
  return { session, outcome };
}

/** Operations moto does not implement: they fail in a clean scan too. */
const emulatorGaps = new Set([
  'ssm:DescribeInstanceInformation',
  'ecr-public:DescribeRepositories',
  'eks:DescribeClusterVersions',
  'eks:ListAddons',
]);

const findingsOf = (outcome: ScanOutcome) =>
  outcome.report.findings.map((f) => `${f.findingId} ${f.severity} ${f.ruleId} ${f.resourceId}`).sort();
const inventoryOf = (outcome: ScanOutcome) =>
  outcome.report.inventory.map((row) => JSON.stringify(row)).sort();
const errorsOf = (outcome: ScanOutcome) =>
  [
    ...new Set(
      outcome.report.errors.map((e) => `${e.accountId}/${e.region} ${e.source} ${e.operation} ${e.code}`),
    ),
  ].sort();

describe('a scan with 20% of calls throttled, failed or dropped', () => {
  let proxy: FaultProxy;
  let clean: ScanOutcome;
  let cleanCalls: OperationCount;

  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
    const direct = await scan('clean', emulatorEndpoint());
    cleanCalls = direct.session.counter.totals();
    direct.session.destroy();
    clean = direct.outcome;
    proxy = await startFaultProxy(emulatorEndpoint(), {
      rates: faultyRates,
      seed: 20261125,
      // maxAttempts is 8: at most 3 faults in a row, so no call can fail on bad luck.
      maxFaultsPerRequestKey: 3,
      // A call the emulator cannot serve (SSM managed instances) fails with its own error, as in the
      // clean scan, without injected throttles stretching its doomed retries.
      spareFailingRequests: true,
    });
  });

  afterAll(async () => {
    await proxy?.stop();
  });

  it('finds exactly what a clean scan finds, loses no target, and counts the retries in the run record', async () => {
    // Act
    const { session, outcome } = await scan('faulty', proxy.endpoint);
    const totals = session.counter.totals();
    session.destroy();
    const hub = new AccountClients(HUB_ACCOUNT, undefined, {
      endpoint: proxy.endpoint,
      maxAttempts: 8,
      retryMode: 'standard',
    });
    const dynamodb = hub.get(DynamoDBClient, 'eu-west-1');
    await ensureTable(dynamodb, TABLE);
    const store = new DynamoDbFindingStore(dynamodb, TABLE);
    await persistRun(store, {
      runId: outcome.report.runId,
      startedAt: outcome.report.startedAt,
      finishedAt: outcome.report.finishedAt,
      results: outcome.results,
      evaluations: outcome.evaluations,
      apiCalls: { calls: totals.calls, attempts: totals.attempts, throttled: totals.throttled },
      concurrency: 4,
    });
    const [run] = await store.recentRuns(1);
    hub.destroy();
    const { totals: injected } = proxy.stats();

    // Assess: every kind of fault happened…
    expect(injected.throttle).toBeGreaterThan(0);
    expect(injected.serverError).toBeGreaterThan(0);
    expect(injected.drop).toBeGreaterThan(0);
    // …and changed nothing: the same findings with the same severities, the same inventory…
    expect(findingsOf(outcome)).toEqual(findingsOf(clean));
    expect(outcome.report.findings).toHaveLength(36);
    expect(inventoryOf(outcome)).toEqual(inventoryOf(clean));
    // …every target scanned as far as the clean scan got, the only errors being the emulator's gaps.
    expect(outcome.report.targets.map((t) => [t.accountId, t.region, t.status])).toEqual(
      clean.report.targets.map((t) => [t.accountId, t.region, t.status]),
    );
    expect(errorsOf(outcome)).toEqual(errorsOf(clean));
    expect(outcome.report.errors.every((e) => emulatorGaps.has(e.operation))).toBe(true);
    // The retries are visible (beyond the emulator's own 500s, which a clean scan retries too), they
    // cost no extra logical call, and the run record keeps them.
    expect(totals.calls).toBe(cleanCalls.calls);
    expect(totals.attempts).toBeGreaterThan(totals.calls);
    expect(totals.attempts - totals.calls).toBeGreaterThan(cleanCalls.attempts - cleanCalls.calls);
    expect(totals.throttled).toBeGreaterThan(0);
    expect(cleanCalls.throttled).toBe(0);
    expect(run?.targets.map((t) => t.status)).toEqual(outcome.report.targets.map((t) => t.status));
    expect(run?.apiCalls).toEqual({
      calls: totals.calls,
      attempts: totals.attempts,
      throttled: totals.throttled,
    });
  });
});
