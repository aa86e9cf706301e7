import type { Rule } from '../../src/engine/types.ts';
import type { Instance } from '../../src/inventory/types.ts';
import type { OsFamily, OsLifecycle } from '../../src/lifecycle/catalogue.ts';
import { osReadingOf, osVerdict } from '../../src/lifecycle/verdict.ts';
import { osFinding } from '../lib/lifecycle.ts';

/** States whose instance is gone or going: nothing to fix there. */
const GONE = new Set(['terminated', 'shutting-down']);

/** Official image owners and arch-agnostic name patterns, for `describe-images` (reference/os-detection.md). */
const imageOwners: Partial<Record<OsFamily, { owner: string; name: (version: string) => string }>> = {
  ubuntu: { owner: '099720109477', name: (v) => `ubuntu/images/*ubuntu-*-${v}-*-server-*` },
  rhel: { owner: '309956199498', name: (v) => `RHEL-${v}.*_HVM-*` },
  rocky: { owner: '792107900819', name: (v) => `Rocky-${v}-*` },
  almalinux: { owner: '764336703387', name: (v) => `AlmaLinux OS ${v}*` },
  'centos-stream': { owner: '125523088429', name: (v) => `CentOS Stream ${v}*` },
  'oracle-linux': { owner: '131827586825', name: (v) => `OL${v}.*-HVM-*` },
  debian: { owner: '136693071363', name: (v) => `debian-${v}-*` },
  sles: { owner: '013907871322', name: (v) => `suse-sles-${v}-v*-hvm-ssd-*` },
};

const genericCli =
  'aws ssm get-parameters-by-path --path /aws/service/ami-amazon-linux-latest ' +
  `--query "Parameters[?contains(Name, 'al2023')].[Name,Value]" --output table`;

/**
 * A command that finds the newest AMI of `target` for the instance's region and architecture:
 * the public SSM parameters for Amazon Linux and Windows, `describe-images` by owner otherwise.
 */
function replacementAmiCli(target: OsLifecycle | undefined, region: string, architecture?: string): string {
  const arch = architecture === 'arm64' ? 'arm64' : 'x86_64';
  if (!target) return `${genericCli} --region ${region}`;
  if (target.family === 'amazon-linux') {
    return (
      `aws ssm get-parameters-by-path --region ${region} --path /aws/service/ami-amazon-linux-latest ` +
      `--query "Parameters[?contains(Name, 'al${target.version}-ami-kernel-default-${arch}')].[Name,Value]" --output table`
    );
  }
  if (target.family === 'windows-server') {
    return (
      `aws ssm get-parameters-by-path --region ${region} --path /aws/service/ami-windows-latest ` +
      `--query "Parameters[?contains(Name, 'Windows_Server-${target.version}-English-Full-Base')].[Name,Value]" --output table`
    );
  }
  const image = imageOwners[target.family];
  if (!image) return `${genericCli} --region ${region}`;
  return (
    `aws ec2 describe-images --region ${region} --owners ${image.owner} ` +
    `--filters "Name=name,Values=${image.name(target.version)}" Name=architecture,Values=${arch} ` +
    `--query 'sort_by(Images,&CreationDate)[-1].[ImageId,Name]' --output text`
  );
}

function displayName(instance: Instance): string {
  const name = instance.tags.Name;
  return name ? `${name} (${instance.instanceId})` : instance.instanceId;
}

export const rule: Rule = {
  id: 'ec2-instance-os-eol',
  title: 'EC2 instance runs an operating system past or near its end of support',
  service: 'ec2',
  resourceType: 'AwsEc2Instance',
  severity: 'critical',
  description:
    'Fires when an EC2 instance (not terminated or shutting down) runs an operating system past its ' +
    'end of standard support, or whose end falls within the warning window (default 90 days). The OS ' +
    'is the one the EC2 collector read from the AMI name or description, or from SSM. Severity follows ' +
    'what support remains: critical when none is left; high past standard support when security fixes ' +
    'need a paid extension (ESU, ESM, ELS, LTSS, EUS); medium past standard support when fixes still ' +
    'flow for free (Debian LTS, Amazon Linux maintenance support); low when the end is near. A version ' +
    'the lifecycle catalogue does not list but that is older than a catalogued release of the same line ' +
    'that has ended is critical too, and the evidence names that release. Versions newer than the ' +
    'catalogue, and OSes that are unknown, are not reported.',
  risk:
    'An operating system past its end of support gets no security fixes: every kernel, OpenSSL, glibc ' +
    'or sudo vulnerability published after that date stays open for good, and exploits for them are ' +
    'public. Vendors and AWS stop answering support cases, newer software stops building on it, and ' +
    'most compliance frameworks (PCI DSS, ISO 27001, SOC 2) count an unsupported OS as a finding. On ' +
    'extended support the fixes keep coming only as long as the subscription is paid.',
  remediation: {
    console: [
      'Choose the target release: a supported version of the same distribution (Amazon Linux 2 → ' +
        'Amazon Linux 2023, Ubuntu 20.04 → 24.04 LTS, Windows Server 2012 R2 → 2022 or 2025), or a ' +
        'successor for a discontinued one (CentOS Linux 7 → Rocky Linux, AlmaLinux OS or RHEL).',
      'Find its current AMI: in the EC2 console open AMI Catalog (Quickstart or AWS Marketplace ' +
        'AMIs), or use the public SSM parameters under /aws/service/ami-amazon-linux-latest and ' +
        '/aws/service/ami-windows-latest.',
      'Launch a replacement from that AMI (update the launch template or Auto Scaling group when ' +
        'the instance belongs to one), move the workload and its data, then stop and terminate the ' +
        'old instance.',
      'Where the move takes longer than the remaining support, buy the vendor’s extended support ' +
        '(Ubuntu Pro, RHEL ELS, Windows Server ESU) to stay patched in the meantime.',
    ],
    cli: genericCli,
  },
  references: {
    docs: [
      'https://aws.amazon.com/amazon-linux-2/faqs/',
      'https://docs.aws.amazon.com/linux/al2023/ug/release-cadence.html',
      'https://www.centos.org/centos-linux-eol/',
      'https://access.redhat.com/support/policy/updates/errata',
      'https://ubuntu.com/about/release-cycle',
      'https://wiki.debian.org/LTS',
      'https://www.suse.com/lifecycle/',
      'https://learn.microsoft.com/lifecycle/products/?terms=Windows%20Server',
      'https://endoflife.date/',
    ],
  },
  requires: ['ec2.instances'],
  scope(snapshot) {
    // An instance whose OS could not be told is not judged (and says so in the inventory).
    const instances = snapshot.sources['ec2.instances'];
    if (!instances?.ok) return [];
    return instances.items
      .filter((i) => !GONE.has(i.state) && i.os.known)
      .map((i) => ({ id: i.instanceId, tags: i.tags }));
  },
  unevaluated(snapshot) {
    // The AMI could not be described, or SSM could not be read: the OS is undetermined, not unknown.
    const instances = snapshot.sources['ec2.instances'];
    if (!instances?.ok) return [];
    return instances.items.filter((i) => !i.os.known && i.os.incomplete).map((i) => i.instanceId);
  },
  evaluate(snapshot, ctx) {
    const instances = snapshot.sources['ec2.instances'];
    if (!instances?.ok) return [];
    return instances.items.flatMap((instance) => {
      const os = instance.os;
      if (GONE.has(instance.state) || !os.known) return [];
      const verdict = osVerdict(osReadingOf(os), ctx.lifecycle, ctx.now, ctx.settings.warningDays);
      const found = osFinding(os, verdict, ctx.lifecycle, ctx.now);
      if (!found) return [];
      return [
        {
          resourceId: instance.instanceId,
          resourceArn: `arn:aws:ec2:${snapshot.region}:${snapshot.accountId}:instance/${instance.instanceId}`,
          severity: found.severity,
          message:
            `EC2 instance ${displayName(instance)} runs ${found.name}: ${found.phrase}; ` +
            `move it to ${found.upgradeTo}.`,
          evidence: {
            os: found.evidence.os,
            determinedBy: os.source,
            determinedFrom: os.evidence,
            ...(instance.imageId ? { imageId: instance.imageId } : {}),
            ...(instance.tags.Name ? { instanceName: instance.tags.Name } : {}),
            state: instance.state,
            ...found.evidence,
          },
          cli: replacementAmiCli(found.targets[0], snapshot.region, instance.architecture),
        },
      ];
    });
  },
};
