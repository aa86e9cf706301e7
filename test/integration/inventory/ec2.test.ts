import {
  AuthorizeSecurityGroupIngressCommand,
  CreateFlowLogsCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeregisterImageCommand,
  EC2Client,
  RegisterImageCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../../src/aws/api-calls.ts';
import { ec2Collector } from '../../../src/inventory/collectors/ec2.ts';
import { vpcCollector } from '../../../src/inventory/collectors/vpc.ts';
import type { Instance, SourceId } from '../../../src/inventory/types.ts';
import {
  clientsFor,
  collectorContext,
  HUB_ACCOUNT,
  MEMBER_A,
  resetEmulator,
} from '../../support/emulator.ts';
import { denyOperation } from '../../support/faults.ts';

const ec2Sources = new Set<SourceId>(['ec2.instances', 'ec2.images', 'ec2.securityGroups']);
const vpcSources = new Set<SourceId>(['ec2.vpcs', 'ec2.subnets', 'ec2.flowLogs', 'ec2.networkInterfaces']);

interface Seeded {
  vpcId: string;
  openGroupId: string;
  centosInstances: string[];
  orphanInstance: string;
}

async function seed(account: string, region: string, instanceCount: number): Promise<Seeded> {
  const ec2 = (await clientsFor(account)).get(EC2Client, region);
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!.VpcId!;
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.0/24' })))
    .Subnet!.SubnetId!;
  await ec2.send(
    new CreateFlowLogsCommand({
      ResourceIds: [vpcId],
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: 'vpc-flow-logs',
      DeliverLogsPermissionArn: 'arn:aws:iam::123456789012:role/flow-logs',
    }),
  );
  const openGroupId = (
    await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'web-open', Description: 'open', VpcId: vpcId }),
    )
  ).GroupId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: openGroupId,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh' }],
        },
        { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: openGroupId }] },
      ],
    }),
  );
  const centos = (
    await ec2.send(
      new RegisterImageCommand({
        Name: 'CentOS Linux 7 x86_64 HVM EBS ENA 2002_01',
        Description: 'CentOS 7',
      }),
    )
  ).ImageId!;
  const doomed = (await ec2.send(new RegisterImageCommand({ Name: 'golden-image-2019', Description: 'old' })))
    .ImageId!;
  const centosInstances: string[] = [];
  // One RunInstances per instance: moto's MaxResults counts reservations, so this makes pages.
  for (let n = 0; n < instanceCount; n++) {
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: centos,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't3.micro',
        SubnetId: subnetId,
        SecurityGroupIds: [openGroupId],
        MetadataOptions: { HttpTokens: n % 2 ? 'required' : 'optional' },
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: `app-${n}` }] }],
      }),
    );
    centosInstances.push(run.Instances![0]!.InstanceId!);
  }
  const orphan = await ec2.send(
    new RunInstancesCommand({
      ImageId: doomed,
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.small',
      SubnetId: subnetId,
    }),
  );
  await ec2.send(new DeregisterImageCommand({ ImageId: doomed }));
  return { vpcId, openGroupId, centosInstances, orphanInstance: orphan.Instances![0]!.InstanceId! };
}

describe('EC2 and VPC collectors against the emulator', () => {
  let hub: Seeded;
  let member: Seeded;

  beforeAll(async () => {
    await resetEmulator();
    hub = await seed(HUB_ACCOUNT, 'eu-west-1', 7);
    member = await seed(MEMBER_A, 'us-east-1', 2);
  });

  it('collects every instance across pages with its OS from the AMI, and describes only the AMIs in use', async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const ctx = await collectorContext(HUB_ACCOUNT, 'eu-west-1', { pageSize: 5, counter });

    // Act
    const sources = await ec2Collector.collect(ctx, ec2Sources);

    // Assess
    const instances = sources['ec2.instances'];
    expect(instances?.ok).toBe(true);
    const items = instances?.ok ? instances.items : [];
    expect(items.map((i) => i.instanceId).sort()).toEqual(
      [...hub.centosInstances, hub.orphanInstance].sort(),
    );
    expect(counter.get('ec2:DescribeInstances')?.calls).toBeGreaterThan(1);
    const first = items.find((i) => i.instanceId === hub.centosInstances[0]) as Instance;
    expect(first.os).toMatchObject({ known: true, family: 'centos', version: '7', source: 'ami-name' });
    expect(first.tags.Name).toBe('app-0');
    expect(first.securityGroupIds).toEqual([hub.openGroupId]);
    expect(items.find((i) => i.instanceId === hub.centosInstances[1])?.metadataOptions.httpTokens).toBe(
      'required',
    );
    const orphan = items.find((i) => i.instanceId === hub.orphanInstance) as Instance;
    expect(orphan.os.known).toBe(false);
    expect(orphan.os.known ? '' : orphan.os.reason).toMatch(/deregistered|not shared/);
    const images = sources['ec2.images'];
    expect(images?.ok && images.items.map((i) => i.name)).toEqual([
      'CentOS Linux 7 x86_64 HVM EBS ENA 2002_01',
    ]);
    expect(counter.get('ec2:DescribeImages')?.calls).toBe(1);
  });

  it('reads every ingress rule of a security group: IPv4, IPv6, all traffic and referenced groups', async () => {
    // Prepare
    const ctx = await collectorContext(HUB_ACCOUNT, 'eu-west-1', { pageSize: 5 });

    // Act
    const sources = await ec2Collector.collect(ctx, new Set<SourceId>(['ec2.securityGroups']));

    // Assess
    expect(sources['ec2.instances']).toBeUndefined();
    const groups = sources['ec2.securityGroups'];
    const open = groups?.ok ? groups.items.find((g) => g.groupId === hub.openGroupId) : undefined;
    expect(open?.groupName).toBe('web-open');
    expect(open?.ingress).toEqual(
      expect.arrayContaining([
        {
          protocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          sources: [{ kind: 'ipv4', value: '0.0.0.0/0', description: 'ssh' }],
        },
        { protocol: '-1', sources: [{ kind: 'ipv6', value: '::/0' }] },
        {
          protocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          sources: [expect.objectContaining({ kind: 'security-group', value: hub.openGroupId })],
        },
      ]),
    );
    expect(groups?.ok && groups.items.some((g) => g.groupName === 'default')).toBe(true);
  });

  it('keeps accounts and regions apart (assume-role into a member account)', async () => {
    // Prepare
    const memberCtx = await collectorContext(MEMBER_A, 'us-east-1');
    const emptyRegionCtx = await collectorContext(MEMBER_A, 'eu-west-1');

    // Act
    const [memberSources, emptySources] = await Promise.all([
      ec2Collector.collect(memberCtx, ec2Sources),
      ec2Collector.collect(emptyRegionCtx, ec2Sources),
    ]);

    // Assess
    const memberIds = memberSources['ec2.instances']?.ok
      ? memberSources['ec2.instances'].items.map((i) => i.instanceId)
      : [];
    expect(memberIds.sort()).toEqual([...member.centosInstances, member.orphanInstance].sort());
    expect(emptySources['ec2.instances']).toEqual({ ok: true, items: [] });
    expect(emptySources['ec2.images']).toEqual({ ok: true, items: [] });
  });

  it('collects VPCs with their flow logs, subnets and the network interfaces that use security groups', async () => {
    // Prepare
    const ctx = await collectorContext(HUB_ACCOUNT, 'eu-west-1', { pageSize: 5 });

    // Act
    const sources = await vpcCollector.collect(ctx, vpcSources);

    // Assess
    const vpcs = sources['ec2.vpcs']?.ok ? sources['ec2.vpcs'].items : [];
    expect(vpcs.find((v) => v.vpcId === hub.vpcId)).toMatchObject({
      isDefault: false,
      cidrBlocks: ['10.20.0.0/16'],
    });
    expect(vpcs.some((v) => v.isDefault)).toBe(true);
    const flowLogs = sources['ec2.flowLogs']?.ok ? sources['ec2.flowLogs'].items : [];
    expect(flowLogs.map((f) => f.resourceId)).toEqual([hub.vpcId]);
    const subnets = sources['ec2.subnets']?.ok ? sources['ec2.subnets'].items : [];
    expect(subnets.filter((s) => s.vpcId === hub.vpcId).map((s) => s.cidrBlock)).toEqual(['10.20.1.0/24']);
    const enis = sources['ec2.networkInterfaces']?.ok ? sources['ec2.networkInterfaces'].items : [];
    expect(enis.filter((e) => e.securityGroupIds.includes(hub.openGroupId)).length).toBe(
      hub.centosInstances.length,
    );
  });

  it("records a denied operation as that source's error while the other sources succeed", async () => {
    // Prepare
    const ctx = await collectorContext(HUB_ACCOUNT, 'eu-west-1');
    denyOperation(ctx.clients.get(EC2Client, 'eu-west-1'), 'DescribeFlowLogs');

    // Act
    const sources = await vpcCollector.collect(ctx, vpcSources);

    // Assess
    expect(sources['ec2.flowLogs']).toEqual({
      ok: false,
      error: expect.objectContaining({
        accountId: HUB_ACCOUNT,
        region: 'eu-west-1',
        source: 'ec2.flowLogs',
        operation: 'ec2:DescribeFlowLogs',
        code: 'UnauthorizedOperation',
      }),
    });
    expect(sources['ec2.vpcs']?.ok).toBe(true);
    expect(sources['ec2.subnets']?.ok).toBe(true);
  });
});
