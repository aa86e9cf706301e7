import type { Rule, RuleResult } from '../../src/engine/types.ts';
import type { EksAddon } from '../../src/inventory/types.ts';
import { sh } from '../lib/shell.ts';

const addonId = (a: EksAddon) => `${a.clusterName}/${a.addonName}`;

/** An add-on whose compatibility EKS could tell, on a cluster with a Kubernetes version. */
const judgeable = (a: EksAddon) => a.compatibility?.listed === true && a.clusterVersion !== undefined;

function updateCli(a: EksAddon, version: string | undefined, region: string): string {
  return version
    ? sh`aws eks update-addon --cluster-name ${a.clusterName} --addon-name ${a.addonName} --addon-version ${version} --resolve-conflicts PRESERVE --region ${region}`
    : sh`aws eks describe-addon-versions --addon-name ${a.addonName} --kubernetes-version ${a.clusterVersion ?? ''} --region ${region}`;
}

export const rule: Rule = {
  id: 'eks-addon-version-incompatible',
  title: 'EKS add-on version is not compatible with the cluster, or blocks its next upgrade',
  service: 'eks',
  resourceType: 'AwsEksAddon',
  severity: 'high',
  description:
    'Fires when an EKS managed add-on runs a version that EKS (DescribeAddonVersions) does not list as ' +
    "compatible with the cluster's Kubernetes version (high), or with the next Kubernetes version when " +
    'EKS offers the add-on for it (medium): the add-on must be updated before the cluster can be ' +
    'upgraded. Add-on versions EKS no longer lists, and add-ons whose versions could not be read, ' +
    'are not judged.',
  risk:
    'An add-on version EKS does not support on the Kubernetes version it runs on (VPC CNI, CoreDNS, ' +
    'kube-proxy, the EBS CSI driver…) can break pod networking, DNS or storage in ways EKS support ' +
    'will not help with, and gets no fixes for that version. One that does not run on the next ' +
    'Kubernetes version blocks the cluster upgrade, and a cluster that cannot be upgraded drifts into ' +
    'billed extended support and then out of support altogether.',
  remediation: {
    console: [
      'Open the Amazon EKS console, choose the cluster, the Add-ons tab and the add-on.',
      'Choose Edit, pick the version the finding names (compatible with the current and the next ' +
        'Kubernetes version), keep "Preserve" for conflicts to keep your configuration, and save.',
      'Upgrade the cluster once every add-on runs on the next version.',
    ],
    cli: 'aws eks update-addon --cluster-name <cluster> --addon-name <add-on> --addon-version <version> --resolve-conflicts PRESERVE',
  },
  references: {
    docs: [
      'https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html',
      'https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html',
      'https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeAddonVersions.html',
    ],
  },
  requires: ['eks.addons'],
  scope(snapshot) {
    const addons = snapshot.sources['eks.addons'];
    if (!addons?.ok) return [];
    return addons.items.filter(judgeable).map((a) => ({ id: addonId(a), tags: a.tags }));
  },
  unevaluated(snapshot) {
    // DescribeAddonVersions failed for these: their findings stand until it can be read again.
    const addons = snapshot.sources['eks.addons'];
    if (!addons?.ok) return [];
    return addons.items.filter((a) => a.compatibility === undefined).map(addonId);
  },
  evaluate(snapshot) {
    const addons = snapshot.sources['eks.addons'];
    if (!addons?.ok) return [];
    return addons.items.filter(judgeable).flatMap((a): RuleResult[] => {
      const c = a.compatibility!;
      const current = a.clusterVersion!;
      const next = c.nextKubernetesVersion;
      const onCurrent = c.kubernetesVersions.includes(current);
      const blocksNext = next !== undefined && !c.kubernetesVersions.includes(next);
      if (onCurrent && !blocksNext) return [];

      const name = `EKS add-on ${a.addonName} ${a.addonVersion ?? '(version unknown)'} on cluster ${a.clusterName}`;
      // Update to a version that runs on both versions when there is one, else to the default.
      const target = c.bridgeVersion ?? (onCurrent ? undefined : c.defaultVersion);
      const to = target
        ? `update it to ${target} (${c.bridgeVersion ? `it runs on both ${current} and ${next}` : `EKS's default for ${current}`})`
        : `update it to a version EKS lists for ${onCurrent ? next : current}`;
      const message = onCurrent
        ? `${name} (Kubernetes ${current}) is not compatible with Kubernetes ${next}, the next version: it blocks the cluster's upgrade; ${to} before upgrading.`
        : `${name} is not compatible with the cluster's Kubernetes ${current}; ${to}.`;
      return [
        {
          resourceId: addonId(a),
          resourceArn:
            a.addonArn ?? `arn:aws:eks:${snapshot.region}:${snapshot.accountId}:addon/${addonId(a)}`,
          severity: onCurrent ? 'medium' : 'high',
          message,
          evidence: {
            cluster: a.clusterName,
            addon: a.addonName,
            addonVersion: a.addonVersion ?? null,
            kubernetesVersion: current,
            compatibleKubernetesVersions: c.kubernetesVersions,
            compatibleWithCluster: onCurrent,
            ...(next ? { nextKubernetesVersion: next, compatibleWithNext: !blocksNext } : {}),
            ...(c.defaultVersion ? { defaultVersion: c.defaultVersion } : {}),
            ...(c.bridgeVersion ? { bridgeVersion: c.bridgeVersion } : {}),
            source: 'eks:DescribeAddonVersions',
          },
          cli: updateCli(a, target, snapshot.region),
        },
      ];
    });
  },
};
