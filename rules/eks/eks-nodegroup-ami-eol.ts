import type { Rule } from '../../src/engine/types.ts';
import type { EksNodegroup } from '../../src/inventory/types.ts';
import { isReportable, type LifecycleDates, lifecycleStatus } from '../../src/lifecycle/status.ts';
import { lifecycleEvidence, severityFor, supportPhrase } from '../lib/lifecycle.ts';
import { sh, shellWord } from '../lib/shell.ts';

/** The Amazon Linux 2023 AMI type that replaces each Amazon Linux 2 one. */
const replacementAmiTypes: Record<string, string> = {
  AL2_x86_64: 'AL2023_x86_64_STANDARD',
  AL2_x86_64_GPU: 'AL2023_x86_64_NVIDIA',
  AL2_ARM_64: 'AL2023_ARM_64_STANDARD',
};

/** A `create-nodegroup` for the replacement, carrying over what the node group's description gives. */
function replacementCli(nodegroup: EksNodegroup, amiType: string): string {
  const { minSize, maxSize, desiredSize } = nodegroup.scaling;
  const scaling =
    minSize !== undefined && maxSize !== undefined && desiredSize !== undefined
      ? ` --scaling-config minSize=${minSize},maxSize=${maxSize},desiredSize=${desiredSize}`
      : '';
  const instanceTypes = nodegroup.instanceTypes.length
    ? ` --instance-types ${nodegroup.instanceTypes.map(shellWord).join(' ')}`
    : '';
  const capacity = nodegroup.capacityType ? sh` --capacity-type ${nodegroup.capacityType}` : '';
  const name = `${nodegroup.nodegroupName}-${amiType.toLowerCase().replace(/_/g, '-')}`;
  return (
    sh`aws eks create-nodegroup --cluster-name ${nodegroup.clusterName} --nodegroup-name ${name} ` +
    sh`--ami-type ${amiType}` +
    `${instanceTypes}${scaling}${capacity} ` +
    '--node-role <node-role-arn> --subnets <subnet-id> <subnet-id>'
  );
}

export const rule: Rule = {
  id: 'eks-nodegroup-ami-eol',
  title: 'EKS managed node group uses an AMI type past or near its end of support',
  service: 'eks',
  resourceType: 'AwsEksNodegroup',
  severity: 'critical',
  description:
    'Fires when an EKS managed node group uses an AMI type whose operating system EKS no longer ' +
    'supports (the Amazon Linux 2 types AL2_x86_64, AL2_x86_64_GPU and AL2_ARM_64, whose EKS AMIs ' +
    'ended on 2025-11-26), or stops supporting within the warning window (default 90 days). There is ' +
    'no extended support for these AMIs, so a node group past the end is critical and one near it is ' +
    'low. AMI types with no published end (AL2023, Bottlerocket, Windows, CUSTOM) are not reported.',
  risk:
    'After the end of support EKS publishes no new AMI release for the AMI type: node groups keep ' +
    'running the last image, with every kernel, container runtime and OS package vulnerability found ' +
    'since left open, and newer Kubernetes versions cannot be used with it, which blocks cluster ' +
    'upgrades. The nodes run every pod in the cluster, so an unpatched node exposes all of them.',
  remediation: {
    console: [
      'Check that the workloads run on Amazon Linux 2023 (cgroup v2, IMDSv2 with a hop limit of 1 by ' +
        'default, nodeadm instead of bootstrap.sh for custom user data) or on Bottlerocket.',
      'In the EKS console choose the cluster, the Compute tab, and Add node group; choose the ' +
        'replacement AMI type (AL2_x86_64 → AL2023_x86_64_STANDARD, AL2_x86_64_GPU → ' +
        'AL2023_x86_64_NVIDIA, AL2_ARM_64 → AL2023_ARM_64_STANDARD) with the same instance types, ' +
        'subnets and labels.',
      'Cordon and drain the old nodes (kubectl drain) so the pods move, then delete the old node group.',
    ],
    cli:
      'aws eks create-nodegroup --cluster-name <cluster> --nodegroup-name <name>-al2023 ' +
      '--ami-type AL2023_x86_64_STANDARD --node-role <node-role-arn> --subnets <subnet-id> <subnet-id>',
  },
  references: {
    docs: [
      'https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html',
      'https://docs.aws.amazon.com/eks/latest/userguide/al2023.html',
      'https://docs.aws.amazon.com/eks/latest/userguide/create-managed-node-group.html',
      'https://aws.amazon.com/amazon-linux-2/faqs/',
    ],
  },
  requires: ['eks.nodegroups'],
  scope(snapshot, ctx) {
    // A node group whose AMI type the catalogue does not list (CUSTOM) is not judged.
    const nodegroups = snapshot.sources['eks.nodegroups'];
    if (!nodegroups?.ok) return [];
    const known = new Set(ctx.lifecycle.eksAmiTypes.map((t) => t.amiType));
    return nodegroups.items
      .filter((n) => n.amiType && known.has(n.amiType))
      .map((n) => ({ id: `${n.clusterName}/${n.nodegroupName}`, tags: n.tags }));
  },
  evaluate(snapshot, ctx) {
    const nodegroups = snapshot.sources['eks.nodegroups'];
    if (!nodegroups?.ok) return [];
    return nodegroups.items.flatMap((nodegroup) => {
      const entry = nodegroup.amiType
        ? ctx.lifecycle.eksAmiTypes.find((t) => t.amiType === nodegroup.amiType)
        : undefined;
      if (!entry) return [];
      const dates: LifecycleDates = { endOfStandard: entry.endOfSupport };
      const status = lifecycleStatus(dates, ctx.now, ctx.settings.warningDays);
      if (!isReportable(status)) return [];

      const os = ctx.lifecycle.os.find((e) => e.family === entry.os.family && e.version === entry.os.version);
      const replacement = replacementAmiTypes[entry.amiType];
      const id = `${nodegroup.clusterName}/${nodegroup.nodegroupName}`;
      return [
        {
          resourceId: id,
          resourceArn:
            nodegroup.nodegroupArn ?? `arn:aws:eks:${snapshot.region}:${snapshot.accountId}:nodegroup/${id}`,
          severity: severityFor(status.state),
          message:
            `EKS node group ${nodegroup.nodegroupName} of cluster ${nodegroup.clusterName} uses AMI type ` +
            `${entry.amiType} (${os?.name ?? entry.name}): EKS ${supportPhrase(status, dates)}` +
            (replacement ? `; replace it with a node group of AMI type ${replacement}.` : '.'),
          evidence: {
            amiType: entry.amiType,
            endOfSupport: entry.endOfSupport,
            ...(nodegroup.releaseVersion ? { releaseVersion: nodegroup.releaseVersion } : {}),
            ...(nodegroup.version ? { kubernetesVersion: nodegroup.version } : {}),
            os: {
              name: os?.name ?? entry.name,
              family: entry.os.family,
              version: entry.os.version,
              ...(os ? { endOfStandardSupport: os.endOfStandard } : {}),
            },
            ...lifecycleEvidence(status, dates),
            lifecycleSource: entry.source,
            ...(replacement ? { replacementAmiType: replacement } : {}),
          },
          ...(replacement ? { cli: replacementCli(nodegroup, replacement) } : {}),
        },
      ];
    });
  },
};
