/**
 * `--format ocsf`: OCSF 1.5.0 Detection Findings (class 2004), the schema version py-ocsf-models
 * (the model Prowler validates its own OCSF output with) implements. Every attribute written is the
 * schema's; test/integration/report/ocsf-validation.test.ts validates a whole scan with that model.
 *
 * Where things go:
 * - the account's name (from Organizations, else its id) in `cloud.account.name`, which the
 *   schema requires; the organization in `cloud.org.uid` when known;
 * - the resource's tags in `resources[].tags` (`key_value_object`s, OCSF 1.5);
 * - the rule in `finding_info.analytic` (type Rule), its documentation in `remediation.references`;
 * - the lifecycle in the status fields: open → `New`, suppressed → `Suppressed`, resolved →
 *   `Resolved` with `status_code` PASS and the activity `Close`; a finding seen before is an
 *   `Update`;
 * - compliance controls: a Detection Finding has no compliance attribute (OCSF keeps `compliance`
 *   for the Compliance Finding class), so they go in `unmapped.compliance`, the place the schema
 *   gives a producer's attributes it does not define, as `{standard: [control ids]}` — the shape
 *   Prowler writes there too. So do the run id, the suppression and the rule's coverage counts.
 *
 * `time` and the other `_time` attributes are milliseconds since the epoch, as OCSF's
 * `timestamp_t` defines them (Prowler writes seconds). The `_dt` twins carry the ISO strings.
 */
import { complianceOf } from '../engine/compliance.ts';
import type { Finding, FindingStatus, Severity } from '../findings/types.ts';
import { findingTypes } from './asff.ts';
import { accountName, coverageTotals, resourceTags, ruleDocumentationUrl, ruleOf } from './context.ts';
import type { ScanReport } from './types.ts';

export const OCSF_VERSION = '1.5.0';

export const ocsfSeverities: Record<Severity, { id: number; name: string }> = {
  critical: { id: 5, name: 'Critical' },
  high: { id: 4, name: 'High' },
  medium: { id: 3, name: 'Medium' },
  low: { id: 2, name: 'Low' },
  info: { id: 1, name: 'Informational' },
};

export const ocsfStatuses: Record<FindingStatus, { id: number; name: string }> = {
  open: { id: 1, name: 'New' },
  suppressed: { id: 3, name: 'Suppressed' },
  resolved: { id: 4, name: 'Resolved' },
};

const activities = {
  create: { id: 1, name: 'Create' },
  update: { id: 2, name: 'Update' },
  close: { id: 3, name: 'Close' },
} as const;

/** OCSF account `type_id` 10 is "AWS Account"; analytic `type_id` 1 is "Rule". */
const awsAccountTypeId = 10;
const ruleAnalyticTypeId = 1;

export interface OcsfDetectionFinding {
  category_uid: 2;
  category_name: 'Findings';
  class_uid: 2004;
  class_name: 'Detection Finding';
  type_uid: number;
  type_name: string;
  activity_id: number;
  activity_name: string;
  message: string;
  finding_info: {
    uid: string;
    title: string;
    desc: string;
    types: string[];
    analytic: { uid: string; name: string; type: 'Rule'; type_id: number; category?: string };
    src_url?: string;
    created_time: number;
    created_time_dt: string;
    first_seen_time: number;
    first_seen_time_dt: string;
    last_seen_time: number;
    last_seen_time_dt: string;
    modified_time?: number;
    modified_time_dt?: string;
  };
  severity_id: number;
  severity: string;
  status_id: number;
  status: string;
  status_code: 'FAIL' | 'PASS';
  status_detail: string;
  cloud: {
    provider: 'AWS';
    account: { uid: string; name: string; type: 'AWS Account'; type_id: number };
    org?: { uid: string };
    region: string;
  };
  resources: {
    uid: string;
    name: string;
    type: string;
    region: string;
    cloud_partition: 'aws';
    group: { name: string };
    tags?: { name: string; value: string }[];
    data: Record<string, unknown>;
  }[];
  remediation: { desc: string; references?: string[] };
  metadata: {
    product: { uid: 'estatescan'; name: 'estatescan'; vendor_name: 'estatescan'; version: string };
    version: typeof OCSF_VERSION;
    event_code: string;
    profiles: ['cloud', 'datetime'];
  };
  time: number;
  time_dt: string;
  unmapped: Record<string, unknown>;
}

const millis = (iso: string) => new Date(iso).getTime();

function activityOf(finding: Finding) {
  if (finding.status === 'resolved') return activities.close;
  return finding.firstSeen === finding.lastSeen ? activities.create : activities.update;
}

function statusDetail(finding: Finding): string {
  if (finding.status === 'suppressed' && finding.suppression) {
    const { owner, expiresAt, reason } = finding.suppression;
    return `Suppressed by ${owner} until ${expiresAt}: ${reason}`;
  }
  if (finding.status === 'resolved') {
    return `Resolved${finding.resolvedAt ? ` on ${finding.resolvedAt}` : ''}: the check passes again.`;
  }
  return finding.message;
}

export function toOcsf(finding: Finding, report: ScanReport): OcsfDetectionFinding {
  const severity = ocsfSeverities[finding.severity];
  const status = ocsfStatuses[finding.status];
  const activity = activityOf(finding);
  const rule = ruleOf(report, finding.ruleId);
  const service = rule?.service ?? finding.ruleId.split('-')[0] ?? '';
  const docs = rule?.references?.docs ?? [];
  const url = ruleDocumentationUrl(rule);
  const tags = Object.entries(resourceTags(report, finding)).map(([name, value]) => ({ name, value }));
  const compliance = Object.fromEntries(
    complianceOf(rule?.references).map((c) => [c.standard, c.controls] as const),
  );
  const coverage = coverageTotals(report, finding.ruleId, finding);
  const org = report.accounts?.[finding.accountId]?.organizationId;
  return {
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2004,
    class_name: 'Detection Finding',
    type_uid: 200400 + activity.id,
    type_name: `Detection Finding: ${activity.name}`,
    activity_id: activity.id,
    activity_name: activity.name,
    message: finding.message,
    finding_info: {
      uid: finding.findingId,
      title: finding.title,
      desc: finding.message,
      types: findingTypes(finding.ruleId),
      analytic: {
        uid: finding.ruleId,
        name: finding.ruleId,
        type: 'Rule',
        type_id: ruleAnalyticTypeId,
        ...(service ? { category: service } : {}),
      },
      ...(url ? { src_url: url } : {}),
      created_time: millis(finding.firstSeen),
      created_time_dt: finding.firstSeen,
      first_seen_time: millis(finding.firstSeen),
      first_seen_time_dt: finding.firstSeen,
      last_seen_time: millis(finding.lastSeen),
      last_seen_time_dt: finding.lastSeen,
      ...(finding.resolvedAt
        ? { modified_time: millis(finding.resolvedAt), modified_time_dt: finding.resolvedAt }
        : {}),
    },
    severity_id: severity.id,
    severity: severity.name,
    status_id: status.id,
    status: status.name,
    // Every estatescan finding is a failed check; a resolved one is a check that passes again.
    status_code: finding.status === 'resolved' ? 'PASS' : 'FAIL',
    status_detail: statusDetail(finding),
    cloud: {
      provider: 'AWS',
      account: {
        uid: finding.accountId,
        name: accountName(report, finding.accountId),
        type: 'AWS Account',
        type_id: awsAccountTypeId,
      },
      ...(org ? { org: { uid: org } } : {}),
      region: finding.region,
    },
    resources: [
      {
        uid: finding.resourceArn ?? finding.resourceId,
        name: finding.resourceId,
        type: finding.resourceType,
        region: finding.region,
        cloud_partition: 'aws',
        group: { name: service },
        ...(tags.length ? { tags } : {}),
        data: finding.evidence,
      },
    ],
    remediation: { desc: finding.remediation, ...(docs.length ? { references: [...docs] } : {}) },
    metadata: {
      product: {
        uid: 'estatescan',
        name: 'estatescan',
        vendor_name: 'estatescan',
        version: report.generator.version,
      },
      version: OCSF_VERSION,
      event_code: finding.ruleId,
      profiles: ['cloud', 'datetime'],
    },
    time: millis(report.finishedAt),
    time_dt: report.finishedAt,
    unmapped: {
      run_id: report.runId,
      catalogue_date: report.generator.catalogueDate,
      ...(Object.keys(compliance).length ? { compliance } : {}),
      ...(coverage
        ? {
            rule_coverage: {
              evaluated: coverage.evaluated,
              failed: coverage.failed,
              passed: coverage.passed,
            },
          }
        : {}),
      ...(finding.resolvedAt ? { resolved_at: finding.resolvedAt } : {}),
      ...(finding.suppression ? { suppression: finding.suppression } : {}),
    },
  };
}

export function renderOcsf(report: ScanReport): string {
  return `${JSON.stringify(
    report.findings.map((f) => toOcsf(f, report)),
    null,
    2,
  )}\n`;
}
