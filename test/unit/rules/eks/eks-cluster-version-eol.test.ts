import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/eks/eks-cluster-version-eol.ts';
import { defaultRuleSettings, type RuleContext } from '../../../../src/engine/types.ts';
import type { EksCluster } from '../../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../../src/lifecycle/catalogue.ts';
import { makeVersionSupport } from '../../../fixtures/eks.ts';
import {
  collectionFailure,
  FIXTURE_ACCOUNT,
  FIXTURE_REGION,
  failed,
  makeEksCluster,
  makeSnapshot,
  ok,
} from '../../../fixtures/snapshot.ts';

const ctx: RuleContext = {
  now: new Date('2026-11-25T00:00:00Z'),
  settings: defaultRuleSettings,
  lifecycle: lifecycleCatalogue,
};
const evaluate = (clusters: EksCluster[], context: RuleContext = ctx) =>
  rule.evaluate(makeSnapshot({ 'eks.clusters': ok(clusters) }), context);
const catalogueSource = expect.stringContaining('userguide/kubernetes-versions.html');

describe('eks-cluster-version-eol', () => {
  it('reports nothing for a cluster on a version in standard support (passing case)', () => {
    // 1.35's standard support runs to 2027-03-27, 122 days away.
    expect(evaluate([makeEksCluster({ version: '1.35' })])).toEqual([]);
  });

  it('reports a cluster on billed extended support as high, from the catalogue (failing case)', () => {
    // Prepare: the fixture cluster runs 1.31 (standard support ended 2025-11-26).
    const cluster = makeEksCluster({ platformVersion: 'eks.24' });

    // Act
    const results = evaluate([cluster]);

    // Assess
    expect(results).toEqual([
      {
        resourceId: 'platform',
        resourceArn: `arn:aws:eks:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:cluster/platform`,
        severity: 'high',
        message:
          'EKS cluster platform runs Kubernetes 1.31: standard support ended on 2025-11-26 (364 days ago); ' +
          'security fixes continue only with Amazon EKS extended support (billed per cluster hour), until ' +
          '2026-11-26; upgrade it to 1.32.',
        evidence: {
          kubernetesVersion: '1.31',
          platformVersion: 'eks.24',
          connected: false,
          lifecycleState: 'past-standard',
          endOfStandardSupport: '2025-11-26',
          endOfExtendedSupport: '2026-11-26',
          daysPastEnd: 364,
          daysUntilExtendedEnd: 1,
          supportKind: 'paid',
          paidProduct: 'Amazon EKS extended support (billed per cluster hour)',
          lifecycleSource: catalogueSource,
        },
        cli: 'aws eks update-cluster-version --name platform --kubernetes-version 1.32',
      },
    ]);
  });

  it.each<[string, string | undefined, string | undefined]>([
    ['1.30 (extended support ended 2026-07-23)', '1.30', 'critical'],
    ['1.31 (extended support ends tomorrow)', '1.31', 'high'],
    ['1.33 (standard support ended 2026-07-29)', '1.33', 'high'],
    ['1.34 (standard support ends 2026-12-02, in 7 days)', '1.34', 'low'],
    ['1.35', '1.35', undefined],
    ['1.19 (older than the catalogue)', '1.19', 'critical'],
    ['a version newer than the catalogue', '1.40', undefined],
    ['a patch version of 1.30', '1.30.4', 'critical'],
    ['no version', undefined, undefined],
    ['a version that is not one', 'latest', undefined],
  ])('%s → %s', (_label, version, severity) => {
    // Prepare
    const cluster = makeEksCluster(version === undefined ? {} : { version });
    if (version === undefined) delete cluster.version;

    // Act
    const results = evaluate([cluster]);

    // Assess
    expect(results.map((r) => r.severity)).toEqual(severity ? [severity] : []);
  });

  it("reports a version older than the catalogue's oldest (moto's default 1.19) as past extended support", () => {
    // Act
    const [result] = evaluate([makeEksCluster({ name: 'beta', version: '1.19', arn: undefined })]);

    // Assess
    expect(result).toEqual({
      resourceId: 'beta',
      resourceArn: `arn:aws:eks:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:cluster/beta`,
      severity: 'critical',
      message:
        'EKS cluster beta runs Kubernetes 1.19, older than every version in the lifecycle catalogue ' +
        '(the oldest, 1.23, left extended support on 2024-10-11): it is long past extended support.',
      evidence: {
        kubernetesVersion: '1.19',
        connected: false,
        lifecycleState: 'past-extended',
        supportKind: 'none',
        predatesCatalogue: true,
        oldestCatalogued: '1.23',
        oldestCataloguedEndOfExtendedSupport: '2024-10-11',
        endOfStandardSupport: null,
        endOfExtendedSupport: null,
        lifecycleSource: catalogueSource,
      },
      cli: 'aws eks update-cluster-version --name beta --kubernetes-version 1.20',
    });
  });

  it('prefers the live dates from eks:DescribeClusterVersions and says so', () => {
    // Prepare: EKS moved 1.31's dates (hypothetically) to 2026-01-15 / 2027-01-15.
    const cluster = makeEksCluster({
      versionSupport: makeVersionSupport({
        endOfStandardSupport: '2026-01-15',
        endOfExtendedSupport: '2027-01-15',
        status: 'EXTENDED_SUPPORT',
      }),
    });

    // Act
    const [result] = evaluate([cluster]);

    // Assess
    expect(result?.severity).toBe('high');
    expect(result?.evidence).toMatchObject({
      versionStatus: 'EXTENDED_SUPPORT',
      endOfStandardSupport: '2026-01-15',
      endOfExtendedSupport: '2027-01-15',
      daysPastEnd: 314,
      daysUntilExtendedEnd: 51,
      lifecycleSource: 'eks:DescribeClusterVersions',
    });
  });

  it('judges a version the catalogue lacks by its live dates when EKS gave them', () => {
    // Act
    const [result] = evaluate([
      makeEksCluster({
        version: '1.19',
        versionSupport: makeVersionSupport({
          endOfStandardSupport: '2022-06-01',
          endOfExtendedSupport: '2023-06-01',
          status: 'UNSUPPORTED',
        }),
      }),
    ]);

    // Assess
    expect(result?.severity).toBe('critical');
    expect(result?.evidence).not.toHaveProperty('predatesCatalogue');
    expect(result?.evidence).toMatchObject({
      endOfExtendedSupport: '2023-06-01',
      lifecycleSource: 'eks:DescribeClusterVersions',
    });
  });

  it('completes live dates that lack the end of extended support from the catalogue, naming both sources', () => {
    // Act
    const [result] = evaluate([
      makeEksCluster({ versionSupport: makeVersionSupport({ endOfExtendedSupport: undefined }) }),
    ]);

    // Assess
    expect(result?.evidence).toMatchObject({
      endOfStandardSupport: '2025-11-26',
      endOfExtendedSupport: '2026-11-26',
      lifecycleSource: expect.stringMatching(
        /^eks:DescribeClusterVersions; end of extended support from .*kubernetes-versions\.html/,
      ),
    });
  });

  it('falls back to the catalogue when the live answer has no end of standard support', () => {
    // Act
    const [result] = evaluate([
      makeEksCluster({
        versionSupport: { status: 'EXTENDED_SUPPORT', source: 'eks:DescribeClusterVersions' },
      }),
    ]);

    // Assess
    expect(result?.evidence).toMatchObject({
      endOfStandardSupport: '2025-11-26',
      lifecycleSource: catalogueSource,
    });
  });

  it('evaluates a connected cluster whose version is known, and says it is upgraded with its own tooling', () => {
    // Prepare
    const onprem = makeEksCluster({
      name: 'onprem',
      arn: `arn:aws:eks:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:cluster/onprem`,
      version: '1.28',
      connected: true,
      connectorProvider: 'EKS_ANYWHERE',
    });

    // Act
    const [result] = evaluate([onprem]);

    // Assess
    expect(result?.severity).toBe('critical');
    expect(result?.message).toBe(
      'Connected EKS cluster onprem (EKS_ANYWHERE) runs Kubernetes 1.28: standard support ended on ' +
        '2024-11-26 and EKS extended support on 2025-11-26 (364 days ago); ' +
        'upgrade it with its own tooling.',
    );
    expect(result?.evidence).toMatchObject({ connected: true, connectorProvider: 'EKS_ANYWHERE' });
    expect(result?.cli).toContain('aws eks describe-cluster-versions');
  });

  it.each<[string, string, string | undefined]>([
    ['91 days before the end', '2026-09-02T00:00:00Z', undefined],
    ['exactly warningDays (90) before the end', '2026-09-03T00:00:00Z', 'low'],
    ['the end date itself', '2026-12-02T18:00:00Z', 'low'],
    ['one day after the end', '2026-12-03T00:00:00Z', 'high'],
    ['the end of extended support itself', '2027-12-02T00:00:00Z', 'high'],
    ['one day after the end of extended support', '2027-12-03T00:00:00Z', 'critical'],
  ])('1.34 (standard support to 2026-12-02, extended to 2027-12-02) %s → %s', (_label, now, severity) => {
    // Act
    const results = evaluate([makeEksCluster({ version: '1.34' })], { ...ctx, now: new Date(now) });

    // Assess
    expect(results.map((r) => r.severity)).toEqual(severity ? [severity] : []);
  });

  it('reports nothing for an empty inventory', () => {
    expect(evaluate([])).toEqual([]);
  });

  it('yields nothing, without throwing, when the clusters could not be read (failed source)', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'eks.clusters': failed(collectionFailure('eks.clusters', 'eks:ListClusters', 'AccessDeniedException')),
    });

    // Act / Assess
    expect(rule.evaluate(snapshot, ctx)).toEqual([]);
  });

  it('declares what it reads and full metadata', () => {
    expect(rule).toMatchObject({
      id: 'eks-cluster-version-eol',
      service: 'eks',
      resourceType: 'AwsEksCluster',
      severity: 'critical',
      requires: ['eks.clusters'],
      references: { securityHub: 'EKS.2' },
    });
  });
});
