import { describe, expect, it } from 'vitest';
import { type AsffFinding, asffLimits, renderAsff, toAsff } from '../../../src/report/asff.ts';
import { DATA, makeFinding, makeReport, PROD } from '../../fixtures/report.ts';

const required = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'GeneratorId',
  'AwsAccountId',
  'Types',
  'CreatedAt',
  'UpdatedAt',
  'Severity',
  'Title',
  'Description',
  'Resources',
] as const;

function parse(text: string): AsffFinding[] {
  return JSON.parse(text);
}

describe('renderAsff', () => {
  it('writes a JSON array with every finding and every field BatchImportFindings requires', () => {
    // Prepare
    const report = makeReport();

    // Act
    const findings = parse(renderAsff(report));

    // Assess
    expect(findings).toHaveLength(report.findings.length);
    for (const f of findings) {
      for (const key of required) expect(f[key], key).toBeTruthy();
      expect(f.SchemaVersion).toBe('2018-10-08');
      expect(f.AwsAccountId).toMatch(/^\d{12}$/);
      expect(f.Types.every((t) => t.startsWith('Software and Configuration Checks/'))).toBe(true);
      expect(f.Resources[0]?.Partition).toBe('aws');
    }
  });

  it('maps a finding to its account, product ARN, generator, resource and evidence', () => {
    // Prepare
    const report = makeReport();
    const finding = report.findings.find((f) => f.ruleId === 'ecr-repository-public')!;

    // Act
    const asff = toAsff(finding, report);

    // Assess
    expect(asff).toMatchObject({
      Id: finding.findingId,
      ProductArn: `arn:aws:securityhub:eu-west-1:${PROD}:product/${PROD}/default`,
      GeneratorId: 'estatescan/ecr-repository-public',
      AwsAccountId: PROD,
      CreatedAt: finding.firstSeen,
      FirstObservedAt: finding.firstSeen,
      LastObservedAt: finding.lastSeen,
      UpdatedAt: finding.lastSeen,
      Severity: { Label: 'HIGH', Original: 'high' },
      Types: ['Software and Configuration Checks/AWS Security Best Practices/Network Reachability'],
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'NEW' },
      RecordState: 'ACTIVE',
      ProductFields: { 'estatescan/ruleId': 'ecr-repository-public' },
      Resources: [
        {
          Type: 'AwsEcrRepository',
          Id: `arn:aws:ecr:eu-west-1:${PROD}:repository/shared/base-images`,
          Partition: 'aws',
          Region: 'eu-west-1',
        },
      ],
    });
    // Other takes strings only: nested evidence becomes compact JSON.
    expect(asff.Resources[0]?.Details?.Other.statement).toBe(JSON.stringify(finding.evidence.statement));
  });

  it('maps every severity to its Security Hub label', () => {
    // Prepare
    const report = makeReport();

    // Act
    const labels = new Map(report.findings.map((f) => [f.severity, toAsff(f, report).Severity.Label]));

    // Assess
    expect(Object.fromEntries(labels)).toEqual({
      critical: 'CRITICAL',
      high: 'HIGH',
      medium: 'MEDIUM',
      low: 'LOW',
      info: 'INFORMATIONAL',
    });
  });

  it('marks suppressed findings SUPPRESSED and resolved ones RESOLVED, PASSED and ARCHIVED', () => {
    // Prepare
    const report = makeReport();
    const suppressed = report.findings.find((f) => f.status === 'suppressed')!;
    const resolved = report.findings.find((f) => f.status === 'resolved')!;

    // Act
    const a = toAsff(suppressed, report);
    const b = toAsff(resolved, report);

    // Assess
    expect(a).toMatchObject({
      Workflow: { Status: 'SUPPRESSED' },
      RecordState: 'ACTIVE',
      Compliance: { Status: 'FAILED' },
    });
    expect(a.ProductFields['estatescan/suppression/owner']).toBe('data-platform@acme.example');
    expect(a.AwsAccountId).toBe(DATA);
    expect(b).toMatchObject({
      Workflow: { Status: 'RESOLVED' },
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'PASSED' },
    });
    expect(b.UpdatedAt).toBe(resolved.resolvedAt);
  });

  it('truncates title, description, recommendation and Other values to the ASFF limits', () => {
    // Prepare
    const finding = makeFinding({
      ruleId: 'ec2-instance-os-eol',
      title: 'T'.repeat(400),
      severity: 'high',
      accountId: PROD,
      region: 'eu-west-1',
      resourceType: 'AwsEc2Instance',
      resourceId: 'i-0123456789abcdef0',
      message: 'M'.repeat(5000),
      evidence: {
        long: 'e'.repeat(3000),
        ...Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i])),
      },
      remediation: 'R'.repeat(2000),
    });
    const report = makeReport({ findings: [finding] });

    // Act
    const asff = toAsff(finding, report);

    // Assess
    expect(asff.Title).toHaveLength(asffLimits.title);
    expect(asff.Title.endsWith('…')).toBe(true);
    expect(asff.Description).toHaveLength(1024);
    expect(asff.Remediation?.Recommendation.Text).toHaveLength(512);
    const other = asff.Resources[0]?.Details?.Other ?? {};
    expect(Object.keys(other)).toHaveLength(50);
    expect(other.long?.length).toBeLessThan(1024);
    expect(other.k0).toBe('0');
  });

  it('leaves Details and Remediation out rather than sending empty values', () => {
    // Prepare
    const finding = makeFinding({
      ruleId: 'vpc-flow-logs-disabled',
      severity: 'medium',
      accountId: PROD,
      region: 'eu-west-1',
      resourceType: 'AwsEc2Vpc',
      resourceId: 'vpc-1',
      message: 'VPC vpc-1 has no flow log.',
      evidence: {},
      remediation: ' ',
    });

    // Act
    const asff = toAsff(finding, makeReport({ findings: [finding] }));

    // Assess
    expect(asff.Resources[0]).not.toHaveProperty('Details');
    expect(asff).not.toHaveProperty('Remediation');
    expect(asff.Resources[0]?.Id).toBe('vpc-1');
  });

  it('writes an empty array when there are no findings', () => {
    // Act
    const text = renderAsff(makeReport({ findings: [] }));

    // Assess
    expect(JSON.parse(text)).toEqual([]);
  });
});
