/**
 * EKS collector: clusters, connected ones included (`include: ['all']`: EKS Anywhere, AKS, GKE…
 * registered through EKS Connector), with their endpoint exposure and hybrid-node networks, and
 * the managed node groups of the clusters EKS runs.
 *
 * Node groups need the clusters described first: a connected cluster has none, and asking for them
 * would only fail, so `ListNodegroups` is called for EKS-run clusters only. When listing or
 * describing the clusters fails, both sources fail with it.
 *
 * The support dates of the clusters' Kubernetes versions come from `DescribeClusterVersions`, once
 * per target. That call is optional: the emulator lacks it and older read-only policies do not grant
 * it, so when it fails the clusters carry no `versionSupport` and the rules use the lifecycle
 * catalogue instead. It is not recorded as a collection error, because nothing is missing from the
 * inventory.
 */
import {
  type Cluster,
  type ClusterVersionInformation,
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  EKSClient,
  type Nodegroup,
  paginateDescribeClusterVersions,
  paginateListClusters,
  paginateListNodegroups,
} from '@aws-sdk/client-eks';
import { errorCode } from '../../aws/errors.ts';
import { type Collector, type CollectorContext, iso, readSource } from '../collector.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import type { EksCluster, EksNodegroup, EksVersionSupport, SourceId, Sources } from '../types.ts';

/** `ListClusters`, `ListNodegroups` and `DescribeClusterVersions` accept maxResults from 1 to 100. */
function eksPageSize(ctx: CollectorContext): number {
  return Math.min(100, Math.max(1, ctx.pageSize ?? 100));
}

/** The resource was deleted between the list and the describe call: it is no longer inventory. */
function isGone(error: unknown): boolean {
  return errorCode(error) === 'ResourceNotFoundException';
}

function cidrsOf(networks: { cidrs?: string[] }[] | undefined): string[] {
  return (networks ?? []).flatMap((n) => n.cidrs ?? []);
}

function toCluster(name: string, c: Cluster): EksCluster {
  const vpc = c.resourcesVpcConfig;
  const createdAt = iso(c.createdAt);
  return {
    name: c.name ?? name,
    ...(c.arn ? { arn: c.arn } : {}),
    ...(c.version ? { version: c.version } : {}),
    ...(c.platformVersion ? { platformVersion: c.platformVersion } : {}),
    ...(c.status ? { status: c.status } : {}),
    ...(createdAt ? { createdAt } : {}),
    ...(c.connectorConfig?.provider ? { connectorProvider: c.connectorConfig.provider } : {}),
    connected: c.connectorConfig !== undefined,
    ...(vpc?.endpointPublicAccess !== undefined ? { endpointPublicAccess: vpc.endpointPublicAccess } : {}),
    ...(vpc?.endpointPrivateAccess !== undefined ? { endpointPrivateAccess: vpc.endpointPrivateAccess } : {}),
    publicAccessCidrs: vpc?.publicAccessCidrs ?? [],
    ...(vpc?.vpcId ? { vpcId: vpc.vpcId } : {}),
    subnetIds: vpc?.subnetIds ?? [],
    securityGroupIds: vpc?.securityGroupIds ?? [],
    remoteNodeNetworks: cidrsOf(c.remoteNetworkConfig?.remoteNodeNetworks),
    remotePodNetworks: cidrsOf(c.remoteNetworkConfig?.remotePodNetworks),
    tags: { ...(c.tags ?? {}) },
  };
}

function toNodegroup(clusterName: string, name: string, n: Nodegroup): EksNodegroup {
  const scaling = n.scalingConfig;
  return {
    clusterName,
    nodegroupName: n.nodegroupName ?? name,
    ...(n.nodegroupArn ? { nodegroupArn: n.nodegroupArn } : {}),
    ...(n.status ? { status: n.status } : {}),
    ...(n.version ? { version: n.version } : {}),
    ...(n.releaseVersion ? { releaseVersion: n.releaseVersion } : {}),
    ...(n.amiType ? { amiType: n.amiType } : {}),
    ...(n.capacityType ? { capacityType: n.capacityType } : {}),
    instanceTypes: n.instanceTypes ?? [],
    scaling: {
      ...(scaling?.minSize !== undefined ? { minSize: scaling.minSize } : {}),
      ...(scaling?.maxSize !== undefined ? { maxSize: scaling.maxSize } : {}),
      ...(scaling?.desiredSize !== undefined ? { desiredSize: scaling.desiredSize } : {}),
    },
    tags: { ...(n.tags ?? {}) },
  };
}

/** The described clusters, or the operation that kept them from being read. */
type DescribedClusters =
  | { ok: true; clusters: EksCluster[] }
  | { ok: false; operation: string; error: unknown };

async function describeClusters(ctx: CollectorContext, client: EKSClient): Promise<DescribedClusters> {
  const names: string[] = [];
  try {
    for await (const page of paginateListClusters(
      { client, pageSize: eksPageSize(ctx) },
      { include: ['all'] },
    )) {
      names.push(...(page.clusters ?? []));
    }
  } catch (error) {
    return { ok: false, operation: 'eks:ListClusters', error };
  }
  try {
    const described = await mapWithConcurrency(names, ctx.concurrency, async (name) => {
      try {
        const response = await client.send(new DescribeClusterCommand({ name }));
        return response.cluster ? toCluster(name, response.cluster) : undefined;
      } catch (error) {
        if (isGone(error)) return undefined;
        throw error;
      }
    });
    return { ok: true, clusters: described.filter((c): c is EksCluster => c !== undefined) };
  } catch (error) {
    return { ok: false, operation: 'eks:DescribeCluster', error };
  }
}

/** The UTC day of an API timestamp, the catalogue's `YYYY-MM-DD` form. */
function dayOf(date: Date | undefined): string | undefined {
  return date && !Number.isNaN(date.getTime()) ? date.toISOString().slice(0, 10) : undefined;
}

function toVersionSupport(v: ClusterVersionInformation): EksVersionSupport {
  const endOfStandardSupport = dayOf(v.endOfStandardSupportDate);
  const endOfExtendedSupport = dayOf(v.endOfExtendedSupportDate);
  // The deprecated `status` spells the same values in kebab case (`extended-support`).
  const status = v.versionStatus ?? v.status?.toUpperCase().replace(/-/g, '_');
  return {
    ...(endOfStandardSupport ? { endOfStandardSupport } : {}),
    ...(endOfExtendedSupport ? { endOfExtendedSupport } : {}),
    ...(status ? { status } : {}),
    source: 'eks:DescribeClusterVersions',
  };
}

/**
 * Every Kubernetes version EKS describes (`includeAll`, so versions past their support are listed
 * too), keyed by `major.minor`; undefined when the call failed, for whatever reason.
 */
async function describeVersionSupport(
  ctx: CollectorContext,
  client: EKSClient,
): Promise<Map<string, EksVersionSupport> | undefined> {
  const byVersion = new Map<string, EksVersionSupport>();
  try {
    for await (const page of paginateDescribeClusterVersions(
      { client, pageSize: eksPageSize(ctx) },
      { includeAll: true },
    )) {
      for (const v of page.clusterVersions ?? []) {
        if (!v.clusterVersion) continue;
        // A version may be listed per cluster type; the dates of EKS-run clusters win.
        const isEks = (v.clusterType ?? 'eks').toLowerCase() === 'eks';
        if (isEks || !byVersion.has(v.clusterVersion)) byVersion.set(v.clusterVersion, toVersionSupport(v));
      }
    }
  } catch {
    return undefined;
  }
  return byVersion;
}

/** The clusters with their version's live support dates, when EKS could be asked for them. */
async function withVersionSupport(
  ctx: CollectorContext,
  client: EKSClient,
  clusters: EksCluster[],
): Promise<EksCluster[]> {
  // Nothing to look up in a region without versioned clusters: spare the call.
  if (!clusters.some((c) => c.version)) return clusters;
  const support = await describeVersionSupport(ctx, client);
  if (!support) return clusters;
  return clusters.map((c) => {
    // Connected clusters may report a patch version (`1.28.3`); EKS lists `major.minor`.
    const minor = c.version ? /^\d+\.\d+/.exec(c.version)?.[0] : undefined;
    const versionSupport = minor ? support.get(minor) : undefined;
    return versionSupport ? { ...c, versionSupport } : c;
  });
}

async function collectNodegroups(
  ctx: CollectorContext,
  client: EKSClient,
  clusters: EksCluster[],
  setOperation: (op: string) => void,
): Promise<EksNodegroup[]> {
  // Two phases, so a failure is reported under the operation that really failed even though
  // clusters are worked on concurrently.
  setOperation('eks:ListNodegroups');
  const runByEks = clusters.filter((c) => !c.connected);
  const listed = await mapWithConcurrency(runByEks, ctx.concurrency, async (cluster) => {
    const names: string[] = [];
    try {
      for await (const page of paginateListNodegroups(
        { client, pageSize: eksPageSize(ctx) },
        { clusterName: cluster.name },
      )) {
        names.push(...(page.nodegroups ?? []));
      }
    } catch (error) {
      if (isGone(error)) return [];
      throw error;
    }
    return names.map((nodegroupName) => ({ clusterName: cluster.name, nodegroupName }));
  });

  setOperation('eks:DescribeNodegroup');
  const described = await mapWithConcurrency(listed.flat(), ctx.concurrency, async (ref) => {
    try {
      const response = await client.send(new DescribeNodegroupCommand(ref));
      return response.nodegroup
        ? toNodegroup(ref.clusterName, ref.nodegroupName, response.nodegroup)
        : undefined;
    } catch (error) {
      if (isGone(error)) return undefined;
      throw error;
    }
  });
  return described.filter((n): n is EksNodegroup => n !== undefined);
}

export const eksCollector: Collector = {
  name: 'eks',
  produces: ['eks.clusters', 'eks.nodegroups'],
  async collect(ctx, wanted: ReadonlySet<SourceId>): Promise<Sources> {
    const wantClusters = wanted.has('eks.clusters');
    const wantNodegroups = wanted.has('eks.nodegroups');
    if (!wantClusters && !wantNodegroups) return {};
    const client = ctx.clients.get(EKSClient, ctx.region);

    const described = await describeClusters(ctx, client);
    const [clusters, nodegroups] = await Promise.all([
      wantClusters
        ? readSource(ctx, 'eks.clusters', 'eks:ListClusters', async (setOperation) => {
            if (!described.ok) {
              setOperation(described.operation);
              throw described.error;
            }
            return withVersionSupport(ctx, client, described.clusters);
          })
        : undefined,
      wantNodegroups
        ? readSource(ctx, 'eks.nodegroups', 'eks:ListClusters', async (setOperation) => {
            if (!described.ok) {
              setOperation(described.operation);
              throw described.error;
            }
            return collectNodegroups(ctx, client, described.clusters, setOperation);
          })
        : undefined,
    ]);
    return {
      ...(clusters ? { 'eks.clusters': clusters } : {}),
      ...(nodegroups ? { 'eks.nodegroups': nodegroups } : {}),
    };
  },
};
