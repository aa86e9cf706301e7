import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HUB_CREDENTIALS } from '../../../scripts/demo/estate.ts';
import { AccountClients } from '../../../src/aws/clients.ts';
import type { TargetEvaluation } from '../../../src/engine/evaluate.ts';
import { DynamoDbFindingStore } from '../../../src/findings/dynamodb-store.ts';
import { findingId } from '../../../src/findings/finding-id.ts';
import { ensureTable } from '../../../src/findings/table.ts';
import type { Finding } from '../../../src/findings/types.ts';
import { persistTarget } from '../../../src/scan/persist.ts';
import type { TargetResult } from '../../../src/scan/run-inventory.ts';
import { emulatorSettings, HUB_ACCOUNT, resetEmulator } from '../../support/emulator.ts';
import { readingEarly } from '../../support/stale-store.ts';

const TABLE = 'estatescan-concurrent-test';
const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const result: TargetResult = { accountId: ACCOUNT, region: REGION, status: 'ok', errors: [], durationMs: 1 };
const idOf = (resourceId: string) => findingId('ec2-instance-imdsv1-allowed', ACCOUNT, REGION, resourceId);

function evaluation(...resources: string[]): TargetEvaluation {
  const findings = resources.map(
    (resourceId): Finding => ({
      findingId: idOf(resourceId),
      ruleId: 'ec2-instance-imdsv1-allowed',
      title: 'EC2 instance allows IMDSv1',
      severity: 'high',
      status: 'open',
      accountId: ACCOUNT,
      region: REGION,
      resourceType: 'AwsEc2Instance',
      resourceId,
      message: `EC2 instance ${resourceId} accepts IMDSv1.`,
      evidence: { httpTokens: 'optional' },
      remediation: '1. Require tokens.',
      firstSeen: '',
      lastSeen: '',
    }),
  );
  return {
    accountId: ACCOUNT,
    region: REGION,
    findings,
    evaluatedRules: ['ec2-instance-imdsv1-allowed'],
    unevaluatedResources: {},
    skippedRules: [],
  };
}

describe('two runs writing one target at once (conditional writes on the emulator)', () => {
  let store: DynamoDbFindingStore;

  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    const dynamodb = new AccountClients(HUB_ACCOUNT, undefined, emulatorSettings()).get(
      DynamoDBClient,
      REGION,
    );
    await ensureTable(dynamodb, TABLE);
    store = new DynamoDbFindingStore(dynamodb, TABLE);
  });

  it('announces each change once, and the later run reconciles with what the other wrote', async () => {
    // Prepare: a baseline; runs A and B both read it; A finds i-2 new and writes it first.
    await persistTarget(store, 'run-0', '2026-11-01T00:00:00.000Z', result, evaluation('i-1'));
    const stale = await store.loadTarget(ACCOUNT, REGION);
    const a = await persistTarget(
      store,
      'run-a',
      '2026-11-02T00:00:00.000Z',
      result,
      evaluation('i-1', 'i-2'),
    );

    // Act: B, from what it read before A wrote, finds i-3 (new to both) and i-2.
    const b = await persistTarget(
      readingEarly(store, stale),
      'run-b',
      '2026-11-02T00:00:05.000Z',
      result,
      evaluation('i-3', 'i-1', 'i-2'),
    );

    // Assess: i-2 is announced by A alone, i-3 by B; the history of i-2 has one "new" event.
    expect(a.changes.map((c) => [c.kind, c.finding.resourceId])).toEqual([['new', 'i-2']]);
    expect(b.changes.map((c) => [c.kind, c.finding.resourceId])).toEqual([['new', 'i-3']]);
    expect((await store.findingHistory(idOf('i-2'))).map((e) => [e.change, e.runId])).toEqual([
      ['new', 'run-a'],
    ]);
    expect((await store.findingHistory(idOf('i-3'))).map((e) => [e.change, e.runId])).toEqual([
      ['new', 'run-b'],
    ]);
    expect((await store.loadTargetState(ACCOUNT, REGION))?.lastRunId).toBe('run-b');
  });

  it('announces the baseline of a target without findings once, when two first scans race', async () => {
    // Prepare: a target never scanned, with nothing to report; runs D and E both read it empty.
    const quiet: TargetResult = { ...result, accountId: '222222222222' };
    const empty: TargetEvaluation = { ...evaluation(), accountId: quiet.accountId };
    const unseen = await store.loadTarget(quiet.accountId, REGION);
    const d = await persistTarget(store, 'run-d', '2026-11-02T00:00:00.000Z', quiet, empty);

    // Act: E writes from what it read before D's state was written.
    const e = await persistTarget(
      readingEarly(store, unseen),
      'run-e',
      '2026-11-02T00:00:03.000Z',
      quiet,
      empty,
    );

    // Assess: only the state write's condition tells E that D came first: one baseline, D's.
    expect(unseen.state).toBeUndefined();
    expect(d.baseline).toBeDefined();
    expect(e.baseline).toBeUndefined();
    expect((await store.loadTargetState(quiet.accountId, REGION))?.lastRunId).toBe('run-e');
  });

  it('applies a run again after a crash without a second announcement', async () => {
    // Prepare: run C writes i-4; the state write is as if it never happened (a crash before it).
    const before = await store.loadTarget(ACCOUNT, REGION);
    await persistTarget(
      store,
      'run-c',
      '2026-11-03T00:00:00.000Z',
      result,
      evaluation('i-1', 'i-2', 'i-3', 'i-4'),
    );

    // Act: the same run again, from the state it first read.
    const again = await persistTarget(
      readingEarly(store, before),
      'run-c',
      '2026-11-03T00:00:00.000Z',
      result,
      evaluation('i-1', 'i-2', 'i-3', 'i-4'),
    );

    // Assess
    expect(again.changes).toEqual([]);
    expect((await store.findingHistory(idOf('i-4'))).map((e) => e.change)).toEqual(['new']);
  });
});
