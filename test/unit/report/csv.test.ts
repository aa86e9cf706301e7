import { describe, expect, it } from 'vitest';
import { renderFindingsCsv } from '../../../src/report/csv.ts';
import { makeFinding, makeReport, PROD } from '../../fixtures/report.ts';
import { ACCOUNT_NAMES, withContext } from '../../fixtures/report-context.ts';

/** A small RFC 4180 reader, enough to check quoting round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}

const header = [
  'finding_id',
  'severity',
  'status',
  'rule_id',
  'title',
  'account_id',
  'account_name',
  'region',
  'resource_type',
  'resource_id',
  'resource_arn',
  'resource_tags',
  'message',
  'remediation',
  'remediation_url',
  'compliance',
  'rule_evaluated',
  'rule_failed',
  'rule_passed',
  'first_seen',
  'last_seen',
  'resolved_at',
  'suppression_reason',
  'suppression_owner',
  'suppression_expires',
  'evidence',
];

describe('renderFindingsCsv', () => {
  it('writes a header and one row per finding', () => {
    // Prepare
    const report = makeReport();

    // Act
    const rows = parseCsv(renderFindingsCsv(report));

    // Assess
    expect(rows[0]).toEqual(header);
    expect(rows).toHaveLength(report.findings.length + 1);
    for (const row of rows) expect(row).toHaveLength(header.length);
    expect(rows.slice(1).map((r) => r[1])).toContain('info');
    expect(rows.slice(1).some((r) => r[2] === 'suppressed')).toBe(true);
  });

  it('carries a suppression and a resolution in their own columns', () => {
    // Prepare
    const base = {
      ruleId: 'ecr-repository-public',
      severity: 'high',
      accountId: PROD,
      region: 'eu-west-1',
      resourceType: 'AwsEcrRepository',
      resourceId: 'team/app',
      message: 'Repository team/app is public.',
      evidence: {},
      remediation: 'x',
    } as const;
    const suppressed = makeFinding({
      ...base,
      status: 'suppressed',
      suppression: {
        reason: 'Public on purpose',
        owner: 'web@example.com',
        expiresAt: '2027-03-31T00:00:00.000Z',
      },
    });
    const resolved = makeFinding({ ...base, status: 'resolved', resolvedAt: '2026-11-30T08:00:00.000Z' });

    // Act
    const [, first, second] = parseCsv(renderFindingsCsv(makeReport({ findings: [suppressed, resolved] })));
    const cell = (row: string[] | undefined, name: string) => row?.[header.indexOf(name)];

    // Assess
    expect(cell(first, 'suppression_reason')).toBe('Public on purpose');
    expect(cell(first, 'suppression_owner')).toBe('web@example.com');
    expect(cell(first, 'suppression_expires')).toBe('2027-03-31T00:00:00.000Z');
    expect(cell(first, 'resolved_at')).toBe('');
    expect(cell(second, 'resolved_at')).toBe('2026-11-30T08:00:00.000Z');
    expect(cell(second, 'suppression_reason')).toBe('');
  });

  it('quotes commas, quotes and newlines and keeps evidence as compact JSON', () => {
    // Prepare
    const finding = makeFinding({
      ruleId: 'ecr-repository-public',
      severity: 'high',
      accountId: PROD,
      region: 'eu-west-1',
      resourceType: 'AwsEcrRepository',
      resourceId: 'team/app',
      message: 'Repository team/app lets "*" pull, push, and delete.\nSecond line.',
      evidence: { principal: '*', actions: ['ecr:BatchGetImage', 'ecr:PutImage'] },
      remediation: 'Remove the statement',
    });

    // Act
    const text = renderFindingsCsv(makeReport({ findings: [finding] }));
    const [, row] = parseCsv(text);

    // Assess
    expect(text).toContain('"Repository team/app lets ""*"" pull, push, and delete.\nSecond line."');
    expect(row?.[header.indexOf('message')]).toBe(finding.message);
    expect(row?.[header.indexOf('evidence')]).toBe(
      '{"principal":"*","actions":["ecr:BatchGetImage","ecr:PutImage"]}',
    );
    expect(row?.[header.indexOf('resource_arn')]).toBe('');
  });

  it('defuses values a spreadsheet would run as formulas', () => {
    // Prepare
    const finding = makeFinding({
      ruleId: 's3-bucket-versioning-disabled',
      severity: 'medium',
      accountId: PROD,
      region: 'eu-west-1',
      resourceType: 'AwsS3Bucket',
      resourceId: 'b',
      message: '=HYPERLINK("http://evil.example","click")',
      evidence: {},
      remediation: 'x',
    });

    // Act
    const [, row] = parseCsv(renderFindingsCsv(makeReport({ findings: [finding] })));

    // Assess
    expect(row?.[header.indexOf('message')]?.startsWith("'=")).toBe(true);
  });

  it("writes the account name, the resource's tags, the rule's controls, documentation and counts beside each finding", () => {
    // Prepare
    const report = withContext(makeReport());
    const rows = parseCsv(renderFindingsCsv(report));
    const cell = (row: string[] | undefined, name: string) => row?.[header.indexOf(name)];
    const rowOf = (id: string) => rows.find((r) => r[0] === id);
    const first = report.findings[0]!;
    const bucket = report.findings.find(
      (f) => f.ruleId === 's3-bucket-versioning-disabled' && f.accountId === PROD && f.region === 'eu-west-1',
    )!;
    const ingress = report.findings.find((f) => f.ruleId === 'ec2-security-group-open-ingress')!;

    // Assess
    expect(cell(rowOf(first.findingId), 'account_name')).toBe(ACCOUNT_NAMES[PROD]);
    expect(cell(rowOf(first.findingId), 'resource_tags')).toBe('Name=legacy-billing; cost-center=4711');
    expect([
      cell(rowOf(bucket.findingId), 'rule_evaluated'),
      cell(rowOf(bucket.findingId), 'rule_failed'),
      cell(rowOf(bucket.findingId), 'rule_passed'),
    ]).toEqual(['40', '3', '37']);
    expect(cell(rowOf(ingress.findingId), 'compliance')).toBe(
      'AWS Security Hub EC2.19; CIS AWS Foundations Benchmark v3.0.0 5.2; CIS AWS Foundations Benchmark v3.0.0 5.3',
    );
    expect(cell(rowOf(ingress.findingId), 'remediation_url')).toMatch(/^https:\/\//);
    // A rule without a count for this target (no scope, or not evaluated) leaves the cells empty.
    expect(cell(rowOf(ingress.findingId), 'rule_evaluated')).toBe('');
  });

  it('writes only the header when there are no findings', () => {
    // Act
    const text = renderFindingsCsv(makeReport({ findings: [] }));

    // Assess
    expect(text).toBe(`${header.join(',')}\n`);
  });
});
