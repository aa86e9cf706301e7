import { describe, expect, it } from 'vitest';
import { findingId } from '../../../src/findings/finding-id.ts';
import {
  lastSeenOf,
  type ReconcileInput,
  reconcile,
  type StoredFinding,
  stableEvidence,
  type TargetState,
} from '../../../src/findings/reconcile.ts';
import type { Finding } from '../../../src/findings/types.ts';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const T0 = '2026-11-01T00:00:00.000Z';
const T1 = '2026-11-02T00:00:00.000Z';

function finding(resourceId: string, overrides: Partial<Finding> = {}): Finding {
  const ruleId = overrides.ruleId ?? 'rule-a';
  return {
    findingId: findingId(ruleId, ACCOUNT, REGION, resourceId),
    ruleId,
    title: 'A problem',
    severity: 'high',
    status: 'open',
    accountId: ACCOUNT,
    region: REGION,
    resourceType: 'AwsThing',
    resourceId,
    message: `${resourceId} has a problem.`,
    evidence: { port: 22 },
    remediation: '1. Fix it.',
    firstSeen: T1,
    lastSeen: T1,
    ...overrides,
  };
}

function stored(resourceId: string, overrides: Partial<StoredFinding> = {}): StoredFinding {
  return {
    ...finding(resourceId, overrides),
    firstSeen: T0,
    lastSeen: T0,
    lastChange: 'new',
    lastChangedAt: T0,
    lastChangedRunId: 'run-0',
    ...overrides,
  };
}

const state: TargetState = {
  accountId: ACCOUNT,
  region: REGION,
  baselineRunId: 'run-0',
  baselineAt: T0,
  lastRunId: 'run-0',
  lastScanAt: T0,
  ruleLastEvaluated: { 'rule-a': T0, 'rule-b': T0 },
};

function input(
  previous: StoredFinding[],
  current: Finding[],
  overrides: Partial<ReconcileInput> = {},
): ReconcileInput {
  return {
    runId: 'run-1',
    at: T1,
    accountId: ACCOUNT,
    region: REGION,
    previous: { state, findings: previous },
    current: { findings: current, evaluatedRules: ['rule-a', 'rule-b'] },
    ...overrides,
  };
}

describe('reconcile: transitions', () => {
  it.each<[string, StoredFinding[], Finding[], string[]]>([
    ['a new finding', [], [finding('r1')], ['new']],
    ['an unchanged finding', [stored('r1')], [finding('r1')], []],
    ['a finding that went away', [stored('r1')], [], ['resolved']],
    [
      'a resolved finding that is back',
      [stored('r1', { status: 'resolved', resolvedAt: T0 })],
      [finding('r1')],
      ['reopened'],
    ],
    [
      'a worse severity',
      [stored('r1', { severity: 'medium' })],
      [finding('r1', { severity: 'critical' })],
      ['escalated'],
    ],
    [
      'a milder severity',
      [stored('r1', { severity: 'critical' })],
      [finding('r1', { severity: 'low' })],
      ['deescalated'],
    ],
    ['other facts', [stored('r1')], [finding('r1', { evidence: { port: 3389 } })], ['evidence-changed']],
    [
      'only the day count moved',
      [stored('r1', { evidence: { daysPastEnd: 3 } })],
      [finding('r1', { evidence: { daysPastEnd: 4 } })],
      [],
    ],
    [
      'a suppression applied',
      [stored('r1')],
      [
        finding('r1', {
          status: 'suppressed',
          suppression: { reason: 'x', owner: 'y', expiresAt: '2027-01-01T00:00:00.000Z' },
        }),
      ],
      ['suppressed'],
    ],
    [
      'a suppression expired',
      [stored('r1', { status: 'suppressed', suppression: { reason: 'x', owner: 'y', expiresAt: T1 } })],
      [finding('r1')],
      ['suppression-expired'],
    ],
    ['a new finding suppressed from the start', [], [finding('r1', { status: 'suppressed' })], []],
    ['a suppressed finding that went away', [stored('r1', { status: 'suppressed' })], [], []],
    ['a resolved finding still resolved', [stored('r1', { status: 'resolved', resolvedAt: T0 })], [], []],
  ])('%s → %j', (_name, previous, current, expected) => {
    // Act
    const result = reconcile(input(previous, current));

    // Assess
    expect(result.changes.map((c) => c.kind)).toEqual(expected);
    expect(result.duplicate).toBe(false);
  });

  it('writes nothing but the target state when nothing changed', () => {
    // Act
    const result = reconcile(
      input(
        [stored('r1'), stored('r2', { ruleId: 'rule-b' })],
        [finding('r1'), finding('r2', { ruleId: 'rule-b' })],
      ),
    );

    // Assess
    expect(result.writes).toEqual([]);
    expect(result.state).toMatchObject({
      lastRunId: 'run-1',
      lastScanAt: T1,
      ruleLastEvaluated: { 'rule-a': T1, 'rule-b': T1 },
    });
  });

  it('never resolves findings of a rule whose source failed (not evaluated this scan)', () => {
    // Prepare
    const previous = [stored('r1'), stored('r2', { ruleId: 'rule-b' })];

    // Act
    const result = reconcile({
      ...input(previous, []),
      current: { findings: [], evaluatedRules: ['rule-b'] },
    });

    // Assess
    expect(result.changes.map((c) => [c.kind, c.finding.resourceId])).toEqual([['resolved', 'r2']]);
    // The unevaluated rule's "last seen" does not move either.
    expect(result.state.ruleLastEvaluated).toEqual({ 'rule-a': T0, 'rule-b': T1 });
    expect(lastSeenOf(stored('r1'), result.state)).toBe(T0);
  });

  it('never resolves the findings of a resource a rule could not see whole (a per-resource call failed)', () => {
    // Prepare: r1's data could not be read this time; r2 is fine and gone; r3 is rule-b's.
    const previous = [stored('r1'), stored('r2'), stored('r3', { ruleId: 'rule-b' })];

    // Act
    const result = reconcile({
      ...input(previous, []),
      current: {
        findings: [],
        evaluatedRules: ['rule-a', 'rule-b'],
        unevaluatedResources: { 'rule-a': ['r1'] },
      },
    });

    // Assess: r1 stays open (nothing written about it); the resource id holds for rule-a only.
    expect(result.changes.map((c) => [c.kind, c.finding.resourceId])).toEqual([
      ['resolved', 'r2'],
      ['resolved', 'r3'],
    ]);
    expect(result.writes.map((w) => w.resourceId)).toEqual(['r2', 'r3']);
  });

  it('summarizes the first findings of a rule new to a target scanned before, and pages none of them', () => {
    // Prepare: rule-c has never run on this target (newly enabled, or its data was never readable).
    const previous = [stored('r1')];

    // Act
    const result = reconcile({
      ...input(previous, [
        finding('r1'),
        finding('r2'),
        finding('x1', { ruleId: 'rule-c', severity: 'critical' }),
      ]),
      current: {
        findings: [finding('r1'), finding('r2'), finding('x1', { ruleId: 'rule-c', severity: 'critical' })],
        evaluatedRules: ['rule-a', 'rule-b', 'rule-c'],
      },
    });

    // Assess: rule-a's new finding is news; rule-c's is recorded and summarized once.
    expect(result.changes.map((c) => [c.kind, c.finding.resourceId])).toEqual([['new', 'r2']]);
    expect(result.writes.map((w) => [w.resourceId, w.lastChange])).toEqual([
      ['r2', 'new'],
      ['x1', 'baseline'],
    ]);
    expect(result.baseline).toMatchObject({ newRules: ['rule-c'], open: { critical: 1 } });
    expect(result.baseline?.top.map((f) => f.resourceId)).toEqual(['x1']);
    expect(result.state.ruleLastEvaluated['rule-c']).toBe(T1);
  });

  it('has no baseline when a rule new to the target finds nothing', () => {
    const result = reconcile({
      ...input([stored('r1')], [finding('r1')]),
      current: { findings: [finding('r1')], evaluatedRules: ['rule-a', 'rule-c'] },
    });
    expect(result.baseline).toBeUndefined();
    expect(result.changes).toEqual([]);
  });

  it('does nothing when the same run is applied twice', () => {
    // Prepare
    const first = reconcile(input([], [finding('r1')]));
    const afterFirst = { state: first.state, findings: first.writes };

    // Act
    const again = reconcile({ ...input([], [finding('r1')]), previous: afterFirst });

    // Assess
    expect(first.changes).toHaveLength(1);
    expect(again).toMatchObject({ duplicate: true, changes: [], writes: [] });
  });

  it('records the first scan of a target as a baseline, summarized once, not announced', () => {
    // Act
    const result = reconcile({
      ...input(
        [],
        [finding('r1', { severity: 'critical' }), finding('r2'), finding('r3', { status: 'suppressed' })],
      ),
      previous: { findings: [] },
    });

    // Assess
    expect(result.changes).toEqual([]);
    expect(result.writes.map((w) => w.lastChange)).toEqual(['baseline', 'baseline', 'baseline']);
    expect(result.baseline).toMatchObject({ open: { critical: 1, high: 1 }, suppressed: 1 });
    expect(result.baseline?.top.map((f) => f.resourceId)).toEqual(['r1', 'r2']);
    expect(result.state).toMatchObject({ baselineRunId: 'run-1', baselineAt: T1 });
  });

  it('keeps evidence out of the baseline summary, which travels in the state item', () => {
    // Prepare: evidence of the size that once made a state item too large for DynamoDB.
    const big = {
      permissions: Array.from({ length: 1_000 }, (_, i) => ({ port: i, description: 'd'.repeat(255) })),
    };

    // Act
    const result = reconcile({
      ...input([], [finding('r1', { evidence: big }), finding('r2')]),
      previous: { findings: [] },
    });

    // Assess: the summary names the findings without their evidence; the findings keep theirs.
    expect(result.baseline?.top.map((f) => [f.resourceId, f.evidence])).toEqual([
      ['r1', {}],
      ['r2', {}],
    ]);
    expect(JSON.stringify(result.baseline).length).toBeLessThan(2_000);
    expect(result.writes.find((w) => w.resourceId === 'r1')?.evidence).toEqual(big);
  });

  it('keeps first seen, records the previous severity, and sets resolvedAt and last seen', () => {
    // Act
    const escalated = reconcile(
      input([stored('r1', { severity: 'low' })], [finding('r1', { severity: 'high' })]),
    );
    const resolved = reconcile(input([stored('r1')], []));
    const reopened = reconcile(
      input([stored('r1', { status: 'resolved', resolvedAt: T0 })], [finding('r1')]),
    );

    // Assess
    expect(escalated.writes[0]).toMatchObject({
      firstSeen: T0,
      lastSeen: T1,
      previousSeverity: 'low',
      severity: 'high',
    });
    expect(escalated.changes[0]?.previousSeverity).toBe('low');
    expect(resolved.writes[0]).toMatchObject({
      status: 'resolved',
      resolvedAt: T1,
      lastSeen: T0,
      firstSeen: T0,
    });
    expect(reopened.writes[0]?.resolvedAt).toBeUndefined();
    expect(reopened.writes[0]).toMatchObject({ status: 'open', firstSeen: T0 });
  });
});

describe('stableEvidence', () => {
  it('ignores keys that count days and the order of keys', () => {
    expect(stableEvidence({ a: 1, daysPastEnd: 3, b: [1] })).toBe(
      stableEvidence({ b: [1], a: 1, daysPastEnd: 9 }),
    );
    expect(stableEvidence({ a: 1 })).not.toBe(stableEvidence({ a: 2 }));
  });
});

describe('reconcile: suppressed findings stay current', () => {
  const suppression = { reason: 'accepted risk', owner: 'platform', expiresAt: '2027-01-01T00:00:00.000Z' };
  const kept = (overrides: Partial<StoredFinding> = {}) =>
    stored('r1', { status: 'suppressed', suppression, ...overrides });
  const now = (overrides: Partial<Finding> = {}) =>
    finding('r1', { status: 'suppressed', suppression, ...overrides });

  it.each<[string, Partial<Finding>]>([
    ['a worse severity', { severity: 'critical' }],
    ['a milder severity', { severity: 'low' }],
    ['other evidence', { evidence: { port: 3389 } }],
    ['a later expiry', { suppression: { ...suppression, expiresAt: '2027-06-30T00:00:00.000Z' } }],
  ])('records %s of a suppressed finding without announcing it', (_name, moved) => {
    // Act
    const result = reconcile(input([kept()], [now(moved)]));

    // Assess: written as it is now, and nothing to announce.
    expect(result.changes).toEqual([]);
    expect(result.writes).toEqual([expect.objectContaining({ ...moved, status: 'suppressed' })]);
  });

  it('writes nothing for a suppressed finding that did not move', () => {
    expect(reconcile(input([kept()], [now()])).writes).toEqual([]);
  });

  it('announces an expired suppression with the finding as it is now, not as it was suppressed', () => {
    // Prepare: while suppressed, the finding grew worse; the record followed it.
    const recorded = reconcile(input([kept()], [now({ severity: 'critical', evidence: { port: 3389 } })]));
    const [current] = recorded.writes;

    // Act: the suppression ends.
    const result = reconcile({
      ...input(
        [{ ...kept(), ...current! }],
        [finding('r1', { severity: 'critical', evidence: { port: 3389 } })],
      ),
      runId: 'run-2',
    });

    // Assess
    expect(result.changes.map((c) => [c.kind, c.finding.severity, c.finding.evidence])).toEqual([
      ['suppression-expired', 'critical', { port: 3389 }],
    ]);
  });
});
