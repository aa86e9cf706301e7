/**
 * Outposts collector: the AWS Outposts racks and servers of the region that the account owns or
 * that are shared with it (`ListOutposts`), and, for the inventory, the site names (`ListSites`,
 * once per target) and the compute capacity of each Outpost the account owns (`ListAssets`: its
 * hosts, their state, vCPUs and instance families). Only an Outpost's owner may list its sites and
 * assets, so those calls are made for owned Outposts only; when one fails, the Outpost stays in the
 * inventory without the field and the failure is recorded. The subnets and instances on each
 * Outpost come from the VPC and EC2 sources (a subnet's Outpost ARN).
 */
import {
  type AssetInfo,
  OutpostsClient,
  paginateListAssets,
  paginateListOutposts,
  paginateListSites,
  type Outpost as SdkOutpost,
} from '@aws-sdk/client-outposts';
import { type Collector, type CollectorContext, readField, readSource } from '../collector.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { type DeclaredCall, pageSizeFor } from '../declared-calls.ts';
import type { Outpost, OutpostCapacity, SourceId, Sources } from '../types.ts';

/**
 * The calls this collector makes. Outposts list calls accept MaxResults from 1 to 1000. Sites and
 * assets are read for the inventory only (`ctx.details`), and only for Outposts the account owns.
 */
export const outpostsCalls = {
  listOutposts: {
    operation: 'outposts:ListOutposts',
    sources: ['outposts.outposts'],
    per: 'page',
    of: 'outpost',
    pageSize: 1000,
  },
  listSites: {
    operation: 'outposts:ListSites',
    sources: ['outposts.outposts'],
    per: 'target',
    of: 'owned outpost',
    pageSize: 1000,
    details: true,
  },
  listAssets: {
    operation: 'outposts:ListAssets',
    sources: ['outposts.outposts'],
    per: 'item',
    of: 'owned outpost',
    pageSize: 1000,
    details: true,
  },
} as const satisfies Record<string, DeclaredCall>;

/** Instance families kept per Outpost: a rack holds a handful. */
const MAX_INSTANCE_FAMILIES = 20;

function toOutpost(o: SdkOutpost): Outpost | undefined {
  if (!o.OutpostId) return undefined;
  return {
    outpostId: o.OutpostId,
    ...(o.OutpostArn ? { outpostArn: o.OutpostArn } : {}),
    ...(o.Name ? { name: o.Name } : {}),
    ...(o.OwnerId ? { ownerId: o.OwnerId } : {}),
    ...(o.SiteId ? { siteId: o.SiteId } : {}),
    ...(o.AvailabilityZone ? { availabilityZone: o.AvailabilityZone } : {}),
    ...(o.AvailabilityZoneId ? { availabilityZoneId: o.AvailabilityZoneId } : {}),
    ...(o.LifeCycleStatus ? { lifeCycleStatus: o.LifeCycleStatus } : {}),
    ...(o.SupportedHardwareType ? { supportedHardwareType: o.SupportedHardwareType } : {}),
    tags: { ...(o.Tags ?? {}) },
  };
}

/** The capacity of an Outpost's compute assets (its hosts). */
export function capacityOf(assets: readonly AssetInfo[]): OutpostCapacity {
  const hosts = assets.filter((a) => a.AssetType === 'COMPUTE' || a.ComputeAttributes !== undefined);
  const families = new Set<string>();
  for (const host of hosts) for (const f of host.ComputeAttributes?.InstanceFamilies ?? []) families.add(f);
  return {
    hosts: hosts.length,
    activeHosts: hosts.filter((h) => h.ComputeAttributes?.State === 'ACTIVE').length,
    maxVcpus: hosts.reduce((total, h) => total + (h.ComputeAttributes?.MaxVcpus ?? 0), 0),
    instanceFamilies: [...families].sort().slice(0, MAX_INSTANCE_FAMILIES),
  };
}

async function siteNames(ctx: CollectorContext, client: OutpostsClient): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for await (const page of paginateListSites(
    { client, pageSize: pageSizeFor(ctx, outpostsCalls.listSites) },
    {},
  )) {
    for (const site of page.Sites ?? []) if (site.SiteId && site.Name) names.set(site.SiteId, site.Name);
  }
  return names;
}

async function capacity(ctx: CollectorContext, client: OutpostsClient, outpostId: string) {
  const assets: AssetInfo[] = [];
  for await (const page of paginateListAssets(
    { client, pageSize: pageSizeFor(ctx, outpostsCalls.listAssets) },
    { OutpostIdentifier: outpostId },
  )) {
    assets.push(...(page.Assets ?? []));
  }
  return capacityOf(assets);
}

async function collectOutposts(ctx: CollectorContext, client: OutpostsClient): Promise<Outpost[]> {
  const outposts: Outpost[] = [];
  for await (const page of paginateListOutposts(
    { client, pageSize: pageSizeFor(ctx, outpostsCalls.listOutposts) },
    {},
  )) {
    for (const o of page.Outposts ?? []) {
      const outpost = toOutpost(o);
      if (outpost) outposts.push(outpost);
    }
  }
  const owned = outposts.filter((o) => o.ownerId === ctx.accountId);
  // Sites and capacity are shown by the inventory only; a scan has no rule that reads them.
  if (!ctx.details || owned.length === 0) return outposts;

  const [sites, capacities] = await Promise.all([
    readField(ctx, 'outposts.outposts', outpostsCalls.listSites.operation, ctx.region, () =>
      siteNames(ctx, client),
    ),
    mapWithConcurrency(owned, ctx.concurrency, (o) =>
      readField(ctx, 'outposts.outposts', outpostsCalls.listAssets.operation, o.outpostId, () =>
        capacity(ctx, client, o.outpostId),
      ),
    ),
  ]);
  const capacityById = new Map(owned.map((o, i) => [o.outpostId, capacities[i]]));
  return outposts.map((o) => {
    const siteName = o.siteId ? sites?.get(o.siteId) : undefined;
    const ownCapacity = capacityById.get(o.outpostId);
    return {
      ...o,
      ...(siteName ? { siteName } : {}),
      ...(ownCapacity ? { capacity: ownCapacity } : {}),
    };
  });
}

export const outpostsCollector: Collector = {
  name: 'outposts',
  produces: ['outposts.outposts'],
  calls: Object.values(outpostsCalls),
  async collect(ctx, wanted: ReadonlySet<SourceId>): Promise<Sources> {
    if (!wanted.has('outposts.outposts')) return {};
    const client = ctx.clients.get(OutpostsClient, ctx.region);
    const outposts = await readSource(ctx, 'outposts.outposts', outpostsCalls.listOutposts.operation, () =>
      collectOutposts(ctx, client),
    );
    return { 'outposts.outposts': outposts };
  },
};
