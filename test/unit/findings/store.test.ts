import { describe, expect, it } from 'vitest';
import type { TargetState } from '../../../src/findings/reconcile.ts';
import { MemoryFindingStore } from '../../../src/findings/store.ts';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const T0 = '2026-11-01T00:00:00.000Z';

const state: TargetState = {
  accountId: ACCOUNT,
  region: REGION,
  baselineRunId: 'run-0',
  baselineAt: T0,
  lastRunId: 'run-0',
  lastScanAt: T0,
  ruleLastEvaluated: { 'rule-a': T0 },
};

describe('MemoryFindingStore.loadTargetState', () => {
  it("returns the target's state as loadTarget does, and nothing for a target never scanned", async () => {
    // Prepare
    const store = new MemoryFindingStore();
    await store.applyTarget({ duplicate: false, changes: [], writes: [], state });

    // Act
    const loaded = await store.loadTargetState(ACCOUNT, REGION);
    const never = await store.loadTargetState(ACCOUNT, 'us-east-1');

    // Assess
    expect(loaded).toEqual(state);
    expect(loaded).toEqual((await store.loadTarget(ACCOUNT, REGION)).state);
    expect(never).toBeUndefined();
  });

  it('returns a copy: changing it does not change the store', async () => {
    // Prepare
    const store = new MemoryFindingStore();
    await store.applyTarget({ duplicate: false, changes: [], writes: [], state });

    // Act
    const loaded = await store.loadTargetState(ACCOUNT, REGION);
    if (loaded) loaded.ruleLastEvaluated['rule-a'] = 'changed';

    // Assess
    expect((await store.loadTargetState(ACCOUNT, REGION))?.ruleLastEvaluated['rule-a']).toBe(T0);
  });
});
