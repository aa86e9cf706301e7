/**
 * VPC collector: VPCs, subnets (with their Outposts), flow logs, network interfaces (which tell
 * which security groups are in use) and the region's zones, Local and Wavelength Zones included
 * (which tell where a subnet is).
 */
import {
  DescribeAvailabilityZonesCommand,
  EC2Client,
  paginateDescribeFlowLogs,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
} from '@aws-sdk/client-ec2';
import { type Collector, type CollectorContext, readSource, tagsOf } from '../collector.ts';
import { type DeclaredCall, pageSizeFor } from '../declared-calls.ts';
import type {
  AvailabilityZone,
  FlowLog,
  NetworkInterface,
  SourceId,
  Sources,
  Subnet,
  Vpc,
} from '../types.ts';

/** The calls this collector makes. EC2 Describe calls accept MaxResults from 5 to 1000. */
export const vpcCalls = {
  describeVpcs: {
    operation: 'ec2:DescribeVpcs',
    sources: ['ec2.vpcs'],
    per: 'page',
    of: 'vpc',
    pageSize: 1000,
    minPageSize: 5,
  },
  describeSubnets: {
    operation: 'ec2:DescribeSubnets',
    sources: ['ec2.subnets'],
    per: 'page',
    of: 'subnet',
    pageSize: 1000,
    minPageSize: 5,
  },
  describeFlowLogs: {
    operation: 'ec2:DescribeFlowLogs',
    sources: ['ec2.flowLogs'],
    per: 'page',
    of: 'flow log',
    pageSize: 1000,
    minPageSize: 5,
  },
  describeNetworkInterfaces: {
    operation: 'ec2:DescribeNetworkInterfaces',
    sources: ['ec2.networkInterfaces'],
    per: 'page',
    of: 'network interface',
    pageSize: 1000,
    minPageSize: 5,
  },
  describeAvailabilityZones: {
    operation: 'ec2:DescribeAvailabilityZones',
    sources: ['ec2.availabilityZones'],
    per: 'target',
  },
} as const satisfies Record<string, DeclaredCall>;

export async function collectVpcs(ctx: CollectorContext) {
  const client = ctx.clients.get(EC2Client, ctx.region);
  return readSource(ctx, 'ec2.vpcs', vpcCalls.describeVpcs.operation, async () => {
    const vpcs: Vpc[] = [];
    for await (const page of paginateDescribeVpcs(
      { client, pageSize: pageSizeFor(ctx, vpcCalls.describeVpcs) },
      {},
    )) {
      for (const v of page.Vpcs ?? []) {
        if (!v.VpcId) continue;
        vpcs.push({
          vpcId: v.VpcId,
          isDefault: v.IsDefault ?? false,
          state: v.State ?? 'unknown',
          cidrBlocks: [
            ...new Set([v.CidrBlock, ...(v.CidrBlockAssociationSet ?? []).map((a) => a.CidrBlock)]),
          ].filter((c): c is string => !!c),
          ipv6CidrBlocks: (v.Ipv6CidrBlockAssociationSet ?? [])
            .map((a) => a.Ipv6CidrBlock)
            .filter((c): c is string => !!c),
          ...(v.OwnerId ? { ownerId: v.OwnerId } : {}),
          tags: tagsOf(v.Tags),
        });
      }
    }
    return vpcs;
  });
}

export async function collectSubnets(ctx: CollectorContext) {
  const client = ctx.clients.get(EC2Client, ctx.region);
  return readSource(ctx, 'ec2.subnets', vpcCalls.describeSubnets.operation, async () => {
    const subnets: Subnet[] = [];
    for await (const page of paginateDescribeSubnets(
      { client, pageSize: pageSizeFor(ctx, vpcCalls.describeSubnets) },
      {},
    )) {
      for (const s of page.Subnets ?? []) {
        if (!s.SubnetId || !s.VpcId) continue;
        subnets.push({
          subnetId: s.SubnetId,
          vpcId: s.VpcId,
          availabilityZone: s.AvailabilityZone ?? '',
          ...(s.CidrBlock ? { cidrBlock: s.CidrBlock } : {}),
          ipv6CidrBlocks: (s.Ipv6CidrBlockAssociationSet ?? [])
            .map((a) => a.Ipv6CidrBlock)
            .filter((c): c is string => !!c),
          mapPublicIpOnLaunch: s.MapPublicIpOnLaunch ?? false,
          ...(s.OutpostArn ? { outpostArn: s.OutpostArn } : {}),
          tags: tagsOf(s.Tags),
        });
      }
    }
    return subnets;
  });
}

export async function collectFlowLogs(ctx: CollectorContext) {
  const client = ctx.clients.get(EC2Client, ctx.region);
  return readSource(ctx, 'ec2.flowLogs', vpcCalls.describeFlowLogs.operation, async () => {
    const flowLogs: FlowLog[] = [];
    for await (const page of paginateDescribeFlowLogs(
      { client, pageSize: pageSizeFor(ctx, vpcCalls.describeFlowLogs) },
      {},
    )) {
      for (const f of page.FlowLogs ?? []) {
        if (!f.FlowLogId || !f.ResourceId) continue;
        flowLogs.push({
          flowLogId: f.FlowLogId,
          resourceId: f.ResourceId,
          ...(f.FlowLogStatus ? { status: f.FlowLogStatus } : {}),
          ...(f.TrafficType ? { trafficType: f.TrafficType } : {}),
          ...(f.LogDestinationType ? { destinationType: f.LogDestinationType } : {}),
        });
      }
    }
    return flowLogs;
  });
}

export async function collectNetworkInterfaces(ctx: CollectorContext) {
  const client = ctx.clients.get(EC2Client, ctx.region);
  return readSource(ctx, 'ec2.networkInterfaces', vpcCalls.describeNetworkInterfaces.operation, async () => {
    const interfaces: NetworkInterface[] = [];
    for await (const page of paginateDescribeNetworkInterfaces(
      { client, pageSize: pageSizeFor(ctx, vpcCalls.describeNetworkInterfaces) },
      {},
    )) {
      for (const n of page.NetworkInterfaces ?? []) {
        if (!n.NetworkInterfaceId) continue;
        const attachedTo = n.Attachment?.InstanceId ?? n.RequesterId ?? n.Attachment?.InstanceOwnerId;
        interfaces.push({
          networkInterfaceId: n.NetworkInterfaceId,
          ...(n.VpcId ? { vpcId: n.VpcId } : {}),
          ...(n.SubnetId ? { subnetId: n.SubnetId } : {}),
          ...(n.Status ? { status: n.Status } : {}),
          ...(n.InterfaceType ? { interfaceType: n.InterfaceType } : {}),
          ...(attachedTo ? { attachedTo } : {}),
          securityGroupIds: (n.Groups ?? []).map((g) => g.GroupId).filter((g): g is string => !!g),
        });
      }
    }
    return interfaces;
  });
}

/**
 * Every zone of the region in one call (the API does not paginate): `AllAvailabilityZones` lists
 * Local and Wavelength Zones whether or not the account opted in, so a subnet's zone is always found.
 */
export async function collectAvailabilityZones(ctx: CollectorContext) {
  const client = ctx.clients.get(EC2Client, ctx.region);
  return readSource(ctx, 'ec2.availabilityZones', vpcCalls.describeAvailabilityZones.operation, async () => {
    const response = await client.send(new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: true }));
    const zones: AvailabilityZone[] = [];
    for (const z of response.AvailabilityZones ?? []) {
      if (!z.ZoneName) continue;
      zones.push({
        zoneName: z.ZoneName,
        ...(z.ZoneId ? { zoneId: z.ZoneId } : {}),
        zoneType: z.ZoneType ?? 'availability-zone',
        ...(z.OptInStatus ? { optInStatus: z.OptInStatus } : {}),
        ...(z.State ? { state: z.State } : {}),
        ...(z.ParentZoneName ? { parentZoneName: z.ParentZoneName } : {}),
        ...(z.GroupName ? { groupName: z.GroupName } : {}),
        ...(z.NetworkBorderGroup ? { networkBorderGroup: z.NetworkBorderGroup } : {}),
      });
    }
    return zones;
  });
}

export const vpcCollector: Collector = {
  name: 'vpc',
  produces: ['ec2.vpcs', 'ec2.subnets', 'ec2.flowLogs', 'ec2.networkInterfaces', 'ec2.availabilityZones'],
  calls: Object.values(vpcCalls),
  async collect(ctx, wanted: ReadonlySet<SourceId>): Promise<Sources> {
    const [vpcs, subnets, flowLogs, networkInterfaces, zones] = await Promise.all([
      wanted.has('ec2.vpcs') ? collectVpcs(ctx) : undefined,
      wanted.has('ec2.subnets') ? collectSubnets(ctx) : undefined,
      wanted.has('ec2.flowLogs') ? collectFlowLogs(ctx) : undefined,
      wanted.has('ec2.networkInterfaces') ? collectNetworkInterfaces(ctx) : undefined,
      wanted.has('ec2.availabilityZones') ? collectAvailabilityZones(ctx) : undefined,
    ]);
    return {
      ...(vpcs ? { 'ec2.vpcs': vpcs } : {}),
      ...(subnets ? { 'ec2.subnets': subnets } : {}),
      ...(flowLogs ? { 'ec2.flowLogs': flowLogs } : {}),
      ...(networkInterfaces ? { 'ec2.networkInterfaces': networkInterfaces } : {}),
      ...(zones ? { 'ec2.availabilityZones': zones } : {}),
    };
  },
};
