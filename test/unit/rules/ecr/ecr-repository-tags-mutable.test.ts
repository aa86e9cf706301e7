import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/ecr/ecr-repository-tags-mutable.ts';
import { defaultRuleSettings, type RuleContext } from '../../../../src/engine/types.ts';
import type { EcrRepository } from '../../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../../src/lifecycle/catalogue.ts';
import { collectionFailure, failed, makeSnapshot, ok } from '../../../fixtures/snapshot.ts';
import { makeRepository } from '../../../fixtures/storage.ts';

const ctx: RuleContext = {
  now: new Date('2026-11-25T00:00:00Z'),
  settings: defaultRuleSettings,
  lifecycle: lifecycleCatalogue,
};

const evaluate = (...repositories: EcrRepository[]) =>
  rule.evaluate(makeSnapshot({ 'ecr.repositories': ok(repositories) }), ctx);

describe('ecr-repository-tags-mutable', () => {
  it.each([['IMMUTABLE'], ['IMMUTABLE_WITH_EXCLUSION'], [undefined]])(
    'passes a repository with tag mutability %s',
    (imageTagMutability) => {
      // Prepare
      const repo = makeRepository({ imageTagMutability });

      // Act + Assess
      expect(evaluate(repo)).toEqual([]);
    },
  );

  it('reports a MUTABLE repository', () => {
    // Prepare
    const repo = makeRepository({ repositoryName: 'team/web', imageTagMutability: 'MUTABLE' });

    // Act
    const results = evaluate(repo);

    // Assess
    expect(results).toEqual([
      {
        resourceId: 'team/web',
        resourceArn: repo.repositoryArn,
        message: 'ECR repository team/web lets a push overwrite any existing image tag.',
        evidence: { imageTagMutability: 'MUTABLE' },
        cli: 'aws ecr put-image-tag-mutability --repository-name team/web --region eu-west-1 --image-tag-mutability IMMUTABLE',
      },
    ]);
  });

  it('reports MUTABLE_WITH_EXCLUSION: every tag but the excluded ones can move', () => {
    // Prepare
    const repo = makeRepository({ imageTagMutability: 'MUTABLE_WITH_EXCLUSION' });

    // Act
    const [result] = evaluate(repo);

    // Assess
    expect(result?.message).toContain('every image tag its exclusion filters do not pin');
    expect(result?.evidence).toEqual({ imageTagMutability: 'MUTABLE_WITH_EXCLUSION' });
  });

  it('reports only the mutable ones among several repositories', () => {
    // Prepare
    const repositories = [
      makeRepository({ repositoryName: 'a', imageTagMutability: 'MUTABLE' }),
      makeRepository({ repositoryName: 'b', imageTagMutability: 'IMMUTABLE' }),
      makeRepository({ repositoryName: 'c', imageTagMutability: 'MUTABLE' }),
    ];

    // Act + Assess
    expect(evaluate(...repositories).map((r) => r.resourceId)).toEqual(['a', 'c']);
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

  it('is low severity and cites Security Hub ECR.2', () => {
    expect(rule.severity).toBe('low');
    expect(rule.references.securityHub).toBe('ECR.2');
  });
});
