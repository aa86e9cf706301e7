/**
 * `--format csv`: one row per finding, for spreadsheets and ticket imports. Cells go through the CLI's
 * CSV writer, which quotes and defuses spreadsheet formulas.
 */

import { renderCsv } from '../cli/table.ts';
import type { Finding } from '../findings/types.ts';
import type { ScanReport } from './types.ts';

export const findingCsvColumns: { header: string; value: (f: Finding) => string }[] = [
  { header: 'finding_id', value: (f) => f.findingId },
  { header: 'severity', value: (f) => f.severity },
  { header: 'status', value: (f) => f.status },
  { header: 'rule_id', value: (f) => f.ruleId },
  { header: 'title', value: (f) => f.title },
  { header: 'account_id', value: (f) => f.accountId },
  { header: 'region', value: (f) => f.region },
  { header: 'resource_type', value: (f) => f.resourceType },
  { header: 'resource_id', value: (f) => f.resourceId },
  { header: 'resource_arn', value: (f) => f.resourceArn ?? '' },
  { header: 'message', value: (f) => f.message },
  { header: 'remediation', value: (f) => f.remediation },
  { header: 'first_seen', value: (f) => f.firstSeen },
  { header: 'last_seen', value: (f) => f.lastSeen },
  { header: 'resolved_at', value: (f) => f.resolvedAt ?? '' },
  { header: 'suppression_reason', value: (f) => f.suppression?.reason ?? '' },
  { header: 'suppression_owner', value: (f) => f.suppression?.owner ?? '' },
  { header: 'suppression_expires', value: (f) => f.suppression?.expiresAt ?? '' },
  { header: 'evidence', value: (f) => JSON.stringify(f.evidence) },
];

export function renderFindingsCsv(report: ScanReport): string {
  return renderCsv(report.findings, findingCsvColumns);
}
