import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/eks/eks-cluster-endpoint-public.ts';
import type { EksCluster } from '../../../../src/inventory/types.ts';
import { makeRuleContext } from '../../../fixtures/network.ts';
import {
  collectionFailure,
  FIXTURE_ACCOUNT,
  FIXTURE_REGION,
  failed,
  makeEksCluster,
  makeSnapshot,
  ok,
} from '../../../fixtures/snapshot.ts';

const ctx = makeRuleContext();
const evaluate = (clusters: EksCluster[]) =>
  rule.evaluate(makeSnapshot({ 'eks.clusters': ok(clusters) }), ctx);

describe('eks-cluster-endpoint-public', () => {
  it('reports nothing for a private-only endpoint (passing case)', () => {
    expect(evaluate([makeEksCluster({ endpointPublicAccess: false, endpointPrivateAccess: true })])).toEqual(
      [],
    );
  });

  it('reports a public endpoint open to 0.0.0.0/0, with evidence and command (failing case)', () => {
    // Prepare
    const cluster = makeEksCluster({
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
      publicAccessCidrs: ['0.0.0.0/0'],
      vpcId: 'vpc-0a1b2c3d4e5f60001',
    });

    // Act
    const results = evaluate([cluster]);

    // Assess
    expect(results).toEqual([
      {
        resourceId: 'platform',
        resourceArn: `arn:aws:eks:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:cluster/platform`,
        message:
          'EKS cluster platform has a public API endpoint open to the whole internet, and no private endpoint.',
        evidence: {
          endpointPublicAccess: true,
          endpointPrivateAccess: false,
          publicAccessCidrs: ['0.0.0.0/0'],
          version: '1.31',
          vpcId: 'vpc-0a1b2c3d4e5f60001',
        },
        cli: 'aws eks update-cluster-config --name platform --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true',
      },
    ]);
  });

  it.each<[string, Partial<EksCluster>, boolean]>([
    [
      'public, open to 0.0.0.0/0, private on too',
      { endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] },
      true,
    ],
    ['public with no CIDRs listed (everyone)', { endpointPublicAccess: true, publicAccessCidrs: [] }, true],
    [
      '0.0.0.0/0 among specific ranges',
      { endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24', '0.0.0.0/0'] },
      true,
    ],
    [
      'public, limited to an office range',
      { endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
      false,
    ],
    [
      'public access off, CIDRs left at 0.0.0.0/0',
      { endpointPublicAccess: false, publicAccessCidrs: ['0.0.0.0/0'] },
      false,
    ],
    ['endpoint access not reported', { endpointPublicAccess: undefined, publicAccessCidrs: [] }, false],
    [
      'a connected cluster (endpoint not run by EKS)',
      {
        connected: true,
        connectorProvider: 'EKS_ANYWHERE',
        endpointPublicAccess: true,
        publicAccessCidrs: [],
      },
      false,
    ],
  ])('%s → finding: %s', (_label, overrides, expected) => {
    expect(evaluate([makeEksCluster(overrides)])).toHaveLength(expected ? 1 : 0);
  });

  it('builds the ARN when the cluster has none', () => {
    const [result] = evaluate([makeEksCluster({ arn: undefined, name: 'edge', endpointPublicAccess: true })]);
    expect(result?.resourceArn).toBe(`arn:aws:eks:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:cluster/edge`);
    expect(result?.message).toBe('EKS cluster edge has a public API endpoint open to the whole internet.');
  });

  it('reports nothing for an empty inventory', () => {
    expect(evaluate([])).toEqual([]);
  });

  it('yields nothing, without throwing, when eks.clusters failed', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'eks.clusters': failed(collectionFailure('eks.clusters', 'eks:ListClusters')),
    });

    // Act
    const results = rule.evaluate(snapshot, ctx);

    // Assess
    expect(results).toEqual([]);
  });
});
