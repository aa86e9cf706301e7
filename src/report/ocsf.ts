/**
 * `--format ocsf`: OCSF 1.1 Detection Findings (class 2004), shaped as Prowler emits them so the same
 * pipelines (Amazon Security Lake, SIEM OCSF parsers) take both.
 *
 * One difference from Prowler: `time` and `finding_info.created_time` are milliseconds since the epoch,
 * as OCSF's `timestamp_t` defines them (Prowler writes seconds). The `_dt` twins carry the ISO strings.
 */
import type { Finding, FindingStatus, Severity } from '../findings/types.ts';
import { findingTypes } from './asff.ts';
import type { ScanReport } from './types.ts';

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

/** OCSF account `type_id` 10 is "AWS Account". */
const awsAccountTypeId = 10;

export interface OcsfDetectionFinding {
  category_uid: 2;
  category_name: 'Findings';
  class_uid: 2004;
  class_name: 'Detection Finding';
  type_uid: 200401;
  type_name: 'Detection Finding: Create';
  activity_id: 1;
  activity_name: 'Create';
  message: string;
  finding_info: {
    uid: string;
    title: string;
    desc: string;
    types: string[];
    name: string;
    created_time: number;
    created_time_dt: string;
    first_seen_time: number;
    first_seen_time_dt: string;
    last_seen_time: number;
    last_seen_time_dt: string;
  };
  severity_id: number;
  severity: string;
  status_id: number;
  status: string;
  status_code: 'FAIL' | 'PASS';
  status_detail: string;
  cloud: {
    provider: 'AWS';
    account: { uid: string; type: 'AWS Account'; type_id: number };
    region: string;
  };
  resources: {
    uid: string;
    name: string;
    type: string;
    region: string;
    cloud_partition: 'aws';
    group: { name: string };
    data: Record<string, unknown>;
  }[];
  remediation: { desc: string };
  metadata: {
    product: { uid: 'estatescan'; name: 'estatescan'; vendor_name: 'estatescan'; version: string };
    version: '1.1.0';
    event_code: string;
    profiles: ['cloud', 'datetime'];
  };
  time: number;
  time_dt: string;
  unmapped: Record<string, unknown>;
}

const millis = (iso: string) => new Date(iso).getTime();

export function toOcsf(finding: Finding, report: ScanReport): OcsfDetectionFinding {
  const severity = ocsfSeverities[finding.severity];
  const status = ocsfStatuses[finding.status];
  const service =
    report.rules.find((r) => r.id === finding.ruleId)?.service ?? finding.ruleId.split('-')[0] ?? '';
  return {
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2004,
    class_name: 'Detection Finding',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    activity_id: 1,
    activity_name: 'Create',
    message: finding.message,
    finding_info: {
      uid: finding.findingId,
      title: finding.title,
      desc: finding.message,
      types: findingTypes(finding.ruleId),
      name: finding.resourceId,
      created_time: millis(finding.firstSeen),
      created_time_dt: finding.firstSeen,
      first_seen_time: millis(finding.firstSeen),
      first_seen_time_dt: finding.firstSeen,
      last_seen_time: millis(finding.lastSeen),
      last_seen_time_dt: finding.lastSeen,
    },
    severity_id: severity.id,
    severity: severity.name,
    status_id: status.id,
    status: status.name,
    // Every estatescan finding is a failed check; a resolved one is a check that passes again.
    status_code: finding.status === 'resolved' ? 'PASS' : 'FAIL',
    status_detail: finding.message,
    cloud: {
      provider: 'AWS',
      account: { uid: finding.accountId, type: 'AWS Account', type_id: awsAccountTypeId },
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
        data: finding.evidence,
      },
    ],
    remediation: { desc: finding.remediation },
    metadata: {
      product: {
        uid: 'estatescan',
        name: 'estatescan',
        vendor_name: 'estatescan',
        version: report.generator.version,
      },
      version: '1.1.0',
      event_code: finding.ruleId,
      profiles: ['cloud', 'datetime'],
    },
    time: millis(report.finishedAt),
    time_dt: report.finishedAt,
    unmapped: {
      run_id: report.runId,
      catalogue_date: report.generator.catalogueDate,
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
