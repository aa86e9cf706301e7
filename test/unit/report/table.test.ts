import { describe, expect, it } from 'vitest';
import { renderFindingsTable } from '../../../src/report/table.ts';
import { makeFinding, makeReport, PROD } from '../../fixtures/report.ts';

describe('renderFindingsTable', () => {
  it('groups findings by severity, critical first, and skips empty groups', () => {
    // Prepare
    const report = makeReport();

    // Act
    const text = renderFindingsTable(report);

    // Assess
    const headings = text.split('\n').filter((l) => /^(CRITICAL|HIGH|MEDIUM|LOW|INFO) \(\d+\)$/.test(l));
    expect(headings).toEqual(['CRITICAL (4)', 'HIGH (5)', 'MEDIUM (5)', 'LOW (2)', 'INFO (1)']);
    const critical = text.slice(text.indexOf('CRITICAL (4)'), text.indexOf('HIGH (5)'));
    expect(critical).toMatch(/^account\s+region\s+rule\s+resource\s+message$/m);
    expect(critical).toContain('111111111111  eu-west-1  ec2-instance-os-eol');
    // A status column only where some findings are not open.
    const medium = text.slice(text.indexOf('MEDIUM (5)'), text.indexOf('LOW (2)'));
    expect(medium).toMatch(/^account\s+region\s+rule\s+resource\s+status\s+message$/m);
  });

  it('counts each severity by status in the summary', () => {
    // Act
    const lines = renderFindingsTable(makeReport()).split('\n');

    // Assess
    expect(lines).toContain('Summary: 17 findings in 5 targets');
    expect(lines).toContain('  critical  4 open');
    expect(lines).toContain('  medium    3 open, 1 suppressed, 1 resolved');
    expect(lines).toContain('  info      1 open');
  });

  it('fits a terminal width by cutting messages, never resource ids, and says so', () => {
    // Prepare
    const finding = makeFinding({
      ruleId: 's3-bucket-versioning-disabled',
      severity: 'medium',
      accountId: PROD,
      region: 'eu-west-1',
      resourceType: 'AwsS3Bucket',
      resourceId: 'acme-prod-artifacts-0001',
      message: `S3 bucket b ${'x'.repeat(200)}`,
      evidence: {},
      remediation: '',
    });
    const report = makeReport({ findings: [finding] });

    // Act
    const fitted = renderFindingsTable(report, { width: 100 });
    const wide = renderFindingsTable(report);

    // Assess
    const row = fitted.split('\n').find((l) => l.includes('S3 bucket b'));
    expect(row?.endsWith('…')).toBe(true);
    expect(row).toContain(finding.resourceId);
    for (const line of fitted.split('\n').filter((l) => l.startsWith(PROD)))
      expect(line.length).toBeLessThanOrEqual(100);
    expect(fitted).toContain('Cut to fit 100 columns: --wide shows every column and cell whole.');
    expect(wide).toContain(finding.message);
    expect(wide).not.toContain('Cut to fit');
  });

  it('colours severities only when asked to', () => {
    // Act
    const coloured = renderFindingsTable(makeReport(), { width: 100, color: true });

    // Assess
    expect(coloured).toContain('\u001b[1;31mCRITICAL (4)\u001b[0m');
    expect(coloured).toContain('\u001b[33mmedium  \u001b[0m');
  });

  it('lists incomplete targets with their errors and rules not evaluated', () => {
    // Act
    const text = renderFindingsTable(makeReport());

    // Assess
    expect(text).toContain('Incomplete targets (2 of 5)');
    expect(text).toContain(
      'partial 111111111111 us-east-1 — ssm:DescribeInstanceInformation ThrottlingException',
    );
    expect(text).toContain('failed  222222222222 ap-southeast-2 — sts:AssumeRole AccessDenied');
    expect(text).toContain(
      '111111111111 us-east-1 managed-instance-os-eol: not evaluated: ssm.managedInstances could not be read',
    );
  });

  it('says so clearly when there are no findings', () => {
    // Act
    const text = renderFindingsTable(makeReport({ findings: [], targets: makeReport().targets.slice(0, 1) }));

    // Assess
    expect(text).toContain('No findings in 1 target.');
    expect(text).not.toContain('Summary:');
    expect(text).not.toContain('Incomplete targets');
  });

  it('uses no terminal colour codes', () => {
    // Act
    const text = renderFindingsTable(makeReport());

    // Assess
    expect(text).not.toContain('\u001b[');
  });
});
