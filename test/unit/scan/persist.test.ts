import { describe, expect, it } from 'vitest';
import type { TargetEvaluation } from '../../../src/engine/evaluate.ts';
import { ConcurrentUpdateError } from '../../../src/findings/errors.ts';
import { findingId } from '../../../src/findings/finding-id.ts';
import { reconcile } from '../../../src/findings/reconcile.ts';
import { MemoryFindingStore } from '../../../src/findings/store.ts';
import type { Finding } from '../../../src/findings/types.ts';
import { persistTarget } from '../../../src/scan/persist.ts';
import type { TargetResult } from '../../../src/scan/run-inventory.ts';
import { readingEarly } from '../../support/stale-store.ts';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const result: TargetResult = { accountId: ACCOUNT, region: REGION, status: 'ok', errors: [], durationMs: 1 };

function finding(resourceId: string, at: string): Finding {
  return {
    findingId: findingId('rule-a', ACCOUNT, REGION, resourceId),
    ruleId: 'rule-a',
    title: 'A problem',
    severity: 'high',
    status: 'open',
    accountId: ACCOUNT,
    region: REGION,
    resourceType: 'AwsThing',
    resourceId,
    message: `${resourceId} has a problem.`,
    evidence: {},
    remediation: '1. Fix it.',
    firstSeen: at,
    lastSeen: at,
  };
}

function evaluation(at: string, ...resources: string[]): TargetEvaluation {
  return {
    accountId: ACCOUNT,
    region: REGION,
    findings: resources.map((r) => finding(r, at)),
    evaluatedRules: ['rule-a'],
    unevaluatedResources: {},
    skippedRules: [],
  };
}

const changesOf = (changes: { kind: string; finding: Finding }[]) =>
  changes.map((c) => [c.kind, c.finding.resourceId]);

describe('persistTarget with two runs on one target at once', () => {
  it('announces a change once: the run that read before the other wrote reconciles again', async () => {
    // Prepare: a baseline with r1; runs A and B both read it; A then finds r2 and writes it.
    const store = new MemoryFindingStore();
    await persistTarget(
      store,
      'run-0',
      '2026-11-01T00:00:00.000Z',
      result,
      evaluation('2026-11-01T00:00:00.000Z', 'r1'),
    );
    const stale = await store.loadTarget(ACCOUNT, REGION);
    const a = await persistTarget(
      store,
      'run-a',
      '2026-11-02T00:00:00.000Z',
      result,
      evaluation('x', 'r1', 'r2'),
    );

    // Act: B saw r3 (new to both) and r2, from what it read before A wrote.
    const b = await persistTarget(
      readingEarly(store, stale),
      'run-b',
      '2026-11-02T00:00:01.000Z',
      result,
      evaluation('x', 'r3', 'r1', 'r2'),
    );

    // Assess: r2 is A's news alone; B keeps r3, which it wrote before it met A's r2.
    expect(changesOf(a.changes)).toEqual([['new', 'r2']]);
    expect(changesOf(b.changes)).toEqual([['new', 'r3']]);
    expect(store.events.filter((e) => e.change === 'new').map((e) => e.findingId)).toEqual([
      findingId('rule-a', ACCOUNT, REGION, 'r2'),
      findingId('rule-a', ACCOUNT, REGION, 'r3'),
    ]);
    expect((await store.loadTargetState(ACCOUNT, REGION))?.lastRunId).toBe('run-b');
  });

  it('refuses a state write over a state the run did not read, and accepts its own again', async () => {
    // Prepare
    const store = new MemoryFindingStore();
    await persistTarget(store, 'run-0', '2026-11-01T00:00:00.000Z', result, evaluation('x'));
    const stale = await store.loadTarget(ACCOUNT, REGION);
    await persistTarget(store, 'run-a', '2026-11-02T00:00:00.000Z', result, evaluation('x'));
    const late = reconcile({
      runId: 'run-b',
      at: '2026-11-02T00:00:01.000Z',
      accountId: ACCOUNT,
      region: REGION,
      previous: stale,
      current: { findings: [], evaluatedRules: ['rule-a'] },
    });

    // Act / Assess
    await expect(store.applyTarget(late)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect((await store.loadTargetState(ACCOUNT, REGION))?.lastRunId).toBe('run-a');
  });
});
