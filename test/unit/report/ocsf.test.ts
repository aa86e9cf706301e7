import { describe, expect, it } from 'vitest';
import { type OcsfDetectionFinding, renderOcsf, toOcsf } from '../../../src/report/ocsf.ts';
import { makeReport, PROD, REPORT_NOW } from '../../fixtures/report.ts';

describe('renderOcsf', () => {
  it('writes a JSON array of OCSF 1.1 Detection Findings (class 2004, create activity)', () => {
    // Prepare
    const report = makeReport();

    // Act
    const events: OcsfDetectionFinding[] = JSON.parse(renderOcsf(report));

    // Assess
    expect(events).toHaveLength(report.findings.length);
    for (const e of events) {
      expect(e).toMatchObject({
        category_uid: 2,
        class_uid: 2004,
        type_uid: 200401,
        activity_id: 1,
        metadata: {
          version: '1.1.0',
          product: { name: 'estatescan', vendor_name: 'estatescan', version: '0.1.0' },
        },
        cloud: { provider: 'AWS', account: { type: 'AWS Account' } },
      });
      expect(e.finding_info.uid).toMatch(/^[0-9a-f]{32}$/);
      expect(e.time_dt).toBe(REPORT_NOW);
      expect(e.time).toBe(Date.parse(REPORT_NOW));
    }
  });

  it('maps a finding to finding_info, cloud, resources, remediation and metadata', () => {
    // Prepare
    const report = makeReport();
    const finding = report.findings.find(
      (f) => f.ruleId === 'eks-cluster-version-eol' && f.accountId === PROD,
    )!;

    // Act
    const event = toOcsf(finding, report);

    // Assess
    expect(event).toMatchObject({
      message: finding.message,
      finding_info: {
        uid: finding.findingId,
        title: finding.title,
        desc: finding.message,
        created_time_dt: finding.firstSeen,
        created_time: Date.parse(finding.firstSeen),
      },
      severity_id: 5,
      severity: 'Critical',
      status_id: 1,
      status: 'New',
      status_code: 'FAIL',
      cloud: {
        provider: 'AWS',
        account: { uid: PROD, type: 'AWS Account', type_id: 10 },
        region: 'eu-west-1',
      },
      resources: [
        {
          uid: finding.resourceArn,
          name: 'payments',
          type: 'AwsEksCluster',
          region: 'eu-west-1',
          cloud_partition: 'aws',
          group: { name: 'eks' },
          data: finding.evidence,
        },
      ],
      remediation: { desc: finding.remediation },
      metadata: { event_code: 'eks-cluster-version-eol' },
      unmapped: { run_id: report.runId },
    });
    expect(event.finding_info.types.length).toBeGreaterThan(0);
  });

  it('maps severities and statuses to the OCSF ids', () => {
    // Prepare
    const report = makeReport();

    // Act
    const events = report.findings.map((f) => [f, toOcsf(f, report)] as const);

    // Assess
    const severityIds = Object.fromEntries(events.map(([f, e]) => [f.severity, [e.severity_id, e.severity]]));
    expect(severityIds).toEqual({
      critical: [5, 'Critical'],
      high: [4, 'High'],
      medium: [3, 'Medium'],
      low: [2, 'Low'],
      info: [1, 'Informational'],
    });
    const statusIds = Object.fromEntries(events.map(([f, e]) => [f.status, [e.status_id, e.status]]));
    expect(statusIds).toEqual({ open: [1, 'New'], suppressed: [3, 'Suppressed'], resolved: [4, 'Resolved'] });
    const suppressed = events.find(([f]) => f.status === 'suppressed')![1];
    expect(suppressed.unmapped.suppression).toMatchObject({ owner: 'data-platform@acme.example' });
  });

  it('uses the resource id as uid when a finding has no ARN', () => {
    // Prepare
    const report = makeReport();
    const { resourceArn: _arn, ...finding } = report.findings[0]!;

    // Act
    const event = toOcsf(finding, report);

    // Assess
    expect(event.resources[0]?.uid).toBe(finding.resourceId);
  });
});
