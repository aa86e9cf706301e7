import { describe, expect, it } from 'vitest';
import { OCSF_VERSION, type OcsfDetectionFinding, renderOcsf, toOcsf } from '../../../src/report/ocsf.ts';
import { makeFinding, makeReport, PROD, REPORT_NOW } from '../../fixtures/report.ts';
import { ACCOUNT_NAMES, ORGANIZATION_ID, withContext } from '../../fixtures/report-context.ts';

describe('renderOcsf', () => {
  it('writes a JSON array of OCSF 1.5.0 Detection Findings (class 2004), the version py-ocsf-models implements', () => {
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
        metadata: {
          version: '1.5.0',
          product: { name: 'estatescan', vendor_name: 'estatescan', version: '0.1.0' },
        },
        cloud: { provider: 'AWS', account: { type: 'AWS Account' } },
      });
      expect(e.type_uid).toBe(200400 + e.activity_id);
      expect(e.finding_info.uid).toMatch(/^[0-9a-f]{32}$/);
      // Not OCSF attributes: the resource is in resources[], the name of the account is required.
      expect(e.finding_info).not.toHaveProperty('name');
      expect(e.cloud.account.name).toBe(e.cloud.account.uid);
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
    expect(event.finding_info.analytic).toEqual({
      uid: 'eks-cluster-version-eol',
      name: 'eks-cluster-version-eol',
      type: 'Rule',
      type_id: 1,
      category: 'eks',
    });
  });

  it('writes the account name and organization, the resource tags, the controls and the coverage in their places', () => {
    // Prepare
    const report = withContext(makeReport());
    const first = report.findings[0]!;
    const bucket = report.findings.find(
      (f) => f.ruleId === 's3-bucket-versioning-disabled' && f.accountId === PROD && f.region === 'eu-west-1',
    )!;
    const ingress = report.findings.find((f) => f.ruleId === 'ec2-security-group-open-ingress')!;

    // Act
    const tagged = toOcsf(first, report);
    const counted = toOcsf(bucket, report);
    const mapped = toOcsf(ingress, report);

    // Assess
    expect(tagged.cloud).toMatchObject({
      account: { uid: first.accountId, name: ACCOUNT_NAMES[PROD] },
      org: { uid: ORGANIZATION_ID },
    });
    expect(tagged.resources[0]?.tags).toEqual([
      { name: 'Name', value: 'legacy-billing' },
      { name: 'cost-center', value: '4711' },
    ]);
    expect(counted.resources[0]).not.toHaveProperty('tags');
    expect(counted.unmapped.rule_coverage).toEqual({ evaluated: 40, failed: 3, passed: 37 });
    expect(mapped.unmapped.compliance).toEqual({
      'AWS Security Hub': ['EC2.19'],
      'CIS AWS Foundations Benchmark v3.0.0': ['5.2', '5.3'],
    });
    expect(mapped.remediation.references?.[0]).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    expect(mapped.finding_info.src_url).toBe(mapped.remediation.references?.[0]);
    expect(OCSF_VERSION).toBe('1.5.0');
  });

  it('expresses the lifecycle in the activity and status fields: new, update, suppressed, resolved (closed, PASS)', () => {
    // Prepare
    const report = makeReport();
    const base = report.findings.find((f) => f.status === 'open')!;
    const fresh = makeFinding({ ...base, firstSeen: REPORT_NOW, lastSeen: REPORT_NOW });
    const suppressed = report.findings.find((f) => f.status === 'suppressed')!;
    const resolved = report.findings.find((f) => f.status === 'resolved')!;

    // Act
    const [a, b, c, d] = [fresh, base, suppressed, resolved].map((f) => toOcsf(f, report));

    // Assess
    expect([a, b, c, d].map((e) => [e?.activity_name, e?.type_uid, e?.status, e?.status_code])).toEqual([
      ['Create', 200401, 'New', 'FAIL'],
      ['Update', 200402, 'New', 'FAIL'],
      ['Update', 200402, 'Suppressed', 'FAIL'],
      ['Close', 200403, 'Resolved', 'PASS'],
    ]);
    expect(c?.status_detail).toContain(suppressed.suppression!.owner);
    expect(d?.finding_info.modified_time_dt).toBe(resolved.resolvedAt);
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
