import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/eks/eks-addon-version-incompatible.ts';
import type { EksAddon } from '../../../../src/inventory/types.ts';
import { makeRuleContext } from '../../../fixtures/network.ts';
import { makeEksAddon } from '../../../fixtures/placement.ts';
import {
  collectionFailure,
  FIXTURE_ACCOUNT,
  FIXTURE_REGION,
  failed,
  makeSnapshot,
  ok,
} from '../../../fixtures/snapshot.ts';

const ctx = makeRuleContext();
const snapshotOf = (addons: EksAddon[]) => makeSnapshot({ 'eks.addons': ok(addons) });
const evaluate = (addons: EksAddon[]) => rule.evaluate(snapshotOf(addons), ctx);

describe('eks-addon-version-incompatible', () => {
  it('reports nothing for an add-on version that runs on the cluster version and the next (passing case)', () => {
    // Act and assess
    expect(evaluate([makeEksAddon()])).toEqual([]);
    expect(rule.scope?.(snapshotOf([makeEksAddon()]), ctx)).toEqual([{ id: 'platform/vpc-cni', tags: {} }]);
  });

  it("reports an add-on version EKS does not list for the cluster's Kubernetes version as high (failing case)", () => {
    // Prepare: a 1.31 cluster still running the VPC CNI it had on 1.28.
    const addon = makeEksAddon({
      addonVersion: 'v1.15.1-eksbuild.1',
      compatibility: {
        listed: true,
        kubernetesVersions: ['1.26', '1.27', '1.28'],
        nextKubernetesVersion: '1.32',
        defaultVersion: 'v1.19.2-eksbuild.1',
        bridgeVersion: 'v1.19.2-eksbuild.5',
      },
    });

    // Act
    const results = evaluate([addon]);

    // Assess
    expect(results).toEqual([
      {
        resourceId: 'platform/vpc-cni',
        resourceArn: addon.addonArn,
        severity: 'high',
        message:
          "EKS add-on vpc-cni v1.15.1-eksbuild.1 on cluster platform is not compatible with the cluster's " +
          'Kubernetes 1.31; update it to v1.19.2-eksbuild.5 (it runs on both 1.31 and 1.32).',
        evidence: {
          cluster: 'platform',
          addon: 'vpc-cni',
          addonVersion: 'v1.15.1-eksbuild.1',
          kubernetesVersion: '1.31',
          compatibleKubernetesVersions: ['1.26', '1.27', '1.28'],
          compatibleWithCluster: false,
          nextKubernetesVersion: '1.32',
          compatibleWithNext: false,
          defaultVersion: 'v1.19.2-eksbuild.1',
          bridgeVersion: 'v1.19.2-eksbuild.5',
          source: 'eks:DescribeAddonVersions',
        },
        cli:
          'aws eks update-addon --cluster-name platform --addon-name vpc-cni --addon-version v1.19.2-eksbuild.5 ' +
          '--resolve-conflicts PRESERVE --region eu-west-1',
      },
    ]);
  });

  it('reports an add-on that runs on the cluster version but not the next as an upgrade blocker (medium)', () => {
    // Prepare
    const addon = makeEksAddon({
      addonName: 'coredns',
      addonVersion: 'v1.11.1-eksbuild.4',
      addonArn: undefined,
      compatibility: {
        listed: true,
        kubernetesVersions: ['1.29', '1.30', '1.31'],
        nextKubernetesVersion: '1.32',
        defaultVersion: 'v1.11.1-eksbuild.4',
        bridgeVersion: 'v1.11.4-eksbuild.2',
      },
    });

    // Act
    const [result] = evaluate([addon]);

    // Assess
    expect(result).toMatchObject({
      resourceId: 'platform/coredns',
      resourceArn: `arn:aws:eks:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:addon/platform/coredns`,
      severity: 'medium',
      message:
        'EKS add-on coredns v1.11.1-eksbuild.4 on cluster platform (Kubernetes 1.31) is not compatible with ' +
        "Kubernetes 1.32, the next version: it blocks the cluster's upgrade; update it to v1.11.4-eksbuild.2 " +
        '(it runs on both 1.31 and 1.32) before upgrading.',
      evidence: { compatibleWithCluster: true, compatibleWithNext: false },
    });
  });

  it('names the lookup command when no version runs on both, and leaves the next version alone when EKS offers none', () => {
    // Prepare
    const blocker = makeEksAddon({
      addonName: 'aws-ebs-csi-driver',
      compatibility: { listed: true, kubernetesVersions: ['1.31'], nextKubernetesVersion: '1.32' },
    });
    const newest = makeEksAddon({
      addonName: 'kube-proxy',
      clusterVersion: '1.36',
      compatibility: { listed: true, kubernetesVersions: ['1.36'] },
    });

    // Act
    const results = evaluate([blocker, newest]);

    // Assess
    expect(results.map((r) => [r.resourceId, r.severity, r.cli])).toEqual([
      [
        'platform/aws-ebs-csi-driver',
        'medium',
        'aws eks describe-addon-versions --addon-name aws-ebs-csi-driver --kubernetes-version 1.31 --region eu-west-1',
      ],
    ]);
  });

  it('does not judge a version EKS no longer lists, and keeps add-ons whose versions could not be read unevaluated', () => {
    // Prepare
    const unlisted = makeEksAddon({
      addonName: 'old',
      compatibility: { listed: false, kubernetesVersions: [] },
    });
    const unread = makeEksAddon({ addonName: 'unread', compatibility: undefined });
    const snapshot = snapshotOf([unlisted, unread]);

    // Act and assess
    expect(rule.evaluate(snapshot, ctx)).toEqual([]);
    expect(rule.scope?.(snapshot, ctx)).toEqual([]);
    expect(rule.unevaluated?.(snapshot)).toEqual(['platform/unread']);
  });

  it('reports nothing, and judges nothing, in an empty inventory', () => {
    // Act and assess
    expect(evaluate([])).toEqual([]);
    expect(rule.scope?.(snapshotOf([]), ctx)).toEqual([]);
  });

  it('reports nothing when the add-ons could not be read (failed source)', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'eks.addons': failed(collectionFailure('eks.addons', 'eks:ListAddons')),
    });

    // Act and assess
    expect(rule.evaluate(snapshot, ctx)).toEqual([]);
    expect(rule.scope?.(snapshot, ctx)).toEqual([]);
    expect(rule.unevaluated?.(snapshot)).toEqual([]);
  });
});
