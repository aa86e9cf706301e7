import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/ec2/ec2-security-group-open-ingress.ts';
import { HIGH_RISK_PORTS } from '../../../../rules/lib/network.ts';
import type { NetworkInterface, SecurityGroup, SecurityGroupRule } from '../../../../src/inventory/types.ts';
import {
  FIXTURE_GROUP,
  makeNetworkInterface,
  makeRuleContext,
  makeSecurityGroup,
  permission,
} from '../../../fixtures/network.ts';
import {
  collectionFailure,
  FIXTURE_ACCOUNT,
  FIXTURE_REGION,
  failed,
  makeSnapshot,
  ok,
} from '../../../fixtures/snapshot.ts';

const ctx = makeRuleContext();

function evaluate(
  groups: SecurityGroup[],
  interfaces: NetworkInterface[] = [makeNetworkInterface()],
  context = ctx,
) {
  return rule.evaluate(
    makeSnapshot({ 'ec2.securityGroups': ok(groups), 'ec2.networkInterfaces': ok(interfaces) }),
    context,
  );
}

const withIngress = (...ingress: SecurityGroupRule[]) => makeSecurityGroup({ ingress });

describe('ec2-security-group-open-ingress', () => {
  it('reports nothing for a group open only to private ranges (passing case)', () => {
    // Prepare
    const group = withIngress(
      permission('tcp', 22, '10.0.0.0/8'),
      permission('-1', undefined, '172.16.0.0/12'),
    );

    // Act
    const results = evaluate([group]);

    // Assess
    expect(results).toEqual([]);
  });

  it('reports SSH open to the world with its ARN, evidence and the command that revokes it (failing case)', () => {
    // Prepare
    const group = withIngress(permission('tcp', 22, '0.0.0.0/0'));

    // Act
    const results = evaluate([group]);

    // Assess
    expect(results).toEqual([
      {
        resourceId: FIXTURE_GROUP,
        resourceArn: `arn:aws:ec2:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:security-group/${FIXTURE_GROUP}`,
        severity: 'high',
        message: `Security group web (${FIXTURE_GROUP}) allows tcp port 22 (high-risk) from 0.0.0.0/0.`,
        evidence: {
          groupName: 'web',
          vpcId: 'vpc-0a1b2c3d4e5f60001',
          worstExposure: 'high-risk-port',
          permissions: [
            {
              protocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              cidr: '0.0.0.0/0',
              exposure: 'high-risk-port',
              highRiskPorts: [22],
            },
          ],
          attached: true,
          networkInterfaces: 1,
          authorizedPorts: [80, 443],
        },
        cli:
          `aws ec2 revoke-security-group-ingress --group-id ${FIXTURE_GROUP} ` +
          "--ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'",
      },
    ]);
  });

  it.each([
    ['all traffic over IPv4', 'critical', 'all traffic', permission('-1', undefined, '0.0.0.0/0')],
    ['all traffic over IPv6', 'critical', 'all traffic', permission('-1', undefined, '::/0')],
    ['every TCP port', 'high', 'tcp ports 0-65535', permission('tcp', [0, 65535], '0.0.0.0/0')],
    ['FTP to SMTP', 'high', 'tcp ports 20-25', permission('tcp', [20, 25], '0.0.0.0/0')],
    [
      'a range holding MySQL and RDP',
      'high',
      'tcp ports 3300-3400',
      permission('tcp', [3300, 3400], '0.0.0.0/0'),
    ],
    ['PostgreSQL over IPv6', 'high', 'tcp port 5432', permission('tcp', 5432, '::/0')],
    ['RDP over UDP (protocol number)', 'high', 'udp port 3389', permission('17', 3389, '0.0.0.0/0')],
    ['another TCP port', 'medium', 'tcp port 8443', permission('tcp', 8443, '0.0.0.0/0')],
    ['another TCP port over IPv6', 'medium', 'tcp ports 8443-8444', permission('tcp', [8443, 8444], '::/0')],
    ['a whole protocol (GRE)', 'medium', 'all of IP protocol 47', permission('47', undefined, '0.0.0.0/0')],
    ['ICMP', 'low', 'ICMP', permission('icmp', undefined, '0.0.0.0/0')],
    ['ICMPv6', 'low', 'ICMPv6', permission('icmpv6', undefined, '::/0')],
  ])('reports %s as %s', (_label, severity, words, ingress) => {
    // Act
    const [result, ...rest] = evaluate([withIngress(ingress)]);

    // Assess
    expect(rest).toEqual([]);
    expect(result?.severity).toBe(severity);
    expect(result?.message).toContain(words);
  });

  it('names the high-risk ports a range holds, in the message (the first five) and the evidence (all)', () => {
    // Act
    const [result] = evaluate([withIngress(permission('tcp', [0, 65535], '0.0.0.0/0'))]);

    // Assess
    expect(result?.message).toContain('(high-risk: 20, 21, 22, 23, 25 and 19 more)');
    expect(result?.evidence.permissions).toEqual([
      expect.objectContaining({ highRiskPorts: HIGH_RISK_PORTS }),
    ]);
  });

  it.each([
    ['HTTP', permission('tcp', 80, '0.0.0.0/0', '::/0')],
    ['HTTPS', permission('tcp', 443, '0.0.0.0/0', '::/0')],
    ['HTTP/3 (UDP 443)', permission('udp', 443, '0.0.0.0/0')],
  ])('does not report %s, an authorized port', (_label, ingress) => {
    expect(evaluate([withIngress(ingress)])).toEqual([]);
  });

  it('honours a custom authorizedPorts setting', () => {
    // Prepare
    const group = withIngress(permission('tcp', 8443, '0.0.0.0/0'), permission('tcp', 80, '0.0.0.0/0'));

    // Act
    const results = evaluate([group], undefined, makeRuleContext({ authorizedPorts: [8443] }));

    // Assess: 8443 is now fine, and 80 no longer is.
    expect(results).toHaveLength(1);
    expect(results[0]?.severity).toBe('medium');
    expect(results[0]?.evidence.permissions).toEqual([expect.objectContaining({ fromPort: 80, toPort: 80 })]);
  });

  it.each([
    ['a referenced security group', { kind: 'security-group' as const, value: 'sg-0fedcba987654321f' }],
    ['a prefix list', { kind: 'prefix-list' as const, value: 'pl-0123456789abcdef0' }],
  ])('does not report all traffic from %s', (_label, source) => {
    expect(evaluate([withIngress(permission('-1', undefined, source))])).toEqual([]);
  });

  it('reports only the internet sources of a rule that also lists private ones', () => {
    // Act
    const [result] = evaluate([
      withIngress(
        permission('tcp', 22, '10.0.0.0/8', '::/0', {
          kind: 'security-group',
          value: 'sg-0fedcba987654321f',
        }),
      ),
    ]);

    // Assess
    expect(result?.evidence.permissions).toEqual([expect.objectContaining({ cidr: '::/0' })]);
    expect(result?.cli).toContain("IpProtocol=tcp,FromPort=22,ToPort=22,Ipv6Ranges=[{CidrIpv6=::/0}]'");
  });

  it.each([
    ['critical', 'high', permission('-1', undefined, '0.0.0.0/0')],
    ['high', 'medium', permission('tcp', 3389, '0.0.0.0/0')],
    ['medium', 'low', permission('tcp', 8443, '0.0.0.0/0')],
    ['low', 'info', permission('icmp', undefined, '0.0.0.0/0')],
  ])('reports an unattached group one step lower: %s → %s', (_attached, unattached, ingress) => {
    // Prepare
    const elsewhere = makeNetworkInterface({ securityGroupIds: ['sg-0fedcba987654321f'] });

    // Act
    const [result] = evaluate([withIngress(ingress)], [elsewhere]);

    // Assess
    expect(result?.severity).toBe(unattached);
    expect(result?.evidence).toMatchObject({ attached: false, networkInterfaces: 0 });
    expect(result?.message).toMatch(/; no network interface uses it yet\.$/);
  });

  it('makes one finding per group at its worst exposure, listing every offending permission', () => {
    // Prepare
    const group = withIngress(
      permission('tcp', 8443, '0.0.0.0/0'),
      permission('tcp', 443, '0.0.0.0/0'),
      permission('tcp', 22, '0.0.0.0/0', '::/0'),
      permission('icmp', [8, -1], '0.0.0.0/0'),
    );
    const interfaces = [
      makeNetworkInterface(),
      makeNetworkInterface({ networkInterfaceId: 'eni-0a1b2c3d4e5f60002' }),
    ];

    // Act
    const results = evaluate([group], interfaces);

    // Assess
    expect(results).toHaveLength(1);
    expect(results[0]?.severity).toBe('high');
    expect(results[0]?.message).toBe(
      `Security group web (${FIXTURE_GROUP}) allows tcp port 22 (high-risk) from 0.0.0.0/0 (and 3 more open permissions).`,
    );
    expect(results[0]?.evidence).toMatchObject({
      worstExposure: 'high-risk-port',
      attached: true,
      networkInterfaces: 2,
    });
    expect(results[0]?.evidence.permissions).toEqual([
      {
        protocol: 'tcp',
        fromPort: 8443,
        toPort: 8443,
        cidr: '0.0.0.0/0',
        exposure: 'other-port',
        highRiskPorts: [],
      },
      {
        protocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidr: '0.0.0.0/0',
        exposure: 'high-risk-port',
        highRiskPorts: [22],
      },
      {
        protocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidr: '::/0',
        exposure: 'high-risk-port',
        highRiskPorts: [22],
      },
      { protocol: 'icmp', icmpType: 8, icmpCode: -1, cidr: '0.0.0.0/0', exposure: 'icmp', highRiskPorts: [] },
    ]);
  });

  it('revokes all traffic with a port-less permission, and ICMP with its type and code', () => {
    // Act
    const [all] = evaluate([withIngress(permission('-1', undefined, '::/0'))]);
    const [icmp] = evaluate([withIngress(permission('icmp', [8, -1], '0.0.0.0/0'))]);

    // Assess
    expect(all?.cli).toBe(
      `aws ec2 revoke-security-group-ingress --group-id ${FIXTURE_GROUP} --ip-permissions 'IpProtocol=-1,Ipv6Ranges=[{CidrIpv6=::/0}]'`,
    );
    expect(icmp?.cli).toContain("'IpProtocol=icmp,FromPort=8,ToPort=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'");
  });

  it('ignores egress rules', () => {
    expect(evaluate([makeSecurityGroup({ egress: [permission('-1', undefined, '0.0.0.0/0')] })])).toEqual([]);
  });

  it('counts an interface once per group and only the groups it uses', () => {
    // Prepare
    const open = permission('tcp', 22, '0.0.0.0/0');
    const a = makeSecurityGroup({ groupId: 'sg-000000000000000a1', groupName: 'a', ingress: [open] });
    const b = makeSecurityGroup({ groupId: 'sg-000000000000000b1', groupName: 'b', ingress: [open] });
    const eni = makeNetworkInterface({ securityGroupIds: ['sg-000000000000000a1', 'sg-000000000000000a1'] });

    // Act
    const results = evaluate([a, b], [eni]);

    // Assess
    expect(results.map((r) => [r.resourceId, r.severity, r.evidence.networkInterfaces])).toEqual([
      ['sg-000000000000000a1', 'high', 1],
      ['sg-000000000000000b1', 'medium', 0],
    ]);
  });

  it('uses the owner account of the group in its ARN', () => {
    const [result] = evaluate([
      makeSecurityGroup({ ownerId: '222222222222', ingress: [permission('tcp', 22, '0.0.0.0/0')] }),
    ]);
    expect(result?.resourceArn).toBe(
      `arn:aws:ec2:${FIXTURE_REGION}:222222222222:security-group/${FIXTURE_GROUP}`,
    );
  });

  it('reports nothing for an empty inventory', () => {
    expect(evaluate([], [])).toEqual([]);
  });

  it.each([
    ['ec2.securityGroups', 'ec2:DescribeSecurityGroups'],
    ['ec2.networkInterfaces', 'ec2:DescribeNetworkInterfaces'],
  ] as const)('yields nothing, without throwing, when %s failed', (source, operation) => {
    // Prepare
    const sources = {
      'ec2.securityGroups': ok([withIngress(permission('-1', undefined, '0.0.0.0/0'))]),
      'ec2.networkInterfaces': ok([makeNetworkInterface()]),
      [source]: failed(collectionFailure(source, operation)),
    };

    // Act
    const results = rule.evaluate(makeSnapshot(sources), ctx);

    // Assess
    expect(results).toEqual([]);
  });

  it('declares the sources it reads', () => {
    expect(rule.requires).toEqual(['ec2.securityGroups', 'ec2.networkInterfaces']);
  });
});
