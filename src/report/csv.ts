/**
 * `--format csv`: one row per finding, for spreadsheets and ticket imports. Cells go through the CLI's
 * CSV writer, which quotes and defuses spreadsheet formulas. Beside the finding: its account's name,
 * its resource's tags, the compliance controls of its rule, and how many resources the rule judged
 * in the finding's account and region ("3 of 40 buckets").
 */

import { renderCsv } from '../cli/table.ts';
import { complianceRequirements } from '../engine/compliance.ts';
import type { Finding } from '../findings/types.ts';
import { accountName, coverageTotals, resourceTags, ruleDocumentationUrl, ruleOf } from './context.ts';
import type { ScanReport } from './types.ts';

type FindingColumn = { header: string; value: (f: Finding, report: ScanReport) => string };

const count = (n: number | undefined) => (n === undefined ? '' : String(n));

export const findingCsvColumns: FindingColumn[] = [
  { header: 'finding_id', value: (f) => f.findingId },
  { header: 'severity', value: (f) => f.severity },
  { header: 'status', value: (f) => f.status },
  { header: 'rule_id', value: (f) => f.ruleId },
  { header: 'title', value: (f) => f.title },
  { header: 'account_id', value: (f) => f.accountId },
  { header: 'account_name', value: (f, r) => accountName(r, f.accountId) },
  { header: 'region', value: (f) => f.region },
  { header: 'resource_type', value: (f) => f.resourceType },
  { header: 'resource_id', value: (f) => f.resourceId },
  { header: 'resource_arn', value: (f) => f.resourceArn ?? '' },
  {
    header: 'resource_tags',
    value: (f, r) =>
      Object.entries(resourceTags(r, f))
        .map(([k, v]) => `${k}=${v}`)
        .join('; '),
  },
  { header: 'message', value: (f) => f.message },
  { header: 'remediation', value: (f) => f.remediation },
  { header: 'remediation_url', value: (f, r) => ruleDocumentationUrl(ruleOf(r, f.ruleId)) ?? '' },
  {
    header: 'compliance',
    value: (f, r) => complianceRequirements(ruleOf(r, f.ruleId)?.references).join('; '),
  },
  { header: 'rule_evaluated', value: (f, r) => count(coverageTotals(r, f.ruleId, f)?.evaluated) },
  { header: 'rule_failed', value: (f, r) => count(coverageTotals(r, f.ruleId, f)?.failed) },
  { header: 'rule_passed', value: (f, r) => count(coverageTotals(r, f.ruleId, f)?.passed) },
  { header: 'first_seen', value: (f) => f.firstSeen },
  { header: 'last_seen', value: (f) => f.lastSeen },
  { header: 'resolved_at', value: (f) => f.resolvedAt ?? '' },
  { header: 'suppression_reason', value: (f) => f.suppression?.reason ?? '' },
  { header: 'suppression_owner', value: (f) => f.suppression?.owner ?? '' },
  { header: 'suppression_expires', value: (f) => f.suppression?.expiresAt ?? '' },
  { header: 'evidence', value: (f) => JSON.stringify(f.evidence) },
];

export function renderFindingsCsv(report: ScanReport): string {
  return renderCsv(
    report.findings,
    findingCsvColumns.map((c) => ({ header: c.header, value: (f: Finding) => c.value(f, report) })),
  );
}
