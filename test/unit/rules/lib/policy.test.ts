import { describe, expect, it } from 'vitest';
import {
  actionMatches,
  ECR_PUSH_ACTIONS,
  isPrivateCidr,
  publicStatements,
  statementCovers,
} from '../../../../rules/lib/policy.ts';
import { parsePolicy } from '../../../../src/inventory/policy.ts';
import { policyOf } from '../../../fixtures/storage.ts';

const pullAll = {
  Effect: 'Allow',
  Principal: '*',
  Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
};
const allowAnyone = (condition?: Record<string, unknown>, action: unknown = 'ecr:BatchGetImage') => ({
  Sid: 'Anyone',
  Effect: 'Allow',
  Principal: '*',
  Action: action,
  ...(condition ? { Condition: condition } : {}),
});

describe('actionMatches', () => {
  it.each([
    ['ecr:BatchGetImage', 'ecr:BatchGetImage', true],
    ['ECR:batchgetimage', 'ecr:BatchGetImage', true],
    ['ecr:*', 'ecr:PutImage', true],
    ['*', 'ecr:PutImage', true],
    ['ecr:Batch*', 'ecr:BatchGetImage', true],
    ['ecr:*Layer*', 'ecr:GetDownloadUrlForLayer', true],
    ['ecr:?utImage', 'ecr:PutImage', true],
    ['ecr:Batch*', 'ecr:PutImage', false],
    ['ecr:BatchGetImage', 'ecr:BatchGetImages', false],
    ['s3:*', 'ecr:PutImage', false],
    ['ecr.Put', 'ecrxPut', false],
  ])('%s matches %s: %s', (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });

  it('inverts NotAction', () => {
    // Prepare
    const [statement] = policyOf({
      Effect: 'Allow',
      Principal: '*',
      NotAction: 'ecr:DeleteRepository',
    }).statements;

    // Act + Assess
    expect(statementCovers(statement!, 'ecr:PutImage')).toBe(true);
    expect(statementCovers(statement!, 'ecr:DeleteRepository')).toBe(false);
  });
});

describe('isPrivateCidr', () => {
  it.each([
    ['10.0.0.0/8', true],
    ['10.20.30.0/24', true],
    ['10.1.2.3', true],
    ['172.16.0.0/12', true],
    ['172.31.255.0/24', true],
    ['192.168.0.0/16', true],
    ['fd00:ab::/64', true],
    ['fc00::/7', true],
    ['0.0.0.0/0', false],
    ['10.0.0.0/7', false],
    ['172.32.0.0/16', false],
    ['172.16.0.0/11', false],
    ['192.169.0.0/16', false],
    ['203.0.113.0/24', false],
    ['::/0', false],
    ['fc00::/6', false],
    ['2001:db8::/32', false],
    ['not-an-ip', false],
    ['10.0.0.0/33', false],
  ])('%s: %s', (cidr, expected) => {
    expect(isPrivateCidr(cidr)).toBe(expected);
  });
});

describe('publicStatements', () => {
  it('reports an Allow to * without conditions, with the pull actions it grants', () => {
    // Act
    const result = publicStatements(policyOf(pullAll));

    // Assess
    expect(result.statements).toHaveLength(1);
    expect(result.exposedActions).toEqual(['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']);
    expect(result.exposed).toEqual({ pull: true, push: false });
  });

  it.each([
    ['"*"', '*'],
    ['{"AWS": "*"}', { AWS: '*' }],
    ['{"AWS": ["*"]}', { AWS: ['*'] }],
  ])('treats the principal %s as anyone', (_label, principal) => {
    // Act
    const result = publicStatements(policyOf({ Effect: 'Allow', Principal: principal, Action: 'ecr:*' }));

    // Assess
    expect(result.exposed).toEqual({ pull: true, push: true });
  });

  it('does not report an Allow to everyone except everyone (NotPrincipal "*")', () => {
    // Act
    const result = publicStatements(policyOf({ Effect: 'Allow', NotPrincipal: '*', Action: '*' }));

    // Assess
    expect(result.statements).toEqual([]);
  });

  it.each([
    ['an account', { AWS: 'arn:aws:iam::222222222222:root' }],
    ['a role', { AWS: 'arn:aws:iam::222222222222:role/ci' }],
    ['a service', { Service: 'codebuild.amazonaws.com' }],
  ])('does not report an Allow to %s', (_label, principal) => {
    // Act
    const result = publicStatements(policyOf({ Effect: 'Allow', Principal: principal, Action: '*' }));

    // Assess
    expect(result.statements).toEqual([]);
    expect(result.exposed).toEqual({ pull: false, push: false });
  });

  it('reports Allow with NotPrincipal: everyone but the listed principals', () => {
    // Act
    const result = publicStatements(
      policyOf({
        Effect: 'Allow',
        NotPrincipal: { AWS: 'arn:aws:iam::111111111111:role/admin' },
        Action: 'ecr:PutImage',
      }),
    );

    // Assess
    expect(result.exposed).toEqual({ pull: false, push: true });
    expect(result.statements[0]?.notPrincipal).toBe(true);
  });

  it.each([
    ['ecr:*', { pull: true, push: true }],
    ['*', { pull: true, push: true }],
    ['ecr:Batch*', { pull: true, push: false }],
    ['ecr:*Layer*', { pull: true, push: true }],
    ['ecr:Put*', { pull: false, push: true }],
    ['ecr:Describe*', { pull: false, push: false }],
    [['ecr:DescribeImages', 'ecr:ListImages'], { pull: false, push: false }],
  ])('matches the action wildcard %j', (action, expected) => {
    // Act
    const result = publicStatements(policyOf(allowAnyone(undefined, action)));

    // Assess
    expect(result.exposed).toEqual(expected);
  });

  it('reads NotAction: allowing everything but a delete exposes pull and push', () => {
    // Act
    const result = publicStatements(
      policyOf({ Effect: 'Allow', Principal: '*', NotAction: ['ecr:DeleteRepository'] }),
    );

    // Assess
    expect(result.exposed).toEqual({ pull: true, push: true });
  });

  describe('conditions on an Allow', () => {
    it.each([
      ['StringEquals aws:PrincipalOrgID', { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
      [
        'StringEquals aws:principalorgid (key case)',
        { StringEquals: { 'aws:principalorgid': 'o-a1b2c3d4e5' } },
      ],
      [
        'ForAnyValue:StringLike aws:PrincipalOrgPaths',
        { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*' } },
      ],
      ['StringEquals aws:PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': ['222222222222'] } }],
      ['StringEquals aws:SourceAccount', { StringEquals: { 'aws:SourceAccount': '222222222222' } }],
      [
        'ArnLike aws:SourceArn',
        { ArnLike: { 'aws:SourceArn': 'arn:aws:codebuild:eu-west-1:222222222222:project/*' } },
      ],
      ['StringEquals aws:SourceOwner', { StringEquals: { 'aws:SourceOwner': '222222222222' } }],
      ['ArnLike aws:PrincipalArn', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::222222222222:role/*' } }],
      ['StringEquals aws:SourceVpce', { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f60718' } }],
      ['StringEquals aws:SourceVpc', { StringEquals: { 'aws:SourceVpc': 'vpc-0a1b2c3d4e5f60718' } }],
      ['StringLike aws:userid', { StringLike: { 'aws:userid': 'AROAEXAMPLEROLEID:*' } }],
      [
        'IpAddress aws:SourceIp (private)',
        { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.1.0/24'] } },
      ],
      [
        'a restricting key beside an unrelated condition',
        { Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      ],
    ])('is not public with %s', (_label, condition) => {
      // Act
      const result = publicStatements(policyOf(allowAnyone(condition)));

      // Assess
      expect(result.statements).toEqual([]);
      expect(result.exposed.pull).toBe(false);
    });

    it.each([
      ['no condition', undefined],
      ['an unrelated condition', { Bool: { 'aws:SecureTransport': 'true' } }],
      ['a wildcard account', { StringLike: { 'aws:PrincipalAccount': '*' } }],
      ['a literal * account', { StringEquals: { 'aws:PrincipalAccount': '*' } }],
      ['a wildcard org', { StringLike: { 'aws:PrincipalOrgID': 'o-*' } }],
      ['one exact and one wildcard account', { StringLike: { 'aws:SourceAccount': ['222222222222', '*'] } }],
      ['an ARN with any account', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ci' } }],
      ['a wildcard org path', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': '*' } }],
      ['a wildcard VPC endpoint', { StringLike: { 'aws:SourceVpce': 'vpce-*' } }],
      ['a wildcard userid', { StringLike: { 'aws:userid': '*:alice' } }],
      ['SourceIp 0.0.0.0/0', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }],
      ['SourceIp with a public range', { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '203.0.113.0/24'] } }],
      ['StringNotEquals on the org', { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
      ['NotIpAddress on private ranges', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }],
      [
        'StringEqualsIfExists on the account',
        { StringEqualsIfExists: { 'aws:SourceAccount': '222222222222' } },
      ],
      [
        'ForAllValues on org paths',
        { 'ForAllValues:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/*' } },
      ],
      ['an IP operator on a string key', { IpAddress: { 'aws:PrincipalAccount': '10.0.0.0/8' } }],
      ['Null on the org id', { Null: { 'aws:PrincipalOrgID': 'false' } }],
    ])('is public with %s', (_label, condition) => {
      // Act
      const result = publicStatements(policyOf(allowAnyone(condition)));

      // Assess
      expect(result.statements).toHaveLength(1);
      expect(result.exposed).toEqual({ pull: true, push: false });
    });
  });

  describe('Deny statements', () => {
    const orgPerimeter = (extra: Record<string, unknown> = {}, action: unknown = 'ecr:*') => ({
      Sid: 'OrgOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: action,
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' }, ...extra },
    });

    it.each([
      ['a Deny outside the org on ecr:*', [orgPerimeter()]],
      ['a Deny outside the org with {"AWS": "*"}', [{ ...orgPerimeter(), Principal: { AWS: '*' } }]],
      [
        'a Deny outside the org (IfExists)',
        [
          {
            ...orgPerimeter(),
            Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
          },
        ],
      ],
      [
        'a Deny outside the org exempting AWS services',
        [orgPerimeter({ BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } })],
      ],
      [
        'a Deny outside the org and a VPC endpoint',
        [
          orgPerimeter({
            StringNotEquals: {
              'aws:PrincipalOrgID': 'o-a1b2c3d4e5',
              'aws:SourceVpce': 'vpce-0a1b2c3d4e5f60718',
            },
          }),
        ],
      ],
      [
        'a Deny outside private networks',
        [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: '*',
            Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
          },
        ],
      ],
      ['an unconditional Deny to everyone', [{ Effect: 'Deny', Principal: '*', Action: 'ecr:*' }]],
      [
        'a Deny to everyone but one role',
        [{ Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111111111111:role/ci' }, Action: '*' }],
      ],
    ])('%s closes a public Allow', (_label, denies) => {
      // Act
      const result = publicStatements(policyOf(allowAnyone(undefined, 'ecr:*'), ...denies));

      // Assess
      expect(result.statements).toEqual([]);
      expect(result.exposedActions).toEqual([]);
      expect(result.exposed).toEqual({ pull: false, push: false });
    });

    it.each([
      [
        'a Deny with a wildcard org',
        [{ ...orgPerimeter(), Condition: { StringNotLike: { 'aws:PrincipalOrgID': '*' } } }],
      ],
      [
        'a Deny with a positive operator',
        [{ ...orgPerimeter(), Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }],
      ],
      [
        'a Deny with another condition that can be sidestepped',
        [orgPerimeter({ Bool: { 'aws:SecureTransport': 'false' } })],
      ],
      ['a Deny to one account only', [{ Effect: 'Deny', Principal: { AWS: '333333333333' }, Action: '*' }]],
      [
        'a Deny with a public source range',
        [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: '*',
            Condition: { NotIpAddress: { 'aws:SourceIp': '0.0.0.0/0' } },
          },
        ],
      ],
      [
        'a Deny with ForAnyValue on org paths',
        [
          {
            ...orgPerimeter(),
            Condition: { 'ForAnyValue:StringNotLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/*' } },
          },
        ],
      ],
    ])('%s leaves a public Allow public', (_label, denies) => {
      // Act
      const result = publicStatements(policyOf(allowAnyone(undefined, 'ecr:*'), ...denies));

      // Assess
      expect(result.exposed).toEqual({ pull: true, push: true });
      expect(result.statements.map((s) => s.sid)).toEqual(['Anyone']);
    });

    it('closes only the actions a Deny covers', () => {
      // Prepare: push is denied outside the org, pull is not.
      const policy = policyOf(allowAnyone(undefined, 'ecr:*'), orgPerimeter({}, ECR_PUSH_ACTIONS));

      // Act
      const result = publicStatements(policy);

      // Assess
      expect(result.exposed).toEqual({ pull: true, push: false });
      expect(result.exposedActions).toEqual(['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']);
    });

    it('honours a Deny written with NotAction', () => {
      // Prepare: deny everything but pulls outside the org.
      const policy = policyOf(allowAnyone(undefined, 'ecr:*'), {
        ...orgPerimeter(),
        Action: undefined,
        NotAction: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      });

      // Act
      const result = publicStatements(policy);

      // Assess
      expect(result.exposed).toEqual({ pull: true, push: false });
    });
  });

  it('returns only the public statements among several, in policy order', () => {
    // Prepare
    const policy = policyOf(
      {
        Sid: 'Ci',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::222222222222:role/ci' },
        Action: 'ecr:*',
      },
      { Sid: 'PullAnyone', ...pullAll },
      allowAnyone({ StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }, 'ecr:PutImage'),
      { Sid: 'Describe', Effect: 'Allow', Principal: '*', Action: 'ecr:DescribeImages' },
    );

    // Act
    const result = publicStatements(policy);

    // Assess
    expect(result.statements.map((s) => s.sid)).toEqual(['PullAnyone']);
  });

  it('asks about other actions when given groups of its own', () => {
    // Prepare
    const policy = policyOf({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' });

    // Act
    const result = publicStatements(policy, { read: ['s3:GetObject'], write: ['s3:PutObject'] });

    // Assess
    expect(result.exposed).toEqual({ read: true, write: false });
    expect(result.exposedActions).toEqual(['s3:GetObject']);
  });

  it('finds nothing in an unparseable policy (the caller decides what that means)', () => {
    // Act
    const result = publicStatements(parsePolicy('{"Statement": ['));

    // Assess
    expect(result).toEqual({ statements: [], exposedActions: [], exposed: { pull: false, push: false } });
  });
});

describe('hostile policies', () => {
  // An action of `ecr:` and a run of stars before a letter that does not match: 14 stars took 44 s
  // through a backtracking regular expression, 22 never finished. AWS's validator accepts it.
  const stall = (stars: number) => `ecr:${'*'.repeat(stars)}Q`;

  it('evaluates a star run in a public statement, and the pull it really grants beside it', () => {
    // Prepare
    const policy = policyOf(allowAnyone(undefined, [stall(22), 'ecr:BatchGetImage']));

    // Act
    const result = publicStatements(policy);

    // Assess
    expect(result.exposed).toEqual({ pull: true, push: false });
    expect(result.exposedActions).toEqual(['ecr:BatchGetImage']);
  });

  it('evaluates many statements of pathological patterns, none of which matches', () => {
    // Prepare: 300 statements of 30 patterns each, every one a star run that never matches.
    const statements = Array.from({ length: 300 }, (_, i) =>
      allowAnyone(
        undefined,
        Array.from({ length: 30 }, (_, j) => `ecr:${'*a'.repeat(10 + ((i + j) % 20))}${'*'.repeat(40)}Z`),
      ),
    );

    // Act
    const result = publicStatements(policyOf(...statements));

    // Assess
    expect(result.exposed).toEqual({ pull: false, push: false });
  });

  it('reads a deeply nested condition as no condition, so the grant stays public', () => {
    // Prepare: a condition value nested 10,000 arrays deep restricts nothing.
    const nested = `${'['.repeat(10_000)}"o-abc123def4"${']'.repeat(10_000)}`;
    const policy = parsePolicy(
      `{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", ` +
        `"Condition": {"StringEquals": {"aws:PrincipalOrgID": ${nested}}}}}`,
    );

    // Act
    const result = publicStatements(policy);

    // Assess
    expect(result.exposed.pull).toBe(true);
  });

  it('errs towards exposure on an action pattern too long to be real', () => {
    // Prepare: an over-long pattern in an Allow could grant anything; in a Deny it closes nothing.
    const long = `ecr:${'?'.repeat(5000)}`;
    const allow = policyOf(allowAnyone(undefined, long));
    const denied = policyOf(allowAnyone(undefined, 'ecr:*'), {
      Effect: 'Deny',
      Principal: '*',
      Action: long,
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } },
    });

    // Act + Assess
    expect(publicStatements(allow).exposed).toEqual({ pull: true, push: true });
    expect(publicStatements(denied).exposed).toEqual({ pull: true, push: true });
  });
});
