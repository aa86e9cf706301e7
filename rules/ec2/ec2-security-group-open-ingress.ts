import type { Rule } from '../../src/engine/types.ts';
import { lowerSeverity, severityRank } from '../../src/findings/types.ts';
import type { PermissionSource, SecurityGroup, SecurityGroupRule } from '../../src/inventory/types.ts';
import { type Exposure, exposureOf, isInternetSource } from '../lib/network.ts';
import { sh } from '../lib/shell.ts';

/** One ingress permission open to the internet, as the evidence lists it. */
interface OpenPermission {
  rule: SecurityGroupRule;
  source: PermissionSource;
  exposure: Exposure;
}

const HIGH_RISK_PORTS_NAMED = 5;

function portsText(exposure: Exposure): string {
  const { ports } = exposure;
  if (!ports) return '';
  return ports.from === ports.to ? ` port ${ports.from}` : ` ports ${ports.from}-${ports.to}`;
}

function highRiskText(ports: number[]): string {
  const named = ports.slice(0, HIGH_RISK_PORTS_NAMED).join(', ');
  const more = ports.length - HIGH_RISK_PORTS_NAMED;
  return more > 0 ? `${named} and ${more} more` : named;
}

/** What a permission lets in, in words: "all traffic", "tcp port 22 (high-risk)", "ICMPv6"… */
function describe({ rule, exposure }: OpenPermission): string {
  switch (exposure.kind) {
    case 'all-traffic':
      return 'all traffic';
    case 'icmp':
      return exposure.protocol === 'icmpv6' ? 'ICMPv6' : 'ICMP';
    case 'other-protocol':
      return `all of IP protocol ${rule.protocol}`;
    case 'high-risk-port': {
      const single = exposure.ports?.from === exposure.ports?.to;
      const note = single ? 'high-risk' : `high-risk: ${highRiskText(exposure.highRiskPorts)}`;
      return `${exposure.protocol}${portsText(exposure)} (${note})`;
    }
    case 'other-port':
      return `${exposure.protocol}${portsText(exposure)}`;
  }
}

/** The `--ip-permissions` shorthand that revokes exactly this permission (quoted for the shell). */
function ipPermissionsArg({ rule, source, exposure }: OpenPermission): string {
  const parts = [`IpProtocol=${rule.protocol}`];
  if (exposure.ports) parts.push(`FromPort=${exposure.ports.from}`, `ToPort=${exposure.ports.to}`);
  // ICMP rules carry the type and code in the port fields; -1 means any.
  else if (exposure.kind === 'icmp')
    parts.push(`FromPort=${rule.fromPort ?? -1}`, `ToPort=${rule.toPort ?? -1}`);
  parts.push(
    source.kind === 'ipv6'
      ? `Ipv6Ranges=[{CidrIpv6=${source.value}}]`
      : `IpRanges=[{CidrIp=${source.value}}]`,
  );
  return parts.join(',');
}

function openPermissions(group: SecurityGroup, authorizedPorts: readonly number[]): OpenPermission[] {
  const open: OpenPermission[] = [];
  for (const rule of group.ingress) {
    const internet = rule.sources.filter(isInternetSource);
    if (!internet.length) continue;
    const exposure = exposureOf(rule, authorizedPorts);
    if (!exposure) continue;
    for (const source of internet) open.push({ rule, source, exposure });
  }
  return open;
}

export const rule: Rule = {
  id: 'ec2-security-group-open-ingress',
  title: 'Security group allows ingress from the internet',
  service: 'ec2',
  resourceType: 'AwsEc2SecurityGroup',
  severity: 'critical',
  description:
    'Fires when a security group allows inbound traffic from 0.0.0.0/0 or ::/0: all traffic is critical, ' +
    'a range holding a high-risk port (Security Hub EC2.19) is high, any other port outside the authorized ' +
    'ones (default 80 and 443) or a whole non-TCP/UDP protocol is medium, ICMP is low. A group attached to ' +
    'no network interface is reported one step lower. One finding per group, at its worst exposure.',
  risk:
    'Anything on the internet can reach the listed ports of every resource that uses the group. ' +
    'Administration ports (SSH, RDP) and database or search ports (MySQL, PostgreSQL, SQL Server, ' +
    'Elasticsearch) are scanned for within minutes of being opened and are the usual way in for brute ' +
    'force, credential stuffing and unpatched-service exploits. An unattached group is latent exposure: ' +
    'the next instance or load balancer given it is exposed at once.',
  remediation: {
    console: [
      'Open the VPC console, choose Security groups and select the group.',
      'On the Inbound rules tab, choose Edit inbound rules.',
      'For each rule whose source is 0.0.0.0/0 or ::/0, narrow the source to the addresses that need it ' +
        '(a corporate range, a prefix list, another security group) or delete the rule; reach ' +
        'administration ports through Session Manager or a VPN instead.',
      'Save rules.',
    ],
    cli:
      'aws ec2 revoke-security-group-ingress --group-id <group-id> ' +
      "--ip-permissions 'IpProtocol=<protocol>,FromPort=<from>,ToPort=<to>,IpRanges=[{CidrIp=0.0.0.0/0}]'",
  },
  references: {
    securityHub: 'EC2.19',
    cis: 'CIS AWS Foundations Benchmark v3.0.0 5.2, 5.3',
    docs: [
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19',
      'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
    ],
  },
  requires: ['ec2.securityGroups', 'ec2.networkInterfaces'],
  scope(snapshot) {
    const groups = snapshot.sources['ec2.securityGroups'];
    return groups?.ok ? groups.items.map((g) => ({ id: g.groupId, tags: g.tags })) : [];
  },
  evaluate(snapshot, ctx) {
    const groups = snapshot.sources['ec2.securityGroups'];
    const interfaces = snapshot.sources['ec2.networkInterfaces'];
    if (!groups?.ok || !interfaces?.ok) return [];
    const authorizedPorts = ctx.settings.authorizedPorts;

    const interfacesByGroup = new Map<string, number>();
    for (const eni of interfaces.items)
      for (const groupId of new Set(eni.securityGroupIds))
        interfacesByGroup.set(groupId, (interfacesByGroup.get(groupId) ?? 0) + 1);

    return groups.items.flatMap((group) => {
      const open = openPermissions(group, authorizedPorts);
      const first = open[0];
      if (!first) return [];
      const worst = open.reduce(
        (w, p) => (severityRank(p.exposure.severity) > severityRank(w.exposure.severity) ? p : w),
        first,
      );
      const networkInterfaces = interfacesByGroup.get(group.groupId) ?? 0;
      const attached = networkInterfaces > 0;
      const others = open.length - 1;
      const name = `${group.groupName} (${group.groupId})`;
      return [
        {
          resourceId: group.groupId,
          resourceArn: `arn:aws:ec2:${snapshot.region}:${group.ownerId ?? snapshot.accountId}:security-group/${group.groupId}`,
          severity: attached ? worst.exposure.severity : lowerSeverity(worst.exposure.severity),
          message:
            `Security group ${name} allows ${describe(worst)} from ${worst.source.value}` +
            (others > 0 ? ` (and ${others} more open permission${others > 1 ? 's' : ''})` : '') +
            (attached ? '.' : '; no network interface uses it yet.'),
          evidence: {
            groupName: group.groupName,
            ...(group.vpcId ? { vpcId: group.vpcId } : {}),
            worstExposure: worst.exposure.kind,
            permissions: open.map(({ rule, source, exposure }) => ({
              protocol: rule.protocol,
              ...(exposure.ports ? { fromPort: exposure.ports.from, toPort: exposure.ports.to } : {}),
              ...(exposure.kind === 'icmp' && rule.fromPort !== undefined
                ? { icmpType: rule.fromPort, icmpCode: rule.toPort ?? -1 }
                : {}),
              cidr: source.value,
              ...(source.description ? { description: source.description } : {}),
              exposure: exposure.kind,
              highRiskPorts: exposure.highRiskPorts,
            })),
            attached,
            networkInterfaces,
            authorizedPorts: [...authorizedPorts],
          },
          cli: sh`aws ec2 revoke-security-group-ingress --group-id ${group.groupId} --ip-permissions ${ipPermissionsArg(worst)}`,
        },
      ];
    });
  },
};
