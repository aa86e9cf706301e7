import { describe, expect, it } from 'vitest';
import { renderFindingsCsv } from '../../../src/report/csv.ts';
import { makeFinding, makeReport, PROD } from '../../fixtures/report.ts';

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
  'region',
  'resource_type',
  'resource_id',
  'resource_arn',
  'message',
  'remediation',
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
    expect(row?.[10]).toBe(finding.message);
    expect(row?.[header.indexOf('evidence')]).toBe(
      '{"principal":"*","actions":["ecr:BatchGetImage","ecr:PutImage"]}',
    );
    expect(row?.[9]).toBe('');
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
    expect(row?.[10]?.startsWith("'=")).toBe(true);
  });

  it('writes only the header when there are no findings', () => {
    // Act
    const text = renderFindingsCsv(makeReport({ findings: [] }));

    // Assess
    expect(text).toBe(`${header.join(',')}\n`);
  });
});
