/**
 * `--format asff`: AWS Security Finding Format, built exactly as `--security-hub` imports it.
 *
 * With the default product ARN (`arn:aws:securityhub:<region>:<account>:product/<account>/default`)
 * Security Hub accepts a finding only from the account named in its `AwsAccountId`, in the Region
 * of its `ProductArn`, at most 100 per `BatchImportFindings` call. So the file is a list of batches,
 * one or more per account and Region, each at most 100 findings: `{"AwsAccountId", "Region",
 * "Findings"}`, where `{"Findings": …}` is the request body to send with that account's credentials.
 *
 * Limits (AwsSecurityFinding API reference): a finding ≤ 240 KB; Title ≤ 256 characters,
 * Description ≤ 1024, Remediation.Recommendation.Text ≤ 512, Resources[].Details.Other up to 50
 * string pairs with keys under 128 and values under 1024 characters, ProductFields up to 50 pairs
 * with values up to 2048 characters, Compliance.RelatedRequirements up to 32 items.
 *
 * After a finding exists, `BatchImportFindings` no longer changes its `Workflow` (only
 * `BatchUpdateFindings` does) and takes a severity change only through `FindingProviderFields`:
 * both are set here, and `--security-hub` sends the workflow updates (src/securityhub/sync.ts).
 */
import { complianceRequirements } from '../engine/compliance.ts';
import type { Finding, Severity } from '../findings/types.ts';
import { cut } from '../text/sanitize.ts';
import { remediationParts, resourceTags, ruleDocumentationUrl, ruleOf } from './context.ts';
import type { ScanReport } from './types.ts';

export const asffLimits = {
  /** Findings per `BatchImportFindings` call. */
  batch: 100,
  /** Bytes of one finding's JSON. */
  findingBytes: 240 * 1024,
  title: 256,
  description: 1024,
  recommendation: 512,
  url: 512,
  otherPairs: 50,
  otherKey: 127,
  otherValue: 1023,
  productFieldValue: 2048,
  relatedRequirements: 32,
  tags: 50,
  accountName: 50,
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
export type AsffWorkflowStatus = 'NEW' | 'NOTIFIED' | 'SUPPRESSED' | 'RESOLVED';

export interface AsffFinding {
  SchemaVersion: '2018-10-08';
  Id: string;
  ProductArn: string;
  ProductName: 'estatescan';
  CompanyName: 'estatescan';
  GeneratorId: string;
  AwsAccountId: string;
  AwsAccountName?: string;
  Region: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  FirstObservedAt: string;
  LastObservedAt: string;
  Severity: { Label: AsffSeverityLabel; Original: string };
  FindingProviderFields: { Severity: { Label: AsffSeverityLabel; Original: string }; Types: string[] };
  Title: string;
  Description: string;
  Remediation?: { Recommendation: { Text: string; Url?: string } };
  Resources: {
    Type: string;
    Id: string;
    Partition: 'aws';
    Region: string;
    Tags?: Record<string, string>;
    Details?: { Other: Record<string, string> };
  }[];
  Compliance: { Status: 'FAILED' | 'PASSED'; RelatedRequirements?: string[] };
  Workflow: { Status: AsffWorkflowStatus };
  RecordState: 'ACTIVE' | 'ARCHIVED';
  ProductFields: Record<string, string>;
}

/** One `BatchImportFindings` request: findings of one account and Region, at most 100. */
export interface AsffBatch {
  AwsAccountId: string;
  Region: string;
  Findings: AsffFinding[];
}

/** The product ARN a finding of this account and Region is imported under. */
export function defaultProductArn(accountId: string, region: string, partition = 'aws'): string {
  return `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

/** The prefix of every estatescan `GeneratorId`, by which its findings are told from others. */
export const GENERATOR_PREFIX = 'estatescan/';

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
function evidenceToOther(
  evidence: Record<string, unknown>,
  valueMax: number,
): Record<string, string> | undefined {
  const entries = Object.entries(evidence).slice(0, asffLimits.otherPairs);
  if (!entries.length) return undefined;
  return Object.fromEntries(
    entries.map(([key, value]) => [
      cut(key, asffLimits.otherKey),
      cut(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''), valueMax),
    ]),
  );
}

const MORE_STEPS = ' (all steps at the Url)';

/**
 * `Remediation.Recommendation.Text` within 512 characters, its CLI command whole: the rule's console
 * steps are dropped from the end (the Url has them all) before the command is cut. A command that
 * alone exceeds the limit is left out of the text; `ProductFields` carries it whole.
 */
export function recommendationText(finding: Finding, report: ScanReport): string {
  const max = asffLimits.recommendation;
  if (finding.remediation.length <= max) return finding.remediation;
  const parts = remediationParts(finding, ruleOf(report, finding.ruleId));
  if (!parts) return cut(finding.remediation, max);
  const command = parts.cli ? `CLI: ${parts.cli}` : '';
  if (command.length + 1 + MORE_STEPS.length > max) {
    return cut(`${parts.steps.join(' ')} CLI: see ProductFields estatescan/remediationCli.`, max);
  }
  let steps = '';
  for (const step of parts.steps) {
    const next = steps ? `${steps} ${step}` : step;
    if (next.length + MORE_STEPS.length + 1 + command.length > max) break;
    steps = next;
  }
  if (!steps) {
    steps = cut(parts.steps[0] ?? '', max - MORE_STEPS.length - 1 - command.length);
  }
  return [`${steps}${MORE_STEPS}`, command].filter(Boolean).join(' ');
}

function tagsWithinLimits(tags: Record<string, string>): Record<string, string> | undefined {
  const entries = Object.entries(tags).slice(0, asffLimits.tags);
  // AWS tag limits (128/256) are Security Hub's too; tags from elsewhere are cut to them.
  return entries.length ? Object.fromEntries(entries.map(([k, v]) => [cut(k, 128), cut(v, 256)])) : undefined;
}

const findingBytes = (f: AsffFinding) => Buffer.byteLength(JSON.stringify(f), 'utf8');

export function toAsff(finding: Finding, report: ScanReport): AsffFinding {
  const { accountId, region } = finding;
  const rule = ruleOf(report, finding.ruleId);
  const parts = remediationParts(finding, rule);
  const productFields: Record<string, string> = {
    'estatescan/ruleId': finding.ruleId,
    'estatescan/resourceId': cut(finding.resourceId, asffLimits.productFieldValue),
    'estatescan/runId': report.runId,
    'estatescan/version': report.generator.version,
  };
  if (parts?.cli) productFields['estatescan/remediationCli'] = cut(parts.cli, asffLimits.productFieldValue);
  if (finding.suppression) {
    productFields['estatescan/suppression/reason'] = cut(
      finding.suppression.reason,
      asffLimits.productFieldValue,
    );
    productFields['estatescan/suppression/owner'] = cut(
      finding.suppression.owner,
      asffLimits.productFieldValue,
    );
    productFields['estatescan/suppression/expiresAt'] = finding.suppression.expiresAt;
  }
  const severity = { Label: severityLabels[finding.severity], Original: finding.severity };
  const types = findingTypes(finding.ruleId);
  const requirements = complianceRequirements(rule?.references).slice(0, asffLimits.relatedRequirements);
  const url = ruleDocumentationUrl(rule);
  const name = report.accounts?.[accountId]?.name;
  const tags = tagsWithinLimits(resourceTags(report, finding));
  const build = (otherValueMax: number): AsffFinding => {
    const other = evidenceToOther(finding.evidence, otherValueMax);
    return {
      SchemaVersion: '2018-10-08',
      Id: finding.findingId,
      ProductArn: defaultProductArn(accountId, region),
      ProductName: 'estatescan',
      CompanyName: 'estatescan',
      GeneratorId: `${GENERATOR_PREFIX}${finding.ruleId}`,
      AwsAccountId: accountId,
      ...(name ? { AwsAccountName: cut(name, asffLimits.accountName) } : {}),
      Region: region,
      Types: types,
      CreatedAt: finding.firstSeen,
      // Security Hub only replaces a stored finding when UpdatedAt moves forward.
      UpdatedAt: finding.resolvedAt ?? finding.lastSeen,
      FirstObservedAt: finding.firstSeen,
      LastObservedAt: finding.lastSeen,
      Severity: severity,
      // What a provider may still change once the finding exists: the severity of a rescan.
      FindingProviderFields: { Severity: severity, Types: types },
      Title: cut(`${finding.title}: ${finding.resourceId}`, asffLimits.title),
      // Description and Recommendation.Text must not be empty when present.
      Description: cut(finding.message || finding.title, asffLimits.description),
      ...(finding.remediation.trim()
        ? {
            Remediation: {
              Recommendation: {
                Text: recommendationText(finding, report),
                ...(url && url.length <= asffLimits.url ? { Url: url } : {}),
              },
            },
          }
        : {}),
      Resources: [
        {
          Type: finding.resourceType,
          Id: finding.resourceArn ?? finding.resourceId,
          Partition: 'aws',
          Region: region,
          ...(tags ? { Tags: tags } : {}),
          ...(other ? { Details: { Other: other } } : {}),
        },
      ],
      // A resolved finding passed this scan's check; open and suppressed ones still fail it.
      Compliance: {
        Status: finding.status === 'resolved' ? 'PASSED' : 'FAILED',
        ...(requirements.length ? { RelatedRequirements: requirements } : {}),
      },
      Workflow: { Status: workflowStatuses[finding.status] },
      RecordState: finding.status === 'resolved' ? 'ARCHIVED' : 'ACTIVE',
      ProductFields: productFields,
    };
  };
  // Evidence is budgeted far below 240 KB, but multi-byte text counts thrice: halve the evidence
  // values until the finding fits rather than have Security Hub refuse it.
  let valueMax: number = asffLimits.otherValue;
  let asff = build(valueMax);
  while (findingBytes(asff) > asffLimits.findingBytes && valueMax > 16) {
    valueMax = Math.floor(valueMax / 2);
    asff = build(valueMax);
  }
  return asff;
}

/** Findings grouped by account and Region (in report order), in batches of at most `size`. */
export function asffBatches(findings: readonly AsffFinding[], size: number = asffLimits.batch): AsffBatch[] {
  const groups = new Map<string, AsffFinding[]>();
  for (const f of findings) {
    const key = `${f.AwsAccountId}/${f.Region}`;
    const group = groups.get(key);
    if (group) group.push(f);
    else groups.set(key, [f]);
  }
  const batches: AsffBatch[] = [];
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += size) {
      const first = group[i] as AsffFinding;
      batches.push({
        AwsAccountId: first.AwsAccountId,
        Region: first.Region,
        Findings: group.slice(i, i + size),
      });
    }
  }
  return batches;
}

export function renderAsff(report: ScanReport): string {
  return `${JSON.stringify(asffBatches(report.findings.map((f) => toAsff(f, report))), null, 2)}\n`;
}
