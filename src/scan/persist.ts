/**
 * After a scan: reconcile each target with the store, write what changed, record the run, and hand
 * the changes to the notifier. Shared by the CLI and the `scan-target` / `summarize` handlers.
 *
 * Targets are saved independently: one that cannot be saved (an item over the size budget, a
 * refused write) is recorded as failed with its error, and the others' findings are written and
 * their changes announced all the same.
 */
import type { TargetEvaluation } from '../engine/evaluate.ts';
import { boundedText } from '../findings/budget.ts';
import type { BaselineSummary, ChangeSet, FindingChange } from '../findings/changes.ts';
import { ConcurrentUpdateError, ItemTooLargeError, isPermanentWriteError } from '../findings/errors.ts';
import { type ReconcileResult, reconcile } from '../findings/reconcile.ts';
import { type FindingStore, inventoryCounts, type RunTargetRecord } from '../findings/store.ts';
import { mapWithConcurrency } from '../inventory/concurrency.ts';
import { inventoryRows } from '../inventory/rows.ts';
import type { CollectionError } from '../inventory/types.ts';
import type { TargetResult } from './run-inventory.ts';

/**
 * Errors kept per target in its report and in its run target item (`summarize` reads every
 * target's item of a run, tens of thousands of them): a target that failed a thousand ways says so
 * in `errorCount` and keeps the first few.
 */
export const MAX_REPORTED_ERRORS = 10;

/** A target whose findings could not be saved, and why. */
export interface TargetSaveFailure {
  accountId: string;
  region: string;
  error: unknown;
}

/** Why a target could not be saved, as the error its outcome records (`source: 'store'`). */
export function saveErrorOf(failure: TargetSaveFailure): CollectionError {
  const { accountId, region, error } = failure;
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return {
    accountId,
    region,
    source: 'store',
    operation: isPermanentWriteError(error) ? 'dynamodb:PutItem' : 'dynamodb',
    code: typeof name === 'string' ? name : 'Error',
    message: boundedText(typeof message === 'string' ? message : String(error), 1_000),
    ...(error instanceof ItemTooLargeError ? { resourceId: error.key } : {}),
  };
}

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
 * had already written stand, and what the other run wrote is not announced a second time. The
 * inventory is written first, so a target whose inventory cannot be saved writes no findings that
 * would then go unannounced.
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
    // Not for a run already applied to the target (a retry after a crash): it wrote it then.
    if (attempt === 1 && result.snapshot && previous.state?.lastRunId !== runId) {
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

/** A run as persisted: the change set to announce, and what could not be saved. */
export interface PersistedRun extends ChangeSet {
  /** Targets that could not be saved: recorded as failed in the run; their changes are not announced. */
  unsaved: TargetSaveFailure[];
  /** Set when the run record itself could not be written (the targets' changes stand all the same). */
  runRecordError?: unknown;
}

/**
 * Persists every target of a run, each on its own, and records the run; returns the change set to
 * announce, which holds the changes of every target that was saved.
 */
export async function persistRun(store: FindingStore, input: PersistRunInput): Promise<PersistedRun> {
  const evaluationOf = new Map(input.evaluations.map((e) => [`${e.accountId}/${e.region}`, e]));
  const outcomes = await mapWithConcurrency(input.results, input.concurrency, async (result) => {
    const evaluation = evaluationOf.get(`${result.accountId}/${result.region}`);
    // A target that could not be reached has nothing to compare: its findings stay as they are.
    if (!evaluation) return undefined;
    try {
      return { persisted: await persistTarget(store, input.runId, input.startedAt, result, evaluation) };
    } catch (error) {
      return { unsaved: { accountId: result.accountId, region: result.region, error } };
    }
  });
  const persisted = outcomes.flatMap((o) => (o?.persisted ? [o.persisted] : []));
  const unsaved = outcomes.flatMap((o) => (o?.unsaved ? [o.unsaved] : []));
  const byTarget = new Map<string, TargetPersistence>(
    persisted.map((p) => [`${p.accountId}/${p.region}`, p]),
  );
  const unsavedByTarget = new Map<string, TargetSaveFailure>(
    unsaved.map((u) => [`${u.accountId}/${u.region}`, u]),
  );
  const targets: RunTargetRecord[] = input.results.map((r) => {
    const key = `${r.accountId}/${r.region}`;
    const failure = unsavedByTarget.get(key);
    // The save error first: it is why the target failed, and must survive the cut.
    const errors = failure ? [saveErrorOf(failure), ...r.errors] : r.errors;
    return {
      accountId: r.accountId,
      region: r.region,
      status: failure ? 'failed' : r.status,
      durationMs: r.durationMs,
      findings: evaluationOf.get(key)?.findings.length ?? 0,
      changes: byTarget.get(key)?.changes.length ?? 0,
      errors: errors.slice(0, MAX_REPORTED_ERRORS),
      errorCount: errors.length,
    };
  });
  const changes = persisted.flatMap((p) => p.changes);
  let runRecordError: unknown;
  try {
    await store.recordRun({
      runId: input.runId,
      startedAt: input.startedAt,
      finishedAt: input.finishedAt,
      targets,
      apiCalls: input.apiCalls,
      changes: changes.length,
    });
  } catch (error) {
    // The targets' findings are written: their changes are announced even without the run record.
    runRecordError = error;
  }
  return {
    runId: input.runId,
    changes,
    baselines: persisted.flatMap((p) => (p.baseline ? [p.baseline] : [])),
    unsaved,
    ...(runRecordError === undefined ? {} : { runRecordError }),
  };
}
