/**
 * `--format table`: the terminal report. Findings grouped by severity (worst first), a count per
 * severity, then what the scan could not see: incomplete targets and rules left unevaluated. Plain
 * text, so it reads the same in a terminal, a CI log and a pasted ticket.
 */
import {
  type Column,
  cutNote,
  type FittedTable,
  fitTable,
  paint,
  severityColors,
  type TableLayout,
} from '../cli/table.ts';
import { type Finding, type Severity, severities, severityRank } from '../findings/types.ts';
import { plural } from '../text/plural.ts';
import { forTerminal } from '../text/sanitize.ts';
import { coverageTotals } from './context.ts';
import type { ScanReport, TargetSummary } from './types.ts';

/** Worst first, then by account, region, rule and resource, so every format lists findings alike. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    a.accountId.localeCompare(b.accountId) ||
    a.region.localeCompare(b.region) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.resourceId.localeCompare(b.resourceId)
  );
}

export function countByStatus(findings: readonly Finding[]): Record<Finding['status'], number> {
  const counts = { open: 0, suppressed: 0, resolved: 0 };
  for (const f of findings) counts[f.status] += 1;
  return counts;
}

/** The columns of a severity's findings; `status` only when some are not open. */
function findingColumns(group: readonly Finding[]): Column<Finding>[] {
  return [
    { header: 'account', value: (f) => f.accountId },
    { header: 'region', value: (f) => f.region },
    { header: 'rule', value: (f) => f.ruleId },
    { header: 'resource', value: (f) => f.resourceId, kind: 'id' },
    ...(group.some((f) => f.status !== 'open')
      ? [{ header: 'status', value: (f: Finding) => f.status } satisfies Column<Finding>]
      : []),
    { header: 'message', value: (f) => f.message, kind: 'text', min: 20 },
  ];
}

function statusSummary(findings: readonly Finding[]): string {
  const counts = countByStatus(findings);
  const parts = [`${counts.open} open`];
  if (counts.suppressed) parts.push(`${counts.suppressed} suppressed`);
  if (counts.resolved) parts.push(`${counts.resolved} resolved`);
  return parts.join(', ');
}

function targetLine(t: TargetSummary, report: ScanReport): string {
  const errors = report.errors.filter((e) => e.accountId === t.accountId && e.region === t.region);
  const detail = errors.map((e) => `${e.operation} ${e.code}`).join('; ');
  return `  ${t.status.padEnd(7)} ${forTerminal(`${t.accountId} ${t.region}${detail ? ` — ${detail}` : ''}`)}`;
}

/**
 * The terminal report. With `layout.width`, each table fits it (messages are cut first, resource
 * ids never); with `layout.color`, severities are coloured.
 */
export function renderFindingsTable(report: ScanReport, layout: TableLayout = {}): string {
  const parts: string[] = [];
  const fitted: FittedTable[] = [];
  const targets = plural(report.targets.length, 'target');
  parts.push(`estatescan scan ${report.runId} · ${report.startedAt} → ${report.finishedAt}`);

  if (report.findings.length === 0) {
    parts.push(`\nNo findings in ${targets}.`);
  } else {
    const sorted = [...report.findings].sort(compareFindings);
    const groups = new Map<Severity, Finding[]>();
    for (const f of sorted) groups.set(f.severity, [...(groups.get(f.severity) ?? []), f]);
    for (const severity of severities) {
      const group = groups.get(severity);
      if (!group) continue;
      const table = fitTable(group, findingColumns(group), layout);
      fitted.push(table);
      const heading = paint(
        `${severity.toUpperCase()} (${group.length})`,
        severityColors[severity],
        layout.color,
      );
      parts.push(`\n${heading}\n${table.text}`);
    }
    const width = Math.max(...severities.map((s) => s.length));
    parts.push(
      `\nSummary: ${plural(report.findings.length, 'finding')} in ${targets}`,
      ...severities.map(
        (s) =>
          `  ${paint(s.padEnd(width), severityColors[s], layout.color)}  ${statusSummary(groups.get(s) ?? [])}`,
      ),
    );
  }

  const coverage = coverageLines(report);
  if (coverage.length) parts.push('\nResources failed of those evaluated, by rule', ...coverage);

  const incomplete = report.targets.filter((t) => t.status !== 'ok');
  if (incomplete.length) {
    parts.push(
      `\nIncomplete targets (${incomplete.length} of ${report.targets.length}): findings there may be missing`,
      ...incomplete.map((t) => targetLine(t, report)),
    );
  }
  if (report.skippedRules.length) {
    parts.push(
      `\nRules not evaluated (${report.skippedRules.length})`,
      ...report.skippedRules.map(
        (s) =>
          `  ${forTerminal(`${s.accountId} ${s.region} ${s.ruleId}: ${s.message.startsWith('not evaluated') ? s.message : `not evaluated: ${s.message}`}`)}`,
      ),
    );
  }
  const note = cutNote(layout, fitted);
  if (note) parts.push(`\n${note}`);
  return `${parts.join('\n')}\n`;
}

/** `     3 of 40  s3-bucket-versioning-disabled`: every rule that judged something, worst share first. */
function coverageLines(report: ScanReport): string[] {
  const rows = report.rules.flatMap((rule) => {
    const c = coverageTotals(report, rule.id);
    return c && c.evaluated > 0 ? [{ id: rule.id, c, text: `${c.failed} of ${c.evaluated}` }] : [];
  });
  rows.sort((a, b) => b.c.failed / b.c.evaluated - a.c.failed / a.c.evaluated || a.id.localeCompare(b.id));
  const width = Math.max(0, ...rows.map((r) => r.text.length));
  return rows.map((r) => `  ${r.text.padStart(width)}  ${r.id}`);
}
