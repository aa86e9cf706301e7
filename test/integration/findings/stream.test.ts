import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccountClients } from '../../../src/aws/clients.ts';
import type { TargetEvaluation } from '../../../src/engine/evaluate.ts';
import { DynamoDbFindingStore } from '../../../src/findings/dynamodb-store.ts';
import { findingId } from '../../../src/findings/finding-id.ts';
import { changeSetsFromStream, type StreamRecord } from '../../../src/findings/stream.ts';
import { ensureTable } from '../../../src/findings/table.ts';
import type { Finding } from '../../../src/findings/types.ts';
import { persistRun } from '../../../src/scan/persist.ts';
import type { TargetResult } from '../../../src/scan/run-inventory.ts';
import { emulatorSettings, HUB_ACCOUNT, hubCredentials, resetEmulator } from '../../support/emulator.ts';

const TABLE = 'estatescan-stream-test';
const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';

function finding(resourceId: string, at: string, severity: Finding['severity'] = 'high'): Finding {
  return {
    findingId: findingId('rule-a', ACCOUNT, REGION, resourceId),
    ruleId: 'rule-a',
    title: 'A problem',
    severity,
    status: 'open',
    accountId: ACCOUNT,
    region: REGION,
    resourceType: 'AwsThing',
    resourceId,
    message: `${resourceId} has a problem.`,
    evidence: { resourceId },
    remediation: '1. Fix it.',
    firstSeen: at,
    lastSeen: at,
  };
}

const result: TargetResult = { accountId: ACCOUNT, region: REGION, status: 'ok', errors: [], durationMs: 1 };

async function run(
  store: DynamoDbFindingStore,
  runId: string,
  at: string,
  findings: Finding[],
  evaluatedRules = ['rule-a'],
) {
  const evaluation: TargetEvaluation = {
    accountId: ACCOUNT,
    region: REGION,
    findings,
    evaluatedRules,
    unevaluatedResources: {},
    skippedRules: [],
  };
  return persistRun(store, {
    runId,
    startedAt: at,
    finishedAt: at,
    results: [result],
    evaluations: [evaluation],
    apiCalls: { calls: 0, attempts: 0, throttled: 0 },
    concurrency: 2,
  });
}

async function readStream(dynamodb: DynamoDBClient, streams: DynamoDBStreamsClient): Promise<StreamRecord[]> {
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: TABLE }));
  const { StreamDescription } = await streams.send(
    new DescribeStreamCommand({ StreamArn: Table!.LatestStreamArn! }),
  );
  const records: StreamRecord[] = [];
  for (const shard of StreamDescription?.Shards ?? []) {
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: Table!.LatestStreamArn!,
          ShardId: shard.ShardId!,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      records.push(...((page.Records ?? []) as StreamRecord[]));
      if (!page.Records?.length) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

describe('the change stream carries every change, so a crash before notifying loses nothing', () => {
  let dynamodb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  let store: DynamoDbFindingStore;

  beforeAll(async () => {
    await resetEmulator();
    const hub = new AccountClients(HUB_ACCOUNT, hubCredentials, emulatorSettings());
    dynamodb = hub.get(DynamoDBClient, REGION);
    streams = hub.get(DynamoDBStreamsClient, REGION);
    await ensureTable(dynamodb, TABLE);
    store = new DynamoDbFindingStore(dynamodb, TABLE);
  });

  it('rebuilds from the stream the baseline and the changes that reconcile returned', async () => {
    // Prepare: a baseline, then a run with one new, one resolved and one escalated finding.
    const baseline = await run(store, 'run-1', '2026-11-25T01:00:00.000Z', [
      finding('a', '2026-11-25T01:00:00.000Z'),
      finding('b', '2026-11-25T01:00:00.000Z', 'low'),
    ]);
    const second = await run(store, 'run-2', '2026-11-25T02:00:00.000Z', [
      finding('b', '2026-11-25T02:00:00.000Z', 'critical'),
      finding('c', '2026-11-25T02:00:00.000Z'),
    ]);
    // The same run applied again (a retried Lambda) writes and announces nothing more.
    const again = await run(store, 'run-2', '2026-11-25T02:00:00.000Z', [
      finding('b', '2026-11-25T02:00:00.000Z', 'critical'),
      finding('c', '2026-11-25T02:00:00.000Z'),
    ]);

    // Act: as if the process died after writing, the notifier reads the stream.
    const fromStream = changeSetsFromStream(await readStream(dynamodb, streams));

    // Assess
    const kinds = (set: { changes: { kind: string; finding: Finding }[] }) =>
      set.changes.map((c) => `${c.kind}:${c.finding.resourceId}`).sort();
    expect(fromStream.map((s) => s.runId)).toEqual(['run-1', 'run-2']);
    expect(fromStream[0]?.baselines).toEqual(baseline.baselines);
    expect(fromStream[0]?.changes).toEqual([]);
    expect(kinds(fromStream[1]!)).toEqual(kinds(second));
    expect(kinds(second)).toEqual(['escalated:b', 'new:c', 'resolved:a']);
    expect(again.changes).toEqual([]);
    expect(fromStream[1]?.changes.find((c) => c.kind === 'escalated')?.previousSeverity).toBe('low');
  });

  it('summarizes the first findings of a rule new to the target once, from the state that run wrote', async () => {
    // Prepare: rule-b runs on this target for the first time and finds two problems; rule-a finds
    // one more. Then a quiet run.
    const ruleB = (resourceId: string, at: string): Finding => ({
      ...finding(resourceId, at),
      ruleId: 'rule-b',
      findingId: findingId('rule-b', ACCOUNT, REGION, resourceId),
    });
    const at3 = '2026-11-25T03:00:00.000Z';
    const third = await run(
      store,
      'run-3',
      at3,
      [finding('b', at3, 'critical'), finding('c', at3), finding('d', at3), ruleB('x', at3), ruleB('y', at3)],
      ['rule-a', 'rule-b'],
    );
    const at4 = '2026-11-25T04:00:00.000Z';
    await run(
      store,
      'run-4',
      at4,
      [finding('b', at4, 'critical'), finding('c', at4), finding('d', at4), ruleB('x', at4), ruleB('y', at4)],
      ['rule-a', 'rule-b'],
    );

    // Act
    const fromStream = changeSetsFromStream(await readStream(dynamodb, streams));

    // Assess: run-3 pages rule-a's new finding alone, and summarizes rule-b's two once; run-4 is quiet.
    const run3 = fromStream.find((s) => s.runId === 'run-3');
    expect(run3?.changes.map((c) => `${c.kind}:${c.finding.resourceId}`)).toEqual(['new:d']);
    expect(third.changes.map((c) => `${c.kind}:${c.finding.resourceId}`)).toEqual(['new:d']);
    expect(run3?.baselines).toEqual(third.baselines);
    expect(run3?.baselines).toEqual([
      expect.objectContaining({ runId: 'run-3', newRules: ['rule-b'], open: { high: 2 } }),
    ]);
    expect(fromStream.find((s) => s.runId === 'run-4')).toBeUndefined();
  });
});
