/**
 * `--format asff`: AWS Security Finding Format, ready for `securityhub:BatchImportFindings`.
 *
 * The output is one JSON array with every finding. Splitting it is the caller's business:
 * BatchImportFindings takes at most 100 findings (and 240 KB) per request, and each finding must be
 * sent to the Region named in its `ProductArn` (here the finding's own Region), so group by Region and
 * send batches of up to 100.
 *
 * Limits (AwsSecurityFinding API reference): Title ≤ 256 characters, Description ≤ 1024,
 * Remediation.Recommendation.Text ≤ 512, GeneratorId and Id ≤ 512, Resources[].Details.Other up to 50
 * string pairs with keys under 128 and values under 1024 characters, ProductFields up to 50 pairs with
 * values up to 2048 characters.
 */
import type { Finding, Severity } from '../findings/types.ts';
import { cut } from '../text/sanitize.ts';
import type { ScanReport } from './types.ts';

export const asffLimits = {
  title: 256,
  description: 1024,
  recommendation: 512,
  otherPairs: 50,
  otherKey: 127,
  otherValue: 1023,
  productFieldValue: 2048,
} as const;

const severityLabels: Record<Severity, AsffSeverityLabel> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFORMATIONAL',
};

const workflowStatuses = { open: 'NEW', suppressed: 'SUPPRESSED', resolved: 'RESOLVED' } as const;

export type AsffSeverityLabel = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';

export interface AsffFinding {
  SchemaVersion: '2018-10-08';
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  Region: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  FirstObservedAt: string;
  LastObservedAt: string;
  Severity: { Label: AsffSeverityLabel; Original: string };
  Title: string;
  Description: string;
  Remediation?: { Recommendation: { Text: string } };
  Resources: {
    Type: string;
    Id: string;
    Partition: 'aws';
    Region: string;
    Details?: { Other: Record<string, string> };
  }[];
  Compliance: { Status: 'FAILED' | 'PASSED' };
  Workflow: { Status: 'NEW' | 'SUPPRESSED' | 'RESOLVED' };
  RecordState: 'ACTIVE' | 'ARCHIVED';
  ProductFields: Record<string, string>;
}

/**
 * Security Hub finding types (`namespace/category/classifier`). Exposure rules are network
 * reachability checks; everything else, end-of-life included, is a best-practice check (there is no
 * CVE to name for an unsupported OS).
 */
export function findingTypes(ruleId: string): string[] {
  const base = 'Software and Configuration Checks/AWS Security Best Practices';
  return /open-ingress|public/.test(ruleId) ? [`${base}/Network Reachability`] : [base];
}

/** Evidence flattened to `Other`'s string map: nested values as compact JSON, within the limits. */
function evidenceToOther(evidence: Record<string, unknown>): Record<string, string> | undefined {
  const entries = Object.entries(evidence).slice(0, asffLimits.otherPairs);
  if (!entries.length) return undefined;
  return Object.fromEntries(
    entries.map(([key, value]) => [
      cut(key, asffLimits.otherKey),
      cut(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''), asffLimits.otherValue),
    ]),
  );
}

export function toAsff(finding: Finding, report: ScanReport): AsffFinding {
  const { accountId, region } = finding;
  const other = evidenceToOther(finding.evidence);
  const productFields: Record<string, string> = {
    'estatescan/ruleId': finding.ruleId,
    'estatescan/runId': report.runId,
    'estatescan/version': report.generator.version,
  };
  if (finding.suppression) {
    productFields['estatescan/suppression/reason'] = cut(
      finding.suppression.reason,
      asffLimits.productFieldValue,
    );
    productFields['estatescan/suppression/owner'] = finding.suppression.owner;
    productFields['estatescan/suppression/expiresAt'] = finding.suppression.expiresAt;
  }
  return {
    SchemaVersion: '2018-10-08',
    Id: finding.findingId,
    ProductArn: `arn:aws:securityhub:${region}:${accountId}:product/${accountId}/default`,
    GeneratorId: `estatescan/${finding.ruleId}`,
    AwsAccountId: accountId,
    Region: region,
    Types: findingTypes(finding.ruleId),
    CreatedAt: finding.firstSeen,
    // Security Hub only replaces a stored finding when UpdatedAt moves forward.
    UpdatedAt: finding.resolvedAt ?? finding.lastSeen,
    FirstObservedAt: finding.firstSeen,
    LastObservedAt: finding.lastSeen,
    Severity: { Label: severityLabels[finding.severity], Original: finding.severity },
    Title: cut(`${finding.title}: ${finding.resourceId}`, asffLimits.title),
    // Description and Recommendation.Text must not be empty when present.
    Description: cut(finding.message || finding.title, asffLimits.description),
    ...(finding.remediation.trim()
      ? {
          Remediation: { Recommendation: { Text: cut(finding.remediation, asffLimits.recommendation) } },
        }
      : {}),
    Resources: [
      {
        Type: finding.resourceType,
        Id: finding.resourceArn ?? finding.resourceId,
        Partition: 'aws',
        Region: region,
        ...(other ? { Details: { Other: other } } : {}),
      },
    ],
    // A resolved finding passed this scan's check; open and suppressed ones still fail it.
    Compliance: { Status: finding.status === 'resolved' ? 'PASSED' : 'FAILED' },
    Workflow: { Status: workflowStatuses[finding.status] },
    RecordState: finding.status === 'resolved' ? 'ARCHIVED' : 'ACTIVE',
    ProductFields: productFields,
  };
}

export function renderAsff(report: ScanReport): string {
  return `${JSON.stringify(
    report.findings.map((f) => toAsff(f, report)),
    null,
    2,
  )}\n`;
}
