/**
 * EC2 collector: instances, the AMIs they use (described by id, in batches: never every image in
 * the region), and security groups with every ingress and egress rule.
 */
import {
  DescribeImagesCommand,
  EC2Client,
  type IpPermission,
  paginateDescribeInstances,
  paginateDescribeSecurityGroups,
  type Image as SdkImage,
} from '@aws-sdk/client-ec2';
import { type Collector, type CollectorContext, iso, readSource, tagsOf } from '../collector.ts';
import { chunk, mapWithConcurrency } from '../concurrency.ts';
import { type DeclaredCall, pageSizeFor } from '../declared-calls.ts';
import { osFromImage, resolveInstanceOs } from '../os-detection.ts';
import type {
  Image,
  Instance,
  PermissionSource,
  SecurityGroup,
  SecurityGroupRule,
  SourceId,
  SourceResult,
  Sources,
} from '../types.ts';

/**
 * The calls this collector makes. EC2 Describe calls accept MaxResults from 5 to 1000; the
 * `image-id` filter of DescribeImages takes up to 200 values. Instances are listed for their images
 * too: an AMI is described only because an instance uses it.
 */
export const ec2Calls = {
  describeInstances: {
    operation: 'ec2:DescribeInstances',
    sources: ['ec2.instances', 'ec2.images'],
    per: 'page',
    of: 'instance',
    pageSize: 1000,
    minPageSize: 5,
  },
  describeImages: {
    operation: 'ec2:DescribeImages',
    sources: ['ec2.instances', 'ec2.images'],
    per: 'batch',
    of: 'image in use',
    pageSize: 200,
  },
  describeSecurityGroups: {
    operation: 'ec2:DescribeSecurityGroups',
    sources: ['ec2.securityGroups'],
    per: 'page',
    of: 'security group',
    pageSize: 1000,
    minPageSize: 5,
  },
} as const satisfies Record<string, DeclaredCall>;

type RawInstance = Omit<Instance, 'os'>;

async function describeInstances(ctx: CollectorContext) {
  const client = ctx.clients.get(EC2Client, ctx.region);
  return readSource(ctx, 'ec2.instances', ec2Calls.describeInstances.operation, async () => {
    const instances: RawInstance[] = [];
    // Terminated instances linger for an hour and run nothing: they are not inventory.
    const filters = [
      { Name: 'instance-state-name', Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'] },
    ];
    for await (const page of paginateDescribeInstances(
      { client, pageSize: pageSizeFor(ctx, ec2Calls.describeInstances) },
      { Filters: filters },
    )) {
      for (const reservation of page.Reservations ?? []) {
        for (const i of reservation.Instances ?? []) {
          if (!i.InstanceId) continue;
          instances.push({
            instanceId: i.InstanceId,
            state: i.State?.Name ?? 'unknown',
            ...(i.InstanceType ? { instanceType: i.InstanceType } : {}),
            ...(i.ImageId ? { imageId: i.ImageId } : {}),
            ...(i.LaunchTime ? { launchTime: iso(i.LaunchTime) } : {}),
            ...(i.Platform ? { platform: i.Platform } : {}),
            ...(i.PlatformDetails ? { platformDetails: i.PlatformDetails } : {}),
            ...(i.UsageOperation ? { usageOperation: i.UsageOperation } : {}),
            ...(i.Architecture ? { architecture: i.Architecture } : {}),
            ...(i.VpcId ? { vpcId: i.VpcId } : {}),
            ...(i.SubnetId ? { subnetId: i.SubnetId } : {}),
            ...(i.PrivateIpAddress ? { privateIpAddress: i.PrivateIpAddress } : {}),
            ...(i.PublicIpAddress ? { publicIpAddress: i.PublicIpAddress } : {}),
            ...(i.IamInstanceProfile?.Arn ? { iamInstanceProfileArn: i.IamInstanceProfile.Arn } : {}),
            metadataOptions: {
              ...(i.MetadataOptions?.HttpTokens ? { httpTokens: i.MetadataOptions.HttpTokens } : {}),
              ...(i.MetadataOptions?.HttpEndpoint ? { httpEndpoint: i.MetadataOptions.HttpEndpoint } : {}),
              ...(i.MetadataOptions?.HttpPutResponseHopLimit !== undefined
                ? { httpPutResponseHopLimit: i.MetadataOptions.HttpPutResponseHopLimit }
                : {}),
            },
            securityGroupIds: (i.SecurityGroups ?? []).map((g) => g.GroupId).filter((g): g is string => !!g),
            tags: tagsOf(i.Tags),
          });
        }
      }
    }
    return instances;
  });
}

function toImage(raw: SdkImage & { ImageId: string }): Image {
  const base = {
    imageId: raw.ImageId,
    ...(raw.Name ? { name: raw.Name } : {}),
    ...(raw.Description ? { description: raw.Description } : {}),
    ...(raw.OwnerId ? { ownerId: raw.OwnerId } : {}),
    ...(raw.ImageOwnerAlias ? { ownerAlias: raw.ImageOwnerAlias } : {}),
    ...(raw.PlatformDetails ? { platformDetails: raw.PlatformDetails } : {}),
    ...(raw.CreationDate ? { creationDate: raw.CreationDate } : {}),
    ...(raw.DeprecationTime ? { deprecationTime: raw.DeprecationTime } : {}),
    ...(raw.Public !== undefined ? { public: raw.Public } : {}),
  };
  return { ...base, os: osFromImage(base) };
}

/**
 * Describes the given AMIs. The `image-id` filter (rather than `ImageIds`) makes a deregistered or
 * unshared id simply absent instead of failing the whole batch with InvalidAMIID.NotFound.
 */
async function describeImages(ctx: CollectorContext, imageIds: string[]): Promise<SourceResult<Image>> {
  const client = ctx.clients.get(EC2Client, ctx.region);
  return readSource(ctx, 'ec2.images', ec2Calls.describeImages.operation, async () => {
    const batches = await mapWithConcurrency(
      chunk(imageIds, ec2Calls.describeImages.pageSize),
      ctx.concurrency,
      async (ids) => {
        const images: Image[] = [];
        let nextToken: string | undefined;
        do {
          const page = await client.send(
            new DescribeImagesCommand({
              Filters: [{ Name: 'image-id', Values: ids }],
              IncludeDeprecated: true,
              ...(nextToken ? { NextToken: nextToken } : {}),
            }),
          );
          for (const raw of page.Images ?? [])
            if (raw.ImageId) images.push(toImage({ ...raw, ImageId: raw.ImageId }));
          nextToken = page.NextToken;
        } while (nextToken);
        return images;
      },
    );
    return batches.flat();
  });
}

function ruleOf(permission: IpPermission): SecurityGroupRule {
  const sources: PermissionSource[] = [];
  for (const r of permission.IpRanges ?? []) {
    if (r.CidrIp)
      sources.push({
        kind: 'ipv4',
        value: r.CidrIp,
        ...(r.Description ? { description: r.Description } : {}),
      });
  }
  for (const r of permission.Ipv6Ranges ?? []) {
    if (r.CidrIpv6)
      sources.push({
        kind: 'ipv6',
        value: r.CidrIpv6,
        ...(r.Description ? { description: r.Description } : {}),
      });
  }
  for (const p of permission.PrefixListIds ?? []) {
    if (p.PrefixListId)
      sources.push({
        kind: 'prefix-list',
        value: p.PrefixListId,
        ...(p.Description ? { description: p.Description } : {}),
      });
  }
  for (const g of permission.UserIdGroupPairs ?? []) {
    if (g.GroupId)
      sources.push({
        kind: 'security-group',
        value: g.GroupId,
        ...(g.UserId ? { userId: g.UserId } : {}),
        ...(g.Description ? { description: g.Description } : {}),
      });
  }
  const protocol = permission.IpProtocol ?? '-1';
  // EC2 reports -1 ports for all-traffic and for "all ICMP types": both mean no port restriction.
  const hasPorts = protocol !== '-1' && permission.FromPort !== undefined && permission.FromPort !== -1;
  return {
    protocol,
    ...(hasPorts ? { fromPort: permission.FromPort, toPort: permission.ToPort ?? permission.FromPort } : {}),
    sources,
  };
}

async function describeSecurityGroups(ctx: CollectorContext) {
  const client = ctx.clients.get(EC2Client, ctx.region);
  return readSource(ctx, 'ec2.securityGroups', ec2Calls.describeSecurityGroups.operation, async () => {
    const groups: SecurityGroup[] = [];
    for await (const page of paginateDescribeSecurityGroups(
      { client, pageSize: pageSizeFor(ctx, ec2Calls.describeSecurityGroups) },
      {},
    )) {
      for (const g of page.SecurityGroups ?? []) {
        if (!g.GroupId) continue;
        groups.push({
          groupId: g.GroupId,
          groupName: g.GroupName ?? g.GroupId,
          ...(g.Description ? { description: g.Description } : {}),
          ...(g.VpcId ? { vpcId: g.VpcId } : {}),
          ...(g.OwnerId ? { ownerId: g.OwnerId } : {}),
          ingress: (g.IpPermissions ?? []).map(ruleOf),
          egress: (g.IpPermissionsEgress ?? []).map(ruleOf),
          tags: tagsOf(g.Tags),
        });
      }
    }
    return groups;
  });
}

export const ec2Collector: Collector = {
  name: 'ec2',
  produces: ['ec2.instances', 'ec2.images', 'ec2.securityGroups'],
  calls: Object.values(ec2Calls),
  async collect(ctx, wanted: ReadonlySet<SourceId>): Promise<Sources> {
    const needInstances = wanted.has('ec2.instances') || wanted.has('ec2.images');
    const [rawInstances, securityGroups] = await Promise.all([
      needInstances ? describeInstances(ctx) : undefined,
      wanted.has('ec2.securityGroups') ? describeSecurityGroups(ctx) : undefined,
    ]);
    const sources: Sources = {};
    if (securityGroups) sources['ec2.securityGroups'] = securityGroups;
    if (!rawInstances) return sources;
    if (!rawInstances.ok) {
      sources['ec2.instances'] = rawInstances;
      if (wanted.has('ec2.images')) sources['ec2.images'] = rawInstances;
      return sources;
    }
    const imageIds = [
      ...new Set(rawInstances.items.map((i) => i.imageId).filter((id): id is string => !!id)),
    ].sort();
    const images: SourceResult<Image> = imageIds.length
      ? await describeImages(ctx, imageIds)
      : { ok: true, items: [] };
    const imageById = new Map(images.ok ? images.items.map((img) => [img.imageId, img]) : []);
    const instances: Instance[] = rawInstances.items.map((raw) => {
      const image = raw.imageId ? imageById.get(raw.imageId) : undefined;
      const os = images.ok
        ? resolveInstanceOs(raw, image)
        : ({
            known: false,
            reason: `the AMI could not be described (${images.error.code})`,
            incomplete: true,
          } as const);
      return { ...raw, os };
    });
    if (wanted.has('ec2.instances')) sources['ec2.instances'] = { ok: true, items: instances };
    if (wanted.has('ec2.images')) sources['ec2.images'] = images;
    return sources;
  },
};
