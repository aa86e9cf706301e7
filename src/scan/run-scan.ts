/**
 * The scan core shared by the CLI and the Lambda handlers: collect what the rules need for each
 * target, evaluate the rules, and assemble the report.
 */

import type { ScanSession } from '../aws/session.ts';
import { evaluateSnapshot, requiredSources, type TargetEvaluation } from '../engine/evaluate.ts';
import type { SuppressionMatcher } from '../engine/suppressions.ts';
import type { Rule, RuleSettings } from '../engine/types.ts';
import type { Severity } from '../findings/types.ts';
import { closeOver } from '../inventory/collect.ts';
import { inventoryRows } from '../inventory/rows.ts';
import type { CollectionError, Target } from '../inventory/types.ts';
import { catalogueDate, lifecycleCatalogue } from '../lifecycle/catalogue.ts';
import type { ReportRule, ScanReport } from '../report/types.ts';
import { ESTATESCAN_VERSION } from '../version.ts';
import { lifecycleEntries } from './lifecycle-timeline.ts';
import { collectTargets, type TargetResult } from './run-inventory.ts';

export interface ScanOptions {
  runId: string;
  targets: Target[];
  /** Targets the plan could not expand (e.g. regions of an account that denied DescribeRegions). */
  planErrors?: CollectionError[];
  rules: readonly Rule[];
  ruleSettings: RuleSettings;
  severityOverrides?: Readonly<Record<string, Severity>>;
  suppressions?: SuppressionMatcher;
  targetConcurrency: number;
  itemConcurrency: number;
  now: () => Date;
  onTargetDone?: (result: TargetResult, done: number, total: number) => void;
}

export interface ScanOutcome {
  report: ScanReport;
  /** Per target: what was evaluated and skipped, for reconciliation. */
  evaluations: TargetEvaluation[];
  results: TargetResult[];
  /** Time spent collecting vs evaluating, for the benchmark. */
  timings: { collectMs: number; evaluateMs: number };
}

export async function runScan(session: ScanSession, options: ScanOptions): Promise<ScanOutcome> {
  const startedAt = options.now();
  const wanted = closeOver(requiredSources(options.rules));
  const collectStarted = performance.now();
  const results = await collectTargets(session, {
    targets: options.targets,
    wanted,
    targetConcurrency: options.targetConcurrency,
    itemConcurrency: options.itemConcurrency,
    now: options.now,
    ...(options.onTargetDone ? { onTargetDone: options.onTargetDone } : {}),
  });
  const collectMs = performance.now() - collectStarted;

  const evaluateStarted = performance.now();
  const ctx = { now: startedAt, settings: options.ruleSettings, lifecycle: lifecycleCatalogue };
  const evaluations: TargetEvaluation[] = [];
  for (const result of results) {
    if (!result.snapshot) continue;
    evaluations.push(
      evaluateSnapshot(result.snapshot, {
        rules: options.rules,
        ctx,
        ...(options.severityOverrides ? { severityOverrides: options.severityOverrides } : {}),
        ...(options.suppressions ? { suppressions: options.suppressions } : {}),
      }),
    );
  }
  const evaluateMs = performance.now() - evaluateStarted;

  const findings = evaluations.flatMap((e) => e.findings);
  const findingsPerTarget = new Map(
    evaluations.map((e) => [`${e.accountId}/${e.region}`, e.findings.length]),
  );
  const report: ScanReport = {
    runId: options.runId,
    startedAt: startedAt.toISOString(),
    finishedAt: options.now().toISOString(),
    generator: { name: 'estatescan', version: ESTATESCAN_VERSION, catalogueDate },
    targets: results.map((r) => ({
      accountId: r.accountId,
      region: r.region,
      status: r.status,
      durationMs: r.durationMs,
      findings: findingsPerTarget.get(`${r.accountId}/${r.region}`) ?? 0,
      errors: r.errors.length,
    })),
    findings,
    errors: [...(options.planErrors ?? []), ...results.flatMap((r) => r.errors)],
    skippedRules: evaluations.flatMap((e) =>
      e.skippedRules.map((s) => ({ ...s, accountId: e.accountId, region: e.region })),
    ),
    inventory: results.flatMap((r) => (r.snapshot ? inventoryRows(r.snapshot) : [])),
    lifecycle: results.flatMap((r) => (r.snapshot ? lifecycleEntries(r.snapshot, ctx) : [])),
    lifecycleWarningDays: options.ruleSettings.warningDays,
    rules: options.rules.map(reportRule),
    coverage: evaluations.flatMap((e) =>
      Object.entries(e.coverage ?? {}).map(([ruleId, c]) => ({
        ruleId,
        accountId: e.accountId,
        region: e.region,
        ...c,
      })),
    ),
    resourceTags: Object.assign({}, ...evaluations.map((e) => e.resourceTags ?? {})),
  };
  return { report, evaluations, results, timings: { collectMs, evaluateMs } };
}

/** A rule's metadata as reports quote it. */
export function reportRule(rule: Rule): ReportRule {
  return {
    id: rule.id,
    title: rule.title,
    severity: rule.severity,
    service: rule.service,
    resourceType: rule.resourceType,
    references: rule.references,
    consoleSteps: rule.remediation.console,
  };
}
