/**
 * `--format json`: the scan's result for machines. Beside the findings: the accounts' names, each
 * finding's resource tags, the rules with their compliance controls, and per rule and target how
 * many resources it judged (`coverage`). Inventory rows and the lifecycle timeline stay out: they are
 * report decoration, and `estatescan inventory --format json` carries the full snapshots.
 */
import { complianceOf } from '../engine/compliance.ts';
import type { ScanReport } from './types.ts';

export function renderJson(report: ScanReport): string {
  const { runId, startedAt, finishedAt, generator, targets, findings, errors, skippedRules } = report;
  const rules = report.rules.map(({ consoleSteps: _steps, ...rule }) => ({
    ...rule,
    compliance: complianceOf(rule.references),
  }));
  return `${JSON.stringify(
    {
      runId,
      startedAt,
      finishedAt,
      generator,
      accounts: report.accounts ?? {},
      targets,
      findings,
      resourceTags: report.resourceTags ?? {},
      rules,
      coverage: report.coverage ?? [],
      errors,
      skippedRules,
    },
    null,
    2,
  )}\n`;
}
