/**
 * After a scan: reconcile each target with the store, write what changed, record the run, and hand
 * the changes to the notifier. Shared by the CLI and the `scan-target` / `summarize` handlers.
 */
import type { TargetEvaluation } from '../engine/evaluate.ts';
import type { BaselineSummary, ChangeSet, FindingChange } from '../findings/changes.ts';
import { ConcurrentUpdateError } from '../findings/errors.ts';
import { type ReconcileResult, reconcile } from '../findings/reconcile.ts';
import { type FindingStore, inventoryCounts, type RunTargetRecord } from '../findings/store.ts';
import { mapWithConcurrency } from '../inventory/concurrency.ts';
import { inventoryRows } from '../inventory/rows.ts';
import type { TargetResult } from './run-inventory.ts';

export interface TargetPersistence {
  accountId: string;
  region: string;
  changes: FindingChange[];
  baseline?: BaselineSummary;
  duplicate: boolean;
}

/** Attempts at writing a target that another run is writing at the same time. */
export const CONCURRENT_UPDATE_ATTEMPTS = 3;

/**
 * Reconciles one target's evaluation with the store and writes the result. When another run wrote
 * the target in between (`ConcurrentUpdateError`), it reloads and reconciles again: the changes it
 * had already written stand, and what the other run wrote is not announced a second time.
 */
export async function persistTarget(
  store: FindingStore,
  runId: string,
  at: string,
  result: TargetResult,
  evaluation: TargetEvaluation,
): Promise<TargetPersistence> {
  const written: FindingChange[] = [];
  let reconciled: ReconcileResult | undefined;
  for (let attempt = 1; !reconciled; attempt++) {
    const previous = await store.loadTarget(result.accountId, result.region);
    const attemptResult = reconcile({
      runId,
      at,
      accountId: result.accountId,
      region: result.region,
      previous,
      current: {
        findings: evaluation.findings,
        evaluatedRules: evaluation.evaluatedRules,
        unevaluatedResources: evaluation.unevaluatedResources,
      },
    });
    try {
      // The changes are those of the findings written: what the change stream announces too.
      const applied = new Set((await store.applyTarget(attemptResult)).written);
      reconciled = {
        ...attemptResult,
        changes: attemptResult.changes.filter((c) => applied.has(c.finding.findingId)),
      };
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || attempt >= CONCURRENT_UPDATE_ATTEMPTS) throw error;
      const applied = new Set(error.applied);
      written.push(...attemptResult.changes.filter((c) => applied.has(c.finding.findingId)));
    }
  }
  if (result.snapshot && !reconciled.duplicate) {
    const rows = inventoryRows(result.snapshot);
    await store.saveInventory({
      accountId: result.accountId,
      region: result.region,
      at,
      runId,
      counts: inventoryCounts(rows),
      rows,
    });
  }
  return {
    accountId: result.accountId,
    region: result.region,
    changes: [...written, ...reconciled.changes],
    ...(reconciled.baseline ? { baseline: reconciled.baseline } : {}),
    duplicate: reconciled.duplicate,
  };
}

export interface PersistRunInput {
  runId: string;
  startedAt: string;
  finishedAt: string;
  results: TargetResult[];
  evaluations: TargetEvaluation[];
  apiCalls: { calls: number; attempts: number; throttled: number };
  concurrency: number;
}

/** Persists every target of a run and records the run; returns the change set to announce. */
export async function persistRun(store: FindingStore, input: PersistRunInput): Promise<ChangeSet> {
  const evaluationOf = new Map(input.evaluations.map((e) => [`${e.accountId}/${e.region}`, e]));
  const persisted = await mapWithConcurrency(input.results, input.concurrency, async (result) => {
    const evaluation = evaluationOf.get(`${result.accountId}/${result.region}`);
    // A target that could not be reached has nothing to compare: its findings stay as they are.
    if (!evaluation) return undefined;
    return persistTarget(store, input.runId, input.startedAt, result, evaluation);
  });
  const byTarget = new Map(persisted.flatMap((p) => (p ? [[`${p.accountId}/${p.region}`, p] as const] : [])));
  const targets: RunTargetRecord[] = input.results.map((r) => ({
    accountId: r.accountId,
    region: r.region,
    status: r.status,
    durationMs: r.durationMs,
    findings: evaluationOf.get(`${r.accountId}/${r.region}`)?.findings.length ?? 0,
    changes: byTarget.get(`${r.accountId}/${r.region}`)?.changes.length ?? 0,
    errors: r.errors,
  }));
  const changes = persisted.flatMap((p) => p?.changes ?? []);
  await store.recordRun({
    runId: input.runId,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    targets,
    apiCalls: input.apiCalls,
    changes: changes.length,
  });
  return {
    runId: input.runId,
    changes,
    baselines: persisted.flatMap((p) => (p?.baseline ? [p.baseline] : [])),
  };
}
