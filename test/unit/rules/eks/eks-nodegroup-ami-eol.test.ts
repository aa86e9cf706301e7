import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/eks/eks-nodegroup-ami-eol.ts';
import { defaultRuleSettings, type RuleContext } from '../../../../src/engine/types.ts';
import type { EksNodegroup } from '../../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../../src/lifecycle/catalogue.ts';
import { makeEksNodegroup } from '../../../fixtures/eks.ts';
import {
  collectionFailure,
  FIXTURE_ACCOUNT,
  FIXTURE_REGION,
  failed,
  makeSnapshot,
  ok,
} from '../../../fixtures/snapshot.ts';

const ctx: RuleContext = {
  now: new Date('2026-11-25T00:00:00Z'),
  settings: defaultRuleSettings,
  lifecycle: lifecycleCatalogue,
};
const evaluate = (nodegroups: EksNodegroup[], context: RuleContext = ctx) =>
  rule.evaluate(makeSnapshot({ 'eks.nodegroups': ok(nodegroups) }), context);

describe('eks-nodegroup-ami-eol', () => {
  it('reports nothing for a node group on Amazon Linux 2023 (passing case)', () => {
    expect(evaluate([makeEksNodegroup({ amiType: 'AL2023_x86_64_STANDARD' })])).toEqual([]);
  });

  it('reports an Amazon Linux 2 node group as critical, with its evidence and a replacement command (failing case)', () => {
    // Prepare
    const nodegroup = makeEksNodegroup();

    // Act
    const results = evaluate([nodegroup]);

    // Assess
    expect(results).toEqual([
      {
        resourceId: 'platform/workers',
        resourceArn: `arn:aws:eks:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:nodegroup/platform/workers/4ec5a1b2-3c4d-5e6f-7a8b-9c0d1e2f3a4b`,
        severity: 'critical',
        message:
          'EKS node group workers of cluster platform uses AMI type AL2_x86_64 (Amazon Linux 2): EKS support ' +
          'ended on 2025-11-26 (364 days ago) and there is no extended support; replace it with a node ' +
          'group of AMI type AL2023_x86_64_STANDARD.',
        evidence: {
          amiType: 'AL2_x86_64',
          endOfSupport: '2025-11-26',
          releaseVersion: '1.31.2-20250123',
          kubernetesVersion: '1.31',
          os: {
            name: 'Amazon Linux 2',
            family: 'amazon-linux',
            version: '2',
            endOfStandardSupport: '2026-06-30',
          },
          lifecycleState: 'past-extended',
          endOfStandardSupport: '2025-11-26',
          endOfExtendedSupport: null,
          daysPastEnd: 364,
          supportKind: 'none',
          lifecycleSource: 'https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html',
          replacementAmiType: 'AL2023_x86_64_STANDARD',
        },
        cli:
          'aws eks create-nodegroup --cluster-name platform --nodegroup-name workers-al2023-x86-64-standard ' +
          '--ami-type AL2023_x86_64_STANDARD --instance-types m6i.large ' +
          '--scaling-config minSize=2,maxSize=6,desiredSize=3 --capacity-type ON_DEMAND ' +
          '--node-role <node-role-arn> --subnets <subnet-id> <subnet-id>',
      },
    ]);
  });

  it.each<[string | undefined, string | undefined]>([
    ['AL2_x86_64', 'AL2023_x86_64_STANDARD'],
    ['AL2_x86_64_GPU', 'AL2023_x86_64_NVIDIA'],
    ['AL2_ARM_64', 'AL2023_ARM_64_STANDARD'],
    ['AL2023_x86_64_STANDARD', undefined],
    ['AL2023_ARM_64_STANDARD', undefined],
    ['BOTTLEROCKET_ARM_64', undefined],
    ['WINDOWS_CORE_2022_x86_64', undefined],
    ['CUSTOM', undefined],
    [undefined, undefined],
  ])('AMI type %s → replacement %s', (amiType, replacement) => {
    // Prepare
    const nodegroup = makeEksNodegroup(amiType ? { amiType } : {});
    if (!amiType) delete nodegroup.amiType;

    // Act
    const results = evaluate([nodegroup]);

    // Assess
    expect(results.map((r) => [r.severity, r.evidence.replacementAmiType])).toEqual(
      replacement ? [['critical', replacement]] : [],
    );
  });

  it.each<[string, string, string | undefined]>([
    ['91 days before the end', '2025-08-27T00:00:00Z', undefined],
    ['exactly warningDays (90) before the end', '2025-08-28T00:00:00Z', 'low'],
    ['the end date itself', '2025-11-26T20:00:00Z', 'low'],
    ['one day after the end (no extended support)', '2025-11-27T00:00:00Z', 'critical'],
  ])('AL2_x86_64 (supported to 2025-11-26) %s → %s', (_label, now, severity) => {
    // Act
    const results = evaluate([makeEksNodegroup()], { ...ctx, now: new Date(now) });

    // Assess
    expect(results.map((r) => r.severity)).toEqual(severity ? [severity] : []);
  });

  it('says when the end is near', () => {
    // Act
    const [result] = evaluate([makeEksNodegroup()], { ...ctx, now: new Date('2025-11-16T00:00:00Z') });

    // Assess
    expect(result?.message).toContain('EKS standard support ends on 2025-11-26, in 10 days;');
    expect(result?.evidence).toMatchObject({ lifecycleState: 'ending-soon', daysUntilEnd: 10 });
  });

  it('leaves out of the command what the node group does not say', () => {
    // Act
    const [result] = evaluate([
      makeEksNodegroup({ amiType: 'AL2_ARM_64', instanceTypes: [], scaling: {}, capacityType: undefined }),
    ]);

    // Assess
    expect(result?.cli).toBe(
      'aws eks create-nodegroup --cluster-name platform --nodegroup-name workers-al2023-arm-64-standard ' +
        '--ami-type AL2023_ARM_64_STANDARD --node-role <node-role-arn> --subnets <subnet-id> <subnet-id>',
    );
  });

  it('builds the ARN when the node group has none', () => {
    // Act
    const [result] = evaluate([makeEksNodegroup({ nodegroupArn: undefined })]);

    // Assess
    expect(result?.resourceArn).toBe(
      `arn:aws:eks:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:nodegroup/platform/workers`,
    );
  });

  it('reports nothing for an empty inventory', () => {
    expect(evaluate([])).toEqual([]);
  });

  it('yields nothing, without throwing, when the node groups could not be read (failed source)', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'eks.nodegroups': failed(
        collectionFailure('eks.nodegroups', 'eks:DescribeNodegroup', 'AccessDeniedException'),
      ),
    });

    // Act / Assess
    expect(rule.evaluate(snapshot, ctx)).toEqual([]);
  });

  it('declares what it reads and full metadata', () => {
    expect(rule).toMatchObject({
      id: 'eks-nodegroup-ami-eol',
      service: 'eks',
      resourceType: 'AwsEksNodegroup',
      severity: 'critical',
      requires: ['eks.nodegroups'],
    });
  });
});
