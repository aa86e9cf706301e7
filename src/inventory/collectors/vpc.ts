/**
 * VPC collector: VPCs, subnets (with their Outposts), flow logs and network interfaces (which tell
 * which security groups are in use).
 */
import {
  EC2Client,
  paginateDescribeFlowLogs,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
} from '@aws-sdk/client-ec2';
import { type Collector, type CollectorContext, readSource, tagsOf } from '../collector.ts';
import type { FlowLog, NetworkInterface, SourceId, Sources, Subnet, Vpc } from '../types.ts';

/** EC2 Describe calls accept MaxResults from 5 to 1000. */
export function ec2PageSize(ctx: CollectorContext): number {
  return Math.min(1000, Math.max(5, ctx.pageSize ?? 1000));
}

export async function collectVpcs(ctx: CollectorContext) {
  const client = ctx.clients.get(EC2Client, ctx.region);
  return readSource(ctx, 'ec2.vpcs', 'ec2:DescribeVpcs', async () => {
    const vpcs: Vpc[] = [];
    for await (const page of paginateDescribeVpcs({ client, pageSize: ec2PageSize(ctx) }, {})) {
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
  return readSource(ctx, 'ec2.subnets', 'ec2:DescribeSubnets', async () => {
    const subnets: Subnet[] = [];
    for await (const page of paginateDescribeSubnets({ client, pageSize: ec2PageSize(ctx) }, {})) {
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
  return readSource(ctx, 'ec2.flowLogs', 'ec2:DescribeFlowLogs', async () => {
    const flowLogs: FlowLog[] = [];
    for await (const page of paginateDescribeFlowLogs({ client, pageSize: ec2PageSize(ctx) }, {})) {
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
  return readSource(ctx, 'ec2.networkInterfaces', 'ec2:DescribeNetworkInterfaces', async () => {
    const interfaces: NetworkInterface[] = [];
    for await (const page of paginateDescribeNetworkInterfaces({ client, pageSize: ec2PageSize(ctx) }, {})) {
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

export const vpcCollector: Collector = {
  name: 'vpc',
  produces: ['ec2.vpcs', 'ec2.subnets', 'ec2.flowLogs', 'ec2.networkInterfaces'],
  async collect(ctx, wanted: ReadonlySet<SourceId>): Promise<Sources> {
    const [vpcs, subnets, flowLogs, networkInterfaces] = await Promise.all([
      wanted.has('ec2.vpcs') ? collectVpcs(ctx) : undefined,
      wanted.has('ec2.subnets') ? collectSubnets(ctx) : undefined,
      wanted.has('ec2.flowLogs') ? collectFlowLogs(ctx) : undefined,
      wanted.has('ec2.networkInterfaces') ? collectNetworkInterfaces(ctx) : undefined,
    ]);
    return {
      ...(vpcs ? { 'ec2.vpcs': vpcs } : {}),
      ...(subnets ? { 'ec2.subnets': subnets } : {}),
      ...(flowLogs ? { 'ec2.flowLogs': flowLogs } : {}),
      ...(networkInterfaces ? { 'ec2.networkInterfaces': networkInterfaces } : {}),
    };
  },
};
