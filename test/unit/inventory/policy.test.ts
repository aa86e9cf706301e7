import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../src/inventory/policy.ts';

const policy = (statement: unknown) => JSON.stringify({ Version: '2012-10-17', Statement: statement });

describe('parsePolicy', () => {
  it('normalizes a single statement object with every principal wildcard spelling', () => {
    // Prepare
    const spellings = ['*', { AWS: '*' }, { AWS: ['*'] }, { AWS: ['arn:aws:iam::111111111111:root', '*'] }];

    // Act
    const parsed = spellings.map((principal) =>
      parsePolicy(policy({ Effect: 'Allow', Principal: principal, Action: 'ecr:BatchGetImage' })),
    );

    // Assess
    for (const p of parsed) {
      expect(p.parseError).toBeUndefined();
      expect(p.statements).toHaveLength(1);
      expect(p.statements[0]?.principals).toBe('*');
      expect(p.statements[0]?.actions).toEqual(['ecr:BatchGetImage']);
    }
  });

  it('keeps listed principals of every type, in AWS, Service, Federated, CanonicalUser order', () => {
    // Prepare
    const raw = policy([
      {
        Sid: 'Mixed',
        Effect: 'Allow',
        Principal: {
          Federated: 'cognito-identity.amazonaws.com',
          Service: ['codebuild.amazonaws.com'],
          AWS: ['arn:aws:iam::111111111111:root', '222222222222'],
          CanonicalUser: '79a59df900b949e55d96a1e698fbaced',
        },
        Action: ['ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      },
    ]);

    // Act
    const parsed = parsePolicy(raw);

    // Assess
    expect(parsed).toEqual({
      raw,
      statements: [
        {
          sid: 'Mixed',
          effect: 'Allow',
          principals: [
            'arn:aws:iam::111111111111:root',
            '222222222222',
            'codebuild.amazonaws.com',
            'cognito-identity.amazonaws.com',
            '79a59df900b949e55d96a1e698fbaced',
          ],
          notPrincipal: false,
          actions: ['ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
          notActions: false,
          conditions: {},
        },
      ],
    });
  });

  it('does not treat a Service wildcard as anyone', () => {
    // Act
    const parsed = parsePolicy(policy({ Effect: 'Allow', Principal: { Service: '*' }, Action: '*' }));

    // Assess
    expect(parsed.statements[0]?.principals).toEqual(['*']);
  });

  it('flags NotPrincipal and NotAction and reads their values', () => {
    // Prepare
    const raw = policy({
      Effect: 'Deny',
      NotPrincipal: { AWS: 'arn:aws:iam::111111111111:role/admin' },
      NotAction: 'ecr:DescribeRepositories',
    });

    // Act
    const [statement] = parsePolicy(raw).statements;

    // Assess
    expect(statement).toEqual({
      effect: 'Deny',
      principals: ['arn:aws:iam::111111111111:role/admin'],
      notPrincipal: true,
      actions: ['ecr:DescribeRepositories'],
      notActions: true,
      conditions: {},
    });
  });

  it('coerces condition values to string lists and keeps keys as written', () => {
    // Prepare
    const raw = policy({
      Effect: 'Allow',
      Principal: '*',
      Action: 'ecr:BatchGetImage',
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' },
        Bool: { 'aws:SecureTransport': false },
        NumericLessThan: { 's3:max-keys': [10, '20'] },
        'ForAnyValue:StringLike': { 'AWS:SourceAccount': ['1111*', '2222*'] },
      },
    });

    // Act
    const [statement] = parsePolicy(raw).statements;

    // Assess
    expect(statement?.conditions).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': ['o-abc123'] },
      Bool: { 'aws:SecureTransport': ['false'] },
      NumericLessThan: { 's3:max-keys': ['10', '20'] },
      'ForAnyValue:StringLike': { 'AWS:SourceAccount': ['1111*', '2222*'] },
    });
  });

  it('gives an identity-style statement without Principal an empty principal list', () => {
    // Act
    const [statement] = parsePolicy(policy([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }])).statements;

    // Assess
    expect(statement?.principals).toEqual([]);
    expect(statement?.actions).toEqual(['s3:*']);
  });

  it('returns the raw text and a parse error for invalid JSON', () => {
    // Prepare
    const raw = '{"Statement": [';

    // Act
    const parsed = parsePolicy(raw);

    // Assess
    expect(parsed.raw).toBe(raw);
    expect(parsed.statements).toEqual([]);
    expect(parsed.parseError).toMatch(/not valid JSON/);
  });

  it('reports JSON that is not a policy document', () => {
    // Act
    const results = ['[]', '"*"', '{"Version":"2012-10-17"}'].map(parsePolicy);

    // Assess
    expect(results.map((r) => r.parseError)).toEqual([
      'not a policy document (an object)',
      'not a policy document (an object)',
      'the policy has no Statement',
    ]);
    for (const r of results) expect(r.statements).toEqual([]);
  });

  it('keeps well-formed statements beside malformed ones and reports the malformed ones', () => {
    // Prepare
    const raw = policy([
      'not a statement',
      { Effect: 'Maybe', Principal: '*', Action: '*' },
      { Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' },
    ]);

    // Act
    const parsed = parsePolicy(raw);

    // Assess
    expect(parsed.statements).toHaveLength(1);
    expect(parsed.statements[0]?.principals).toBe('*');
    expect(parsed.parseError).toBe('Statement 0 is not an object; Statement 1 has no valid Effect');
  });
});
