/**
 * Scanning targets and reconciling each with the store, reported per target in the shape the
 * `scan-target` function returns and `summarize` adds up. The on-demand function's inline path runs
 * the same steps for a few targets in one process.
 */
import type { ScanSession } from '../aws/session.ts';
import type { TargetEvaluation } from '../engine/evaluate.ts';
import type { Rule } from '../engine/types.ts';
import type { FindingChange } from '../findings/changes.ts';
import type { FindingStore, RunTargetRecord } from '../findings/store.ts';
import type { Severity } from '../findings/types.ts';
import { mapWithConcurrency } from '../inventory/concurrency.ts';
import type { CollectionError, Target } from '../inventory/types.ts';
import type { ScanReport } from '../report/types.ts';
import { syncErrorsOf, syncThroughSession } from '../securityhub/session-sync.ts';
import {
  MAX_REPORTED_ERRORS,
  persistTarget,
  saveErrorOf,
  type TargetPersistence,
  type TargetSaveFailure,
} from './persist.ts';
import type { TargetOutcome, TargetResult } from './run-inventory.ts';
import { runScan } from './run-scan.ts';
import type { RuleOptions } from './run-settings.ts';

export { MAX_REPORTED_ERRORS };

export interface ApiCallTotals {
  calls: number;
  attempts: number;
  throttled: number;
}

/** One target's outcome: what the `scan-target` function returns. */
export interface TargetScanReport {
  accountId: string;
  region: string;
  status: TargetOutcome;
  /** Open findings. */
  findings: number;
  findingsBySeverity: Partial<Record<Severity, number>>;
  suppressed: number;
  /** Changes reconcile found (0 on the first scan, which records a baseline instead, or a dry run). */
  changes: number;
  /** Whether this was the target's first scan (its findings became the baseline). */
  baseline: boolean;
  /** The first `MAX_REPORTED_ERRORS` collection errors. */
  errors: CollectionError[];
  errorCount: number;
  durationMs: number;
  apiCalls: ApiCallTotals;
}

/**
 * What the `scan-target` function returns to the state machine: a few numbers. The outcome itself
 * is in the run target item it writes, where `summarize` reads it.
 */
export interface TargetScanResult {
  accountId: string;
  region: string;
  status: TargetOutcome;
  findings: number;
  changes: number;
  baseline: boolean;
  errorCount: number;
  durationMs: number;
}

export function scanResultOf(report: TargetScanReport): TargetScanResult {
  const { accountId, region, status, findings, changes, baseline, errorCount, durationMs } = report;
  return { accountId, region, status, findings, changes, baseline, errorCount, durationMs };
}

/** A target's report as its run target item keeps it. */
export function runTargetRecordOf(report: TargetScanReport): RunTargetRecord {
  return {
    accountId: report.accountId,
    region: report.region,
    status: report.status,
    durationMs: report.durationMs,
    findings: report.findings,
    changes: report.changes,
    errors: report.errors,
    findingsBySeverity: report.findingsBySeverity,
    suppressed: report.suppressed,
    baseline: report.baseline,
    errorCount: report.errorCount,
    apiCalls: report.apiCalls,
  };
}

export interface TargetScanInput {
  runId: string;
  /** The run's start (ISO): every target of the run reconciles at this time, so retries are idempotent. */
  startedAt: string;
  rules: readonly Rule[];
  ruleOptions: RuleOptions;
  itemConcurrency: number;
  now: () => Date;
  /** Where findings are reconciled and written; absent for a dry run. */
  store?: FindingStore;
  /**
   * Keep the findings in step in each target's own Security Hub (the member role's optional
   * `SecurityHubImport` grant). Refused findings and failed calls are errors of the target.
   */
  securityHub?: boolean;
}

export function countBySeverity(
  findings: ReadonlyArray<{ severity: Severity; status: string }>,
): Partial<Record<Severity, number>> {
  const counts: Partial<Record<Severity, number>> = {};
  for (const f of findings) if (f.status === 'open') counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return counts;
}

/**
 * A target's report; one that could not be saved (`unsaved`) is `failed`, its save error first
 * among its errors.
 */
export function targetReport(
  result: TargetResult,
  evaluation: TargetEvaluation | undefined,
  persisted: TargetPersistence | undefined,
  apiCalls: ApiCallTotals,
  unsaved?: TargetSaveFailure,
): TargetScanReport {
  const findings = evaluation?.findings ?? [];
  const open = findings.filter((f) => f.status === 'open').length;
  const errors = unsaved ? [saveErrorOf(unsaved), ...result.errors] : result.errors;
  return {
    accountId: result.accountId,
    region: result.region,
    status: unsaved ? 'failed' : result.status,
    findings: open,
    findingsBySeverity: countBySeverity(findings),
    suppressed: findings.length - open,
    changes: persisted?.changes.length ?? 0,
    baseline: Boolean(persisted?.baseline),
    errors: errors.slice(0, MAX_REPORTED_ERRORS),
    errorCount: errors.length,
    durationMs: result.durationMs,
    apiCalls,
  };
}

/** One target's scan: its report, and why it could not be saved when it could not. */
export interface TargetScan {
  report: TargetScanReport;
  saveError?: unknown;
}

/** One target, as the `scan-target` function scans it: collect, evaluate, reconcile and write. */
export async function scanTarget(
  session: ScanSession,
  target: Target,
  input: TargetScanInput,
): Promise<TargetScan> {
  const { reports, unsaved } = await scanTargets(session, [target], { ...input, targetConcurrency: 1 });
  const { calls, attempts, throttled } = session.counter.totals();
  return {
    report: { ...(reports[0] as TargetScanReport), apiCalls: { calls, attempts, throttled } },
    ...(unsaved[0] ? { saveError: unsaved[0].error } : {}),
  };
}

export interface TargetsScan {
  reports: TargetScanReport[];
  /** The scan's report (findings, errors, inventory), for a response that shows them. */
  report: ScanReport;
  /** The changes of the targets that were saved. */
  changes: FindingChange[];
  /** Targets that could not be saved (their reports say `failed`); the others were saved all the same. */
  unsaved: TargetSaveFailure[];
}

/**
 * Several targets in one process with a bounded pool. API calls are counted per session, not per
 * target, so the reports carry zeros and the session's totals belong to the run.
 */
export async function scanTargets(
  session: ScanSession,
  targets: Target[],
  input: TargetScanInput & { targetConcurrency: number; planErrors?: CollectionError[] },
): Promise<TargetsScan> {
  const { report, results, evaluations } = await runScan(session, {
    runId: input.runId,
    targets,
    ...(input.planErrors ? { planErrors: input.planErrors } : {}),
    rules: input.rules,
    ...input.ruleOptions,
    targetConcurrency: input.targetConcurrency,
    itemConcurrency: input.itemConcurrency,
    now: input.now,
  });
  const evaluationOf = new Map(evaluations.map((e) => [`${e.accountId}/${e.region}`, e]));
  const store = input.store;
  const outcomes = await mapWithConcurrency(results, input.targetConcurrency, async (result) => {
    const evaluation = evaluationOf.get(`${result.accountId}/${result.region}`);
    // A target that could not be reached has nothing to compare: its findings stay as they are.
    if (!evaluation || !store) return undefined;
    try {
      return { persisted: await persistTarget(store, input.runId, input.startedAt, result, evaluation) };
    } catch (error) {
      return { unsaved: { accountId: result.accountId, region: result.region, error } };
    }
  });
  const hubErrors = new Map<string, CollectionError[]>();
  if (input.securityHub && evaluations.length > 0) {
    const synced = await syncThroughSession(session, report, evaluations, {
      concurrency: input.targetConcurrency,
      now: input.now().toISOString(),
    });
    for (const result of synced) {
      const errors = syncErrorsOf(result);
      if (errors.length) hubErrors.set(`${result.accountId}/${result.region}`, errors);
      report.errors.push(...errors);
    }
  }
  const reports = results.map((result, i) =>
    targetReport(
      {
        ...result,
        errors: [...result.errors, ...(hubErrors.get(`${result.accountId}/${result.region}`) ?? [])],
      },
      evaluationOf.get(`${result.accountId}/${result.region}`),
      outcomes[i]?.persisted,
      { calls: 0, attempts: 0, throttled: 0 },
      outcomes[i]?.unsaved,
    ),
  );
  const unsaved = outcomes.flatMap((o) => (o?.unsaved ? [o.unsaved] : []));
  // The scan's report says so too: the target's summary is failed, its save error listed.
  for (const failure of unsaved) {
    const summary = report.targets.find(
      (t) => t.accountId === failure.accountId && t.region === failure.region,
    );
    if (summary) {
      summary.status = 'failed';
      summary.errors++;
    }
    report.errors.push(saveErrorOf(failure));
  }
  return {
    reports,
    report,
    changes: outcomes.flatMap((o) => o?.persisted?.changes ?? []),
    unsaved,
  };
}
