import { describe, expect, it } from 'vitest';
import { repositoryFilterMatches, rule } from '../../../../rules/ecr/ecr-repository-scan-on-push-disabled.ts';
import { defaultRuleSettings, type RuleContext } from '../../../../src/engine/types.ts';
import type { EcrRegistryScanning, EcrRepository, Sources } from '../../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../../src/lifecycle/catalogue.ts';
import { collectionFailure, failed, makeSnapshot, ok } from '../../../fixtures/snapshot.ts';
import { makeRegistryScanning, makeRepository } from '../../../fixtures/storage.ts';

const ctx: RuleContext = {
  now: new Date('2026-11-25T00:00:00Z'),
  settings: defaultRuleSettings,
  lifecycle: lifecycleCatalogue,
};

const evaluate = (registry: EcrRegistryScanning, ...repositories: EcrRepository[]) =>
  rule.evaluate(
    makeSnapshot({ 'ecr.repositories': ok(repositories), 'ecr.registryScanning': ok([registry]) }),
    ctx,
  );

const unscanned = makeRepository({ repositoryName: 'team/api', scanOnPush: false });

describe('repositoryFilterMatches (ECR filter semantics)', () => {
  // The table in the ECR user guide, "Filters to choose which repositories are scanned".
  const names = ['prod', 'repo-prod', 'prod-repo', 'repo-prod-repo', 'prodrepo'];
  it.each([
    ['prod', [true, true, true, true, true]],
    ['*prod', [true, true, false, false, false]],
    ['prod*', [true, false, true, false, true]],
    ['*prod*', [true, true, true, true, true]],
    ['prod*repo', [false, false, true, false, true]],
    ['*', [true, true, true, true, true]],
  ])('%s', (filter, expected) => {
    expect(names.map((n) => repositoryFilterMatches(filter, n))).toEqual(expected);
  });

  it('treats regular-expression characters in a filter literally', () => {
    expect(repositoryFilterMatches('team.api*', 'teamxapi')).toBe(false);
    expect(repositoryFilterMatches('team.api*', 'team.api-v2')).toBe(true);
  });
});

describe('ecr-repository-scan-on-push-disabled', () => {
  it.each([
    [
      'scan on push on, basic scanning without rules',
      makeRepository({ scanOnPush: true }),
      makeRegistryScanning(),
    ],
    [
      'scan on push off, a basic scan-on-push filter matching it',
      unscanned,
      makeRegistryScanning({ rules: [{ scanFrequency: 'SCAN_ON_PUSH', filters: ['team/*'] }] }),
    ],
    [
      'enhanced continuous scanning of everything',
      unscanned,
      makeRegistryScanning({
        scanType: 'ENHANCED',
        rules: [{ scanFrequency: 'CONTINUOUS_SCAN', filters: ['*'] }],
      }),
    ],
    [
      'enhanced scan on push by substring filter',
      unscanned,
      makeRegistryScanning({
        scanType: 'ENHANCED',
        rules: [{ scanFrequency: 'SCAN_ON_PUSH', filters: ['api'] }],
      }),
    ],
  ])('passes a repository with %s', (_label, repo, registry) => {
    expect(evaluate(registry, repo)).toEqual([]);
  });

  it('reports scan on push off under basic scanning without a matching filter', () => {
    // Prepare
    const registry = makeRegistryScanning({
      rules: [{ scanFrequency: 'SCAN_ON_PUSH', filters: ['billing-*'] }],
    });

    // Act
    const results = evaluate(registry, unscanned);

    // Assess
    expect(results).toEqual([
      {
        resourceId: 'team/api',
        resourceArn: unscanned.repositoryArn,
        message:
          'ECR repository team/api has scan on push disabled and no registry scan-on-push filter matches it.',
        evidence: { scanOnPush: false, registryScanType: 'BASIC', registryRules: registry.rules },
        cli: 'aws ecr put-image-scanning-configuration --repository-name team/api --region eu-west-1 --image-scanning-configuration scanOnPush=true',
      },
    ]);
  });

  it('does not count a basic MANUAL rule as coverage', () => {
    // Prepare
    const registry = makeRegistryScanning({ rules: [{ scanFrequency: 'MANUAL', filters: ['*'] }] });

    // Act + Assess
    expect(evaluate(registry, unscanned)).toHaveLength(1);
  });

  it('reports an enhanced registry whose filters miss the repository, even with scan on push on', () => {
    // Prepare: under enhanced scanning ECR scans only what the registry filters match.
    const repo = makeRepository({ repositoryName: 'team/api', scanOnPush: true });
    const registry = makeRegistryScanning({
      scanType: 'ENHANCED',
      rules: [{ scanFrequency: 'CONTINUOUS_SCAN', filters: ['prod-*'] }],
    });

    // Act
    const [result] = evaluate(registry, repo);

    // Assess
    expect(result?.message).toContain('not matched by any enhanced scanning filter');
    expect(result?.evidence).toMatchObject({ scanOnPush: true, registryScanType: 'ENHANCED' });
    // The command keeps the existing filters and adds this repository's.
    expect(result?.cli).toBe(
      'aws ecr put-registry-scanning-configuration --region eu-west-1 --scan-type ENHANCED --rules ' +
        '\'[{"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"prod-*","filterType":"WILDCARD"},' +
        '{"filter":"team/api","filterType":"WILDCARD"}]}]\'',
    );
  });

  it('treats a registry with no configuration listed as basic scanning', () => {
    // Prepare
    const snapshot = makeSnapshot({ 'ecr.repositories': ok([unscanned]), 'ecr.registryScanning': ok([]) });

    // Act
    const results = rule.evaluate(snapshot, ctx);

    // Assess
    expect(results.map((r) => r.evidence.registryScanType)).toEqual(['BASIC']);
  });

  it('yields nothing for an empty inventory', () => {
    expect(evaluate(makeRegistryScanning())).toEqual([]);
  });

  it.each([
    [
      'repositories',
      {
        'ecr.repositories': failed(collectionFailure('ecr.repositories', 'ecr:DescribeRepositories')),
        'ecr.registryScanning': ok([makeRegistryScanning()]),
      },
    ],
    [
      'registry scanning',
      {
        'ecr.repositories': ok([unscanned]),
        'ecr.registryScanning': failed(
          collectionFailure('ecr.registryScanning', 'ecr:GetRegistryScanningConfiguration'),
        ),
      },
    ],
  ] satisfies [string, Sources][])(
    'yields nothing, without throwing, when %s could not be read',
    (_label, sources) => {
      expect(rule.evaluate(makeSnapshot(sources), ctx)).toEqual([]);
    },
  );

  it('declares both sources it reads', () => {
    expect(rule.requires).toEqual(['ecr.repositories', 'ecr.registryScanning']);
    expect(rule.references.securityHub).toBe('ECR.1');
  });
});
