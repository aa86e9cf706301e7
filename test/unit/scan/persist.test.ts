import { describe, expect, it } from 'vitest';
import type { TargetEvaluation } from '../../../src/engine/evaluate.ts';
import { ConcurrentUpdateError, ItemTooLargeError } from '../../../src/findings/errors.ts';
import { findingId } from '../../../src/findings/finding-id.ts';
import { reconcile } from '../../../src/findings/reconcile.ts';
import { MemoryFindingStore } from '../../../src/findings/store.ts';
import type { Finding } from '../../../src/findings/types.ts';
import { persistRun, persistTarget } from '../../../src/scan/persist.ts';
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

describe('persistRun with a target that cannot be saved', () => {
  const OTHER = '222222222222';
  const otherResult: TargetResult = { ...result, accountId: OTHER };
  const at = (day: number) => `2026-11-0${day}T00:00:00.000Z`;

  /** The other account's evaluation: one finding whose evidence never went through the engine's budget. */
  function oversized(): TargetEvaluation {
    const huge: Finding = {
      ...finding('sg-huge', at(2)),
      accountId: OTHER,
      findingId: findingId('rule-a', OTHER, REGION, 'sg-huge'),
      evidence: { permissions: 'p'.repeat(400 * 1024) },
    };
    return { ...evaluation(at(2)), accountId: OTHER, findings: [huge] };
  }

  const runInput = (
    runId: string,
    day: number,
    evaluations: TargetEvaluation[],
    results: TargetResult[],
  ) => ({
    runId,
    startedAt: at(day),
    finishedAt: at(day),
    results,
    evaluations,
    apiCalls: { calls: 0, attempts: 0, throttled: 0 },
    concurrency: 2,
  });

  it("writes and returns the other target's changes, and records the failing one as failed with its error", async () => {
    // Prepare: the first account has its baseline; the second has never been saved.
    const store = new MemoryFindingStore();
    await persistRun(store, runInput('run-1', 1, [evaluation(at(1), 'r1')], [result]));

    // Act: r2 is new in the first account; the second's only finding is too large to store.
    const persisted = await persistRun(
      store,
      runInput('run-2', 2, [evaluation(at(2), 'r1', 'r2'), oversized()], [result, otherResult]),
    );

    // Assess: the first account's change is written and handed to the notifier…
    expect(changesOf(persisted.changes)).toEqual([['new', 'r2']]);
    expect(store.findings.has(findingId('rule-a', ACCOUNT, REGION, 'r2'))).toBe(true);
    expect((await store.loadTargetState(ACCOUNT, REGION))?.lastRunId).toBe('run-2');
    // …the second is reported, nothing of it written, and the run records it as failed.
    expect(persisted.unsaved).toEqual([
      { accountId: OTHER, region: REGION, error: expect.any(ItemTooLargeError) },
    ]);
    expect(await store.loadTarget(OTHER, REGION)).toEqual({ findings: [] });
    const run = store.runs.find((r) => r.runId === 'run-2');
    expect(run?.targets.map((t) => [t.accountId, t.status, t.changes])).toEqual([
      [ACCOUNT, 'ok', 1],
      [OTHER, 'failed', 0],
    ]);
    expect(run?.targets[1]?.errors).toEqual([
      expect.objectContaining({
        accountId: OTHER,
        source: 'store',
        operation: 'dynamodb:PutItem',
        code: 'ItemTooLargeError',
        resourceId: `FINDING#${findingId('rule-a', OTHER, REGION, 'sg-huge')}`,
        message: expect.stringMatching(/^The finding item FINDING#\w+ of 222222222222 eu-west-1 would be/),
      }),
    ]);
    expect(persisted.runRecordError).toBeUndefined();
  });

  it('still returns the changes when the run record cannot be written', async () => {
    // Prepare
    const store = new MemoryFindingStore();
    await persistRun(store, runInput('run-1', 1, [evaluation(at(1), 'r1')], [result]));
    store.recordRun = async () => {
      throw new Error('the table is gone');
    };

    // Act
    const persisted = await persistRun(
      store,
      runInput('run-2', 2, [evaluation(at(2), 'r1', 'r2')], [result]),
    );

    // Assess
    expect(changesOf(persisted.changes)).toEqual([['new', 'r2']]);
    expect(persisted.runRecordError).toMatchObject({ message: 'the table is gone' });
  });
});
