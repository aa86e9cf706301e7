import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/ecr/ecr-repository-public.ts';
import { defaultRuleSettings, type RuleContext } from '../../../../src/engine/types.ts';
import { parsePolicy } from '../../../../src/inventory/policy.ts';
import type { EcrRepository } from '../../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../../src/lifecycle/catalogue.ts';
import { collectionFailure, failed, makeSnapshot, ok } from '../../../fixtures/snapshot.ts';
import { makeRepository, policyOf } from '../../../fixtures/storage.ts';

const ctx: RuleContext = {
  now: new Date('2026-11-25T00:00:00Z'),
  settings: defaultRuleSettings,
  lifecycle: lifecycleCatalogue,
};

const evaluate = (...repositories: EcrRepository[]) =>
  rule.evaluate(makeSnapshot({ 'ecr.repositories': ok(repositories) }), ctx);

const PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];
const orgCondition = { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } };

describe('ecr-repository-public', () => {
  it('passes a repository without a policy, or with one granting named accounts only', () => {
    // Prepare
    const repositories = [
      makeRepository({ repositoryName: 'no-policy', policy: null }),
      makeRepository({
        repositoryName: 'cross-account',
        policy: policyOf({
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::222222222222:root' },
          Action: 'ecr:*',
        }),
      }),
    ];

    // Act
    const results = evaluate(...repositories);

    // Assess
    expect(results).toEqual([]);
  });

  it('reports pull open to anyone as high, with the offending statement as evidence', () => {
    // Prepare
    const repo = makeRepository({
      policy: policyOf({ Sid: 'PublicPull', Effect: 'Allow', Principal: { AWS: '*' }, Action: PULL }),
    });

    // Act
    const results = evaluate(repo);

    // Assess
    expect(results).toEqual([
      {
        resourceId: 'team/api',
        resourceArn: repo.repositoryArn,
        severity: 'high',
        message: expect.stringContaining('lets anyone pull images'),
        evidence: {
          pullPublic: true,
          pushPublic: false,
          publicActions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          statements: [{ sid: 'PublicPull', effect: 'Allow', principal: '*', action: PULL, conditions: {} }],
        },
        cli: 'aws ecr delete-repository-policy --repository-name team/api --region eu-west-1',
      },
    ]);
  });

  it.each([
    ['ecr:*', 'pull and push'],
    ['*', 'pull and push'],
    [['ecr:PutImage', 'ecr:InitiateLayerUpload'], 'push'],
    ['ecr:*Layer*', 'pull and push'],
  ])('reports %j open to anyone as critical (%s)', (action, access) => {
    // Prepare
    const repo = makeRepository({ policy: policyOf({ Effect: 'Allow', Principal: '*', Action: action }) });

    // Act
    const [result] = evaluate(repo);

    // Assess
    expect(result?.severity).toBe('critical');
    expect(result?.message).toContain(`lets anyone ${access} images`);
    expect(result?.evidence.pushPublic).toBe(true);
  });

  it.each([
    ['aws:PrincipalOrgID', orgCondition],
    ['aws:SourceAccount', { StringEquals: { 'aws:SourceAccount': '222222222222' } }],
    ['aws:PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': '222222222222' } }],
    ['aws:SourceVpce', { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f60718' } }],
    ['aws:SourceIp (private)', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }],
  ])('passes an Allow to * restricted by %s', (_label, condition) => {
    // Prepare
    const repo = makeRepository({
      policy: policyOf({ Effect: 'Allow', Principal: '*', Action: 'ecr:*', Condition: condition }),
    });

    // Act + Assess
    expect(evaluate(repo)).toEqual([]);
  });

  it.each([
    ['a wildcard account', { StringLike: { 'aws:PrincipalAccount': ['*'] } }],
    ['SourceIp 0.0.0.0/0', { IpAddress: { 'aws:SourceIp': ['0.0.0.0/0'] } }],
    ['a negated org condition', { StringNotEquals: { 'aws:PrincipalOrgID': ['o-a1b2c3d4e5'] } }],
  ])('reports an Allow to * whose condition does not restrict: %s', (_label, condition) => {
    // Prepare
    const repo = makeRepository({
      policy: policyOf({ Effect: 'Allow', Principal: '*', Action: PULL, Condition: condition }),
    });

    // Act
    const [result] = evaluate(repo);

    // Assess
    expect(result?.severity).toBe('high');
    expect(result?.evidence.statements).toEqual([
      expect.objectContaining({ principal: '*', conditions: condition }),
    ]);
  });

  it('passes a public Allow closed by a Deny outside the organization', () => {
    // Prepare
    const repo = makeRepository({
      policy: policyOf(
        { Effect: 'Allow', Principal: '*', Action: 'ecr:*' },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'ecr:*',
          Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
        },
      ),
    });

    // Act + Assess
    expect(evaluate(repo)).toEqual([]);
  });

  it('reports Allow with NotPrincipal and shows it as notPrincipal in the evidence', () => {
    // Prepare
    const repo = makeRepository({
      policy: policyOf({
        Sid: 'AllButAdmin',
        Effect: 'Allow',
        NotPrincipal: { AWS: 'arn:aws:iam::111111111111:role/admin' },
        Action: 'ecr:PutImage',
      }),
    });

    // Act
    const [result] = evaluate(repo);

    // Assess
    expect(result?.severity).toBe('critical');
    expect(result?.evidence.statements).toEqual([
      {
        sid: 'AllButAdmin',
        effect: 'Allow',
        notPrincipal: ['arn:aws:iam::111111111111:role/admin'],
        action: ['ecr:PutImage'],
        conditions: {},
      },
    ]);
  });

  it('suggests rewriting the policy, not deleting it, when it also holds legitimate grants', () => {
    // Prepare
    const repo = makeRepository({
      policy: policyOf(
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'ecr:*' },
        { Effect: 'Allow', Principal: '*', Action: PULL },
      ),
    });

    // Act
    const [result] = evaluate(repo);

    // Assess
    expect(result?.cli).toMatch(/^aws ecr set-repository-policy --repository-name team\/api /);
  });

  it('yields nothing for a repository whose policy could not be read', () => {
    // Prepare: `policy` undefined, the GetRepositoryPolicy error is in the snapshot.
    const repo = makeRepository({ policy: undefined });

    // Act + Assess
    expect(evaluate(repo)).toEqual([]);
  });

  it('reports a policy it cannot analyse as info, with the raw text', () => {
    // Prepare
    const repo = makeRepository({ policy: parsePolicy('{"Statement": [') });

    // Act
    const results = evaluate(repo);

    // Assess
    expect(results).toEqual([
      expect.objectContaining({
        resourceId: 'team/api',
        severity: 'info',
        evidence: { parseError: expect.stringMatching(/not valid JSON/), policy: '{"Statement": [' },
      }),
    ]);
  });

  it('still reports public statements that sit beside a malformed one', () => {
    // Prepare
    const repo = makeRepository({
      policy: policyOf('not a statement', { Effect: 'Allow', Principal: '*', Action: PULL }),
    });

    // Act
    const [result] = evaluate(repo);

    // Assess
    expect(result?.severity).toBe('high');
    expect(result?.evidence.parseError).toBe('Statement 0 is not an object');
    expect(result?.cli).toContain('set-repository-policy');
  });

  it('yields nothing for an empty inventory', () => {
    expect(evaluate()).toEqual([]);
  });

  it('yields nothing, without throwing, when the repositories could not be listed', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'ecr.repositories': failed(collectionFailure('ecr.repositories', 'ecr:DescribeRepositories')),
    });

    // Act + Assess
    expect(rule.evaluate(snapshot, ctx)).toEqual([]);
  });

  it('declares what it reads and carries complete metadata', () => {
    expect(rule.id).toBe('ecr-repository-public');
    expect(rule.service).toBe('ecr');
    expect(rule.requires).toEqual(['ecr.repositories']);
    expect(rule.references.docs.length).toBeGreaterThan(0);
  });

  it('reports a public pull hidden behind a pathological action, with the name quoted in the command', () => {
    // Prepare: a star run that stalls a backtracking matcher, beside a real grant of pull.
    const repository = makeRepository({
      repositoryName: "team/app';reboot;'",
      policy: policyOf({ Effect: 'Allow', Principal: '*', Action: [`ecr:${'*'.repeat(22)}Q`, ...PULL] }),
    });

    // Act
    const results = evaluate(repository);

    // Assess
    expect(results.map((r) => r.severity)).toEqual(['high']);
    expect(results[0]?.cli).toContain(String.raw`--repository-name 'team/app'\'';reboot;'\''' `);
  });
});
