/**
 * The end of a run: the targets' reports (and the failures the state machine caught) become the
 * run record the store keeps and the digest the `summarize` function returns and measures. The
 * state machine's `summarize` reads them back from the store (`reportOf`); an inline scan has them
 * at hand.
 */
import {
  caughtError as caughtCollectionError,
  type RunRecord,
  type RunTargetRecord,
} from '../findings/store.ts';
import { type Severity, severities } from '../findings/types.ts';
import type { CollectionError } from '../inventory/types.ts';
import type { ApiCallTotals, TargetScanReport } from './target-scan.ts';

/**
 * A target whose `scan-target` invocation failed for good (after the state machine's retries) and
 * was caught: `error` is what Step Functions caught, usually `{ Error, Cause }`.
 */
export interface FailedTargetReport {
  accountId: string;
  region: string;
  status: 'failed';
  error?: unknown;
}

export type TargetOutcomeReport = TargetScanReport | FailedTargetReport;

export interface RunSummaryInput {
  runId: string;
  startedAt: string;
  finishedAt: string;
  planErrors: CollectionError[];
  results: TargetOutcomeReport[];
  /** The run's API calls, when the reports do not carry them (one process, one counter). */
  apiCalls?: ApiCallTotals;
  /** All the plan errors, when `planErrors` keeps only the first few. */
  planErrorCount?: number;
  /** Targets the plan handed to the map that recorded no outcome: they count as failed. */
  unrecordedTargets?: number;
}

/** What a run amounted to: the `summarize` function's result and the source of its metrics. */
export interface RunDigest {
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  targets: number;
  ok: number;
  partial: number;
  failed: number;
  /** Open findings across the targets, and by severity. */
  findings: number;
  findingsBySeverity: Partial<Record<Severity, number>>;
  suppressed: number;
  changes: number;
  /** Targets scanned for the first time (their findings became the baseline). */
  baselines: number;
  /** Accounts the plan could not expand into targets. */
  planErrors: number;
  apiCalls: ApiCallTotals;
  /** The slowest target, in milliseconds. */
  slowestTargetMs: number;
  /**
   * Targets of the plan that recorded no outcome (included in `targets` and `failed`): a child
   * execution that failed without even its failure being recorded. Absent when there are none.
   */
  unrecorded?: number;
}

export function isFailedTarget(report: TargetOutcomeReport): report is FailedTargetReport {
  return !('findings' in report);
}

/** Step Functions' `{ Error, Cause }`; a Lambda error's Cause is JSON with `errorType` and `errorMessage`. */
export function caughtError(report: FailedTargetReport): CollectionError {
  return caughtCollectionError(report.accountId, report.region, report.error);
}

/** A target's outcome as the store keeps it, as the report `scan-target` made of it. */
export function reportOf(target: RunTargetRecord): TargetScanReport {
  return {
    accountId: target.accountId,
    region: target.region,
    status: target.status,
    findings: target.findings,
    findingsBySeverity: target.findingsBySeverity ?? {},
    suppressed: target.suppressed ?? 0,
    changes: target.changes,
    baseline: target.baseline ?? false,
    errors: target.errors,
    errorCount: target.errorCount ?? target.errors.length,
    durationMs: target.durationMs,
    apiCalls: target.apiCalls ?? { calls: 0, attempts: 0, throttled: 0 },
  };
}

export function summarizeRun(input: RunSummaryInput): { record: RunRecord; digest: RunDigest } {
  const targets: RunTargetRecord[] = input.results.map((r) =>
    isFailedTarget(r)
      ? {
          accountId: r.accountId,
          region: r.region,
          status: 'failed',
          durationMs: 0,
          findings: 0,
          changes: 0,
          errors: [caughtError(r)],
        }
      : {
          accountId: r.accountId,
          region: r.region,
          status: r.status,
          durationMs: r.durationMs,
          findings: r.findings,
          changes: r.changes,
          errors: r.errors,
        },
  );
  const scanned = input.results.filter((r): r is TargetScanReport => !isFailedTarget(r));
  const sum = (pick: (r: TargetScanReport) => number) => scanned.reduce((n, r) => n + pick(r), 0);
  const findingsBySeverity: Partial<Record<Severity, number>> = {};
  for (const severity of severities) {
    const n = sum((r) => r.findingsBySeverity[severity] ?? 0);
    if (n) findingsBySeverity[severity] = n;
  }
  const apiCalls = input.apiCalls ?? {
    calls: sum((r) => r.apiCalls.calls),
    attempts: sum((r) => r.apiCalls.attempts),
    throttled: sum((r) => r.apiCalls.throttled),
  };
  const changes = sum((r) => r.changes);
  const record: RunRecord = {
    runId: input.runId,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    targets,
    apiCalls,
    changes,
    ...(input.planErrors.length ? { planErrors: input.planErrors } : {}),
  };
  const count = (status: RunTargetRecord['status']) => targets.filter((t) => t.status === status).length;
  const unrecorded = input.unrecordedTargets ?? 0;
  const digest: RunDigest = {
    runId: input.runId,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    durationMs: Math.max(0, Date.parse(input.finishedAt) - Date.parse(input.startedAt)),
    targets: targets.length + unrecorded,
    ok: count('ok'),
    partial: count('partial'),
    failed: count('failed') + unrecorded,
    findings: sum((r) => r.findings),
    findingsBySeverity,
    suppressed: sum((r) => r.suppressed),
    changes,
    baselines: scanned.filter((r) => r.baseline).length,
    planErrors: input.planErrorCount ?? input.planErrors.length,
    apiCalls,
    // A reduce, not Math.max(...spread): a run has tens of thousands of targets.
    slowestTargetMs: scanned.reduce((slowest, r) => Math.max(slowest, r.durationMs), 0),
    ...(unrecorded ? { unrecorded } : {}),
  };
  return { record, digest };
}
