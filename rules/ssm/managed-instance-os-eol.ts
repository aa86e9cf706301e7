import type { Rule } from '../../src/engine/types.ts';
import type { ManagedInstance } from '../../src/inventory/types.ts';
import { osReadingOf, osVerdict } from '../../src/lifecycle/verdict.ts';
import { osFinding } from '../lib/lifecycle.ts';
import { sh } from '../lib/shell.ts';

type HostRole = 'ecs-anywhere' | 'eks-hybrid-node' | 'hybrid-activation' | 'ec2';

/** What the host is to AWS: the joins say whether ECS or EKS runs work on it. */
function hostRole(instance: ManagedInstance): HostRole {
  if (instance.eksClusterName) return 'eks-hybrid-node';
  if (instance.ecsClusterArn) return 'ecs-anywhere';
  return instance.onPremises ? 'hybrid-activation' : 'ec2';
}

const roleNames: Record<HostRole, string> = {
  'ecs-anywhere': 'ECS Anywhere host',
  'eks-hybrid-node': 'EKS hybrid node',
  'hybrid-activation': 'On-premises managed instance',
  ec2: 'Managed EC2 instance',
};

function displayName(instance: ManagedInstance): string {
  const name = instance.name ?? instance.computerName;
  return name ? `${name} (${instance.instanceId})` : instance.instanceId;
}

function verifyCli(instanceId: string): string {
  return (
    sh`aws ssm describe-instance-information --filters ${`Key=InstanceIds,Values=${instanceId}`} ` +
    `--query 'InstanceInformationList[].[InstanceId,ComputerName,PlatformName,PlatformVersion]' --output table`
  );
}

export const rule: Rule = {
  id: 'managed-instance-os-eol',
  title: 'On-premises managed instance runs an operating system past or near its end of support',
  service: 'ssm',
  resourceType: 'AwsSsmManagedInstance',
  severity: 'critical',
  description:
    'Fires when an on-premises SSM managed instance (a `mi-` host registered through a hybrid ' +
    'activation, including ECS Anywhere hosts and EKS hybrid nodes) reports an operating system past ' +
    'its end of standard support, or whose end falls within the warning window (default 90 days). ' +
    'The OS is the one the SSM agent reports. Severities: critical when no support is left (including ' +
    'a version older than a catalogued release that has ended), high past standard support when fixes ' +
    'need a paid extension, medium when they still flow for free, low when the end is near. EC2 ' +
    'instances that SSM also manages are left to ec2-instance-os-eol, so no instance is reported twice; ' +
    'hosts whose OS is unknown or newer than the lifecycle catalogue are not reported.',
  risk:
    'An operating system past its end of support gets no security fixes. On premises that host ' +
    'usually sits on the internal network next to other systems, runs the SSM agent with a role into ' +
    'the AWS account and, as an ECS Anywhere host or EKS hybrid node, runs production containers and ' +
    'holds their credentials: an unpatched kernel or OpenSSL flaw there is a way into both the data ' +
    'centre and the AWS account. On extended support the fixes keep coming only as long as the ' +
    'subscription is paid.',
  remediation: {
    console: [
      'Choose the target release: a supported version of the same distribution, or a successor for ' +
        'a discontinued one (CentOS Linux 7 → Rocky Linux, AlmaLinux OS or RHEL; Windows Server ' +
        '2012 R2 → 2022 or 2025).',
      'For an ECS Anywhere host or EKS hybrid node, drain it first (set the ECS container instance ' +
        'to DRAINING, or kubectl drain the node) so its work moves elsewhere.',
      'Upgrade the OS in place with the vendor’s tool (leapp, do-release-upgrade, the Windows ' +
        'Server in-place upgrade) or reinstall the host, then reinstall or re-register the SSM agent ' +
        'with a hybrid activation if the instance id changed.',
      'In the Systems Manager console, Fleet Manager, check that the host reports the new platform ' +
        'version; deregister the old managed instance if it was replaced.',
      'Where the move takes longer than the remaining support, buy the vendor’s extended support ' +
        '(Ubuntu Pro, RHEL ELS, Windows Server ESU) to stay patched in the meantime.',
    ],
    cli: verifyCli('<mi-instance-id>'),
  },
  references: {
    docs: [
      'https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-hybrid-multicloud.html',
      'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-anywhere.html',
      'https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-os.html',
      'https://www.centos.org/centos-linux-eol/',
      'https://access.redhat.com/support/policy/updates/errata',
      'https://ubuntu.com/about/release-cycle',
      'https://learn.microsoft.com/lifecycle/products/?terms=Windows%20Server',
      'https://endoflife.date/',
    ],
  },
  requires: ['ssm.managedInstances'],
  scope(snapshot) {
    const instances = snapshot.sources['ssm.managedInstances'];
    if (!instances?.ok) return [];
    return instances.items.filter((m) => m.onPremises && m.os.known).map((m) => ({ id: m.instanceId }));
  },
  evaluate(snapshot, ctx) {
    const instances = snapshot.sources['ssm.managedInstances'];
    if (!instances?.ok) return [];
    return instances.items.flatMap((instance) => {
      const os = instance.os;
      if (!instance.onPremises || !os.known) return [];
      const verdict = osVerdict(osReadingOf(os), ctx.lifecycle, ctx.now, ctx.settings.warningDays);
      const found = osFinding(os, verdict, ctx.lifecycle, ctx.now);
      if (!found) return [];

      const role = hostRole(instance);
      return [
        {
          resourceId: instance.instanceId,
          resourceArn: `arn:aws:ssm:${snapshot.region}:${snapshot.accountId}:managed-instance/${instance.instanceId}`,
          severity: found.severity,
          message:
            `${roleNames[role]} ${displayName(instance)} runs ${found.name}: ${found.phrase}; ` +
            `move it to ${found.upgradeTo}.`,
          evidence: {
            os: found.evidence.os,
            determinedBy: os.source,
            determinedFrom: os.evidence,
            role,
            ...(instance.ecsClusterArn ? { ecsClusterArn: instance.ecsClusterArn } : {}),
            ...(instance.eksClusterName ? { eksClusterName: instance.eksClusterName } : {}),
            ...(instance.computerName ? { computerName: instance.computerName } : {}),
            ...(instance.ipAddress ? { ipAddress: instance.ipAddress } : {}),
            ...(instance.pingStatus ? { pingStatus: instance.pingStatus } : {}),
            ...found.evidence,
          },
          cli: verifyCli(instance.instanceId),
        },
      ];
    });
  },
};
