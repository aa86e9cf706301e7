/**
 * What every format writes beside a finding: its account's name, its resource's tags, its rule's
 * compliance controls and documentation, and how many resources the rule judged. One place, so
 * the formats agree.
 */
import type { RuleCoverage } from '../engine/evaluate.ts';
import type { Finding } from '../findings/types.ts';
import type { Tags } from '../inventory/types.ts';
import type { ReportRule, RuleCoverageRow, ScanReport } from './types.ts';

export function accountName(report: ScanReport, accountId: string): string {
  return report.accounts?.[accountId]?.name ?? accountId;
}

export function resourceTags(report: ScanReport, finding: Finding): Tags {
  return report.resourceTags?.[finding.findingId] ?? {};
}

const rulesByReport = new WeakMap<ScanReport, Map<string, ReportRule>>();

export function ruleOf(report: ScanReport, ruleId: string): ReportRule | undefined {
  let rules = rulesByReport.get(report);
  if (!rules || rules.size !== report.rules.length) {
    rules = new Map(report.rules.map((r) => [r.id, r]));
    rulesByReport.set(report, rules);
  }
  return rules.get(ruleId);
}

/** The rule's first documentation page: the Security Hub control's page where it has one. */
export function ruleDocumentationUrl(rule: ReportRule | undefined): string | undefined {
  return rule?.references?.docs[0];
}

/**
 * A rule's counts added up over the report's targets, or over those of one account and region.
 * Undefined when the rule declared no scope or was evaluated nowhere (its sources failed).
 */
export function coverageTotals(
  report: ScanReport,
  ruleId: string,
  where?: { accountId: string; region: string },
): RuleCoverage | undefined {
  const rows = (report.coverage ?? []).filter(
    (c: RuleCoverageRow) =>
      c.ruleId === ruleId && (!where || (c.accountId === where.accountId && c.region === where.region)),
  );
  if (!rows.length) return undefined;
  const total = { evaluated: 0, failed: 0, passed: 0, unevaluated: 0 };
  for (const row of rows) {
    total.evaluated += row.evaluated;
    total.failed += row.failed;
    total.passed += row.passed;
    total.unevaluated += row.unevaluated;
  }
  return total;
}

/**
 * A finding's remediation split back into the rule's console steps and the finding's own CLI
 * command, as the engine joined them (`1. … 2. … CLI: <command>`). Undefined when the text is not
 * in that shape (a rule the report does not know, or a text the finding budget cut).
 */
export function remediationParts(
  finding: Finding,
  rule: ReportRule | undefined,
): { steps: string[]; cli?: string } | undefined {
  if (!rule?.consoleSteps) return undefined;
  const steps = rule.consoleSteps.map((step, i) => `${i + 1}. ${step}`);
  const prefix = steps.join(' ');
  if (finding.remediation === prefix) return { steps };
  if (!finding.remediation.startsWith(`${prefix} CLI: `)) return undefined;
  return { steps, cli: finding.remediation.slice(prefix.length + ' CLI: '.length) };
}
