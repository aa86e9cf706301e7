import { describe, expect, it } from 'vitest';
import { allRules } from '../../../rules/index.ts';
import { remediationText } from '../../../src/engine/evaluate.ts';
import {
  type AsffBatch,
  asffBatches,
  asffLimits,
  defaultProductArn,
  renderAsff,
  toAsff,
} from '../../../src/report/asff.ts';
import { reportRule } from '../../../src/scan/run-scan.ts';
import { DATA, makeFinding, makeReport, PROD } from '../../fixtures/report.ts';
import { ACCOUNT_NAMES, withContext } from '../../fixtures/report-context.ts';

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

function parse(text: string): AsffBatch[] {
  return JSON.parse(text);
}

/** `count` open findings of one bucket rule in one account and region. */
function bucketFindings(count: number, accountId = PROD, region = 'eu-west-1') {
  return Array.from({ length: count }, (_, i) =>
    makeFinding({
      ruleId: 's3-bucket-versioning-disabled',
      severity: 'medium',
      accountId,
      region,
      resourceType: 'AwsS3Bucket',
      resourceId: `bucket-${i}`,
      message: `S3 bucket bucket-${i} has never had versioning enabled.`,
      evidence: { versioning: 'Never' },
      remediation: 'x',
    }),
  );
}

describe('renderAsff', () => {
  it('writes batches of at most 100 findings, each of one account and Region, every required field set', () => {
    // Prepare: 230 findings in one account and Region, and the fixture's across two accounts.
    const base = makeReport();
    const report = makeReport({ findings: [...base.findings, ...bucketFindings(230)] });

    // Act
    const batches = parse(renderAsff(report));

    // Assess
    expect(batches.flatMap((b) => b.Findings)).toHaveLength(report.findings.length);
    for (const batch of batches) {
      expect(batch.Findings.length).toBeGreaterThan(0);
      expect(batch.Findings.length).toBeLessThanOrEqual(100);
      for (const f of batch.Findings) {
        for (const key of required) expect(f[key], key).toBeTruthy();
        expect(f.AwsAccountId).toBe(batch.AwsAccountId);
        expect(f.Region).toBe(batch.Region);
        // The default product of the finding's own account and Region, as Security Hub requires.
        expect(f.ProductArn).toBe(defaultProductArn(batch.AwsAccountId, batch.Region));
        expect(f.Types.every((t) => t.startsWith('Software and Configuration Checks/'))).toBe(true);
      }
    }
    const keys = batches.map((b) => `${b.AwsAccountId}/${b.Region}`);
    expect(keys.filter((k) => k === `${PROD}/eu-west-1`).length).toBe(
      Math.ceil(report.findings.filter((f) => f.accountId === PROD && f.region === 'eu-west-1').length / 100),
    );
    expect(new Set(keys)).toEqual(new Set(report.findings.map((f) => `${f.accountId}/${f.region}`)));
  });

  it('splits a group in order and writes an empty list when there are no findings', () => {
    // Prepare
    const findings = bucketFindings(201).map((f) => toAsff(f, makeReport()));

    // Act
    const batches = asffBatches(findings);

    // Assess
    expect(batches.map((b) => b.Findings.length)).toEqual([100, 100, 1]);
    expect(batches.flatMap((b) => b.Findings.map((f) => f.Id))).toEqual(findings.map((f) => f.Id));
    expect(JSON.parse(renderAsff(makeReport({ findings: [] })))).toEqual([]);
  });
});

describe('toAsff', () => {
  it('maps a finding to its account (and name), product, generator, provider fields, resource, tags and controls', () => {
    // Prepare
    const report = withContext(makeReport());
    const finding = report.findings.find((f) => f.ruleId === 'ecr-repository-public')!;
    const first = report.findings[0]!;

    // Act
    const asff = toAsff(finding, report);
    const tagged = toAsff(first, report);

    // Assess
    expect(asff).toMatchObject({
      Id: finding.findingId,
      ProductArn: `arn:aws:securityhub:eu-west-1:${PROD}:product/${PROD}/default`,
      ProductName: 'estatescan',
      CompanyName: 'estatescan',
      GeneratorId: 'estatescan/ecr-repository-public',
      AwsAccountId: PROD,
      AwsAccountName: ACCOUNT_NAMES[PROD],
      CreatedAt: finding.firstSeen,
      FirstObservedAt: finding.firstSeen,
      LastObservedAt: finding.lastSeen,
      UpdatedAt: finding.lastSeen,
      Severity: { Label: 'HIGH', Original: 'high' },
      FindingProviderFields: {
        Severity: { Label: 'HIGH', Original: 'high' },
        Types: ['Software and Configuration Checks/AWS Security Best Practices/Network Reachability'],
      },
      Types: ['Software and Configuration Checks/AWS Security Best Practices/Network Reachability'],
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'NEW' },
      RecordState: 'ACTIVE',
      ProductFields: {
        'estatescan/ruleId': 'ecr-repository-public',
        'estatescan/resourceId': finding.resourceId,
      },
      Resources: [
        {
          Type: 'AwsEcrRepository',
          Id: `arn:aws:ecr:eu-west-1:${PROD}:repository/shared/base-images`,
          Partition: 'aws',
          Region: 'eu-west-1',
        },
      ],
    });
    expect(asff.Remediation?.Recommendation.Url).toBe(
      allRules.find((r) => r.id === 'ecr-repository-public')?.references.docs[0],
    );
    // Other takes strings only: nested evidence becomes compact JSON.
    expect(asff.Resources[0]?.Details?.Other.statement).toBe(JSON.stringify(finding.evidence.statement));
    expect(tagged.Resources[0]?.Tags).toEqual({ Name: 'legacy-billing', 'cost-center': '4711' });
    const ingress = report.findings.find((f) => f.ruleId === 'ec2-security-group-open-ingress')!;
    expect(toAsff(ingress, report).Compliance.RelatedRequirements).toEqual([
      'AWS Security Hub EC2.19',
      'CIS AWS Foundations Benchmark v3.0.0 5.2',
      'CIS AWS Foundations Benchmark v3.0.0 5.3',
    ]);
  });

  it('names no account and no tags when none are known, rather than the id or an empty map', () => {
    // Prepare
    const report = makeReport();

    // Act
    const asff = toAsff(report.findings[0]!, report);

    // Assess
    expect(asff).not.toHaveProperty('AwsAccountName');
    expect(asff.Resources[0]).not.toHaveProperty('Tags');
  });

  it('maps every severity to its Security Hub label, in Severity and FindingProviderFields', () => {
    // Prepare
    const report = makeReport();

    // Act
    const asff = report.findings.map((f) => [f.severity, toAsff(f, report)] as const);

    // Assess
    expect(Object.fromEntries(asff.map(([s, a]) => [s, a.Severity.Label]))).toEqual({
      critical: 'CRITICAL',
      high: 'HIGH',
      medium: 'MEDIUM',
      low: 'LOW',
      info: 'INFORMATIONAL',
    });
    for (const [, a] of asff) expect(a.FindingProviderFields.Severity).toEqual(a.Severity);
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

  it("keeps every rule's CLI command whole within 512 characters, dropping console steps first", () => {
    // Prepare: each rule's remediation as the engine writes it, with a command for a real resource
    // (quoted ARNs and JSON make some 300 characters).
    const longCli = (cli: string) =>
      `${cli.replace(/<[^>]+>/g, 'arn:aws:ec2:eu-west-1:111111111111:x/abcdef')}`;
    const cases = allRules.map((rule) => {
      const cli = rule.remediation.cli ? longCli(rule.remediation.cli) : undefined;
      const finding = makeFinding({
        ruleId: rule.id,
        severity: rule.severity,
        accountId: PROD,
        region: 'eu-west-1',
        resourceType: rule.resourceType,
        resourceId: 'r-1',
        message: 'm',
        evidence: {},
        remediation: remediationText(rule, cli),
      });
      const report = makeReport({ findings: [finding], rules: [reportRule(rule)] });
      return { rule, cli, finding, asff: toAsff(finding, report) };
    });

    // Assess
    const cut = cases.filter((c) => c.finding.remediation.length > asffLimits.recommendation);
    expect(cut.length).toBeGreaterThan(5);
    for (const { rule, cli, asff } of cases) {
      const text = asff.Remediation?.Recommendation.Text ?? '';
      expect(text.length, rule.id).toBeLessThanOrEqual(asffLimits.recommendation);
      if (cli) expect(text.endsWith(`CLI: ${cli}`), rule.id).toBe(true);
      expect(text.startsWith('1. '), rule.id).toBe(true);
      expect(asff.Remediation?.Recommendation.Url, rule.id).toBe(rule.references.docs[0]);
      if (cli) expect(asff.ProductFields['estatescan/remediationCli']).toBe(cli);
    }
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

  it('stays under 240 KB with evidence, tags and suppression all at their limits in three-byte text', () => {
    // Prepare
    const wide = '漢'.repeat(5000);
    const finding = makeFinding({
      ruleId: 'ec2-instance-os-eol',
      severity: 'high',
      accountId: PROD,
      region: 'eu-west-1',
      resourceType: 'AwsEc2Instance',
      resourceId: wide,
      title: wide,
      message: wide,
      evidence: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`${i}${wide}`, { nested: wide }])),
      remediation: wide,
      status: 'suppressed',
      suppression: { reason: wide, owner: wide, expiresAt: '2027-01-31' },
    });
    const report = makeReport({
      findings: [finding],
      resourceTags: {
        [finding.findingId]: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`${i}${wide}`, wide])),
      },
    });

    // Act
    const asff = toAsff(finding, report);

    // Assess
    expect(Buffer.byteLength(JSON.stringify(asff), 'utf8')).toBeLessThanOrEqual(asffLimits.findingBytes);
    expect(Object.keys(asff.Resources[0]?.Tags ?? {})).toHaveLength(50);
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
});
