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
 *
 * Fargate profiles and add-ons are listed per EKS-run cluster and described one by one (the API has
 * no batch describe). Which Kubernetes versions an add-on version works with comes from
 * `DescribeAddonVersions`, asked once per add-on name and target without a Kubernetes version, so
 * one answer covers the cluster's version and the next one for every cluster running that add-on.
 * When it fails, the add-ons keep `compatibility` undefined and the failure is recorded.
 */
import {
  type Addon,
  type AddonVersionInfo,
  type Cluster,
  type ClusterVersionInformation,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  EKSClient,
  type FargateProfile,
  type Nodegroup,
  paginateDescribeAddonVersions,
  paginateDescribeClusterVersions,
  paginateListAddons,
  paginateListClusters,
  paginateListFargateProfiles,
  paginateListNodegroups,
} from '@aws-sdk/client-eks';
import { errorCode } from '../../aws/errors.ts';
import { type Collector, type CollectorContext, collectionError, iso, readSource } from '../collector.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { type DeclaredCall, pageSizeFor } from '../declared-calls.ts';
import type {
  EksAddon,
  EksAddonCompatibility,
  EksCluster,
  EksFargateProfile,
  EksNodegroup,
  EksVersionSupport,
  SourceId,
  Sources,
} from '../types.ts';

/**
 * The calls this collector makes. Every EKS list call (and `DescribeClusterVersions`,
 * `DescribeAddonVersions`) accepts maxResults from 1 to 100; a cluster's node groups, Fargate
 * profiles and add-ons are listed per EKS-run cluster and described one by one.
 */
export const eksCalls = {
  listClusters: {
    operation: 'eks:ListClusters',
    sources: ['eks.clusters', 'eks.nodegroups', 'eks.fargateProfiles', 'eks.addons'],
    per: 'page',
    of: 'eks cluster',
    pageSize: 100,
  },
  describeCluster: {
    operation: 'eks:DescribeCluster',
    sources: ['eks.clusters', 'eks.nodegroups', 'eks.fargateProfiles', 'eks.addons'],
    per: 'item',
    of: 'eks cluster',
  },
  describeClusterVersions: {
    operation: 'eks:DescribeClusterVersions',
    sources: ['eks.clusters'],
    per: 'target',
    of: 'eks cluster',
    pageSize: 100,
  },
  listNodegroups: {
    operation: 'eks:ListNodegroups',
    sources: ['eks.nodegroups'],
    per: 'page',
    of: 'node group',
    within: 'eks cluster',
    pageSize: 100,
  },
  describeNodegroup: {
    operation: 'eks:DescribeNodegroup',
    sources: ['eks.nodegroups'],
    per: 'item',
    of: 'node group',
  },
  listFargateProfiles: {
    operation: 'eks:ListFargateProfiles',
    sources: ['eks.fargateProfiles'],
    per: 'page',
    of: 'fargate profile',
    within: 'eks cluster',
    pageSize: 100,
  },
  describeFargateProfile: {
    operation: 'eks:DescribeFargateProfile',
    sources: ['eks.fargateProfiles'],
    per: 'item',
    of: 'fargate profile',
  },
  listAddons: {
    operation: 'eks:ListAddons',
    sources: ['eks.addons'],
    per: 'page',
    of: 'add-on',
    within: 'eks cluster',
    pageSize: 100,
  },
  describeAddon: {
    operation: 'eks:DescribeAddon',
    sources: ['eks.addons'],
    per: 'item',
    of: 'add-on',
  },
  describeAddonVersions: {
    operation: 'eks:DescribeAddonVersions',
    sources: ['eks.addons'],
    per: 'item',
    of: 'add-on name',
    pageSize: 100,
  },
} as const satisfies Record<string, DeclaredCall>;

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
    ...(c.outpostConfig?.outpostArns?.length ? { outpostArns: c.outpostConfig.outpostArns } : {}),
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
    subnetIds: n.subnets ?? [],
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
      { client, pageSize: pageSizeFor(ctx, eksCalls.listClusters) },
      { include: ['all'] },
    )) {
      names.push(...(page.clusters ?? []));
    }
  } catch (error) {
    return { ok: false, operation: eksCalls.listClusters.operation, error };
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
    return { ok: false, operation: eksCalls.describeCluster.operation, error };
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
      { client, pageSize: pageSizeFor(ctx, eksCalls.describeClusterVersions) },
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
  setOperation(eksCalls.listNodegroups.operation);
  const runByEks = clusters.filter((c) => !c.connected);
  const listed = await mapWithConcurrency(runByEks, ctx.concurrency, async (cluster) => {
    const names: string[] = [];
    try {
      for await (const page of paginateListNodegroups(
        { client, pageSize: pageSizeFor(ctx, eksCalls.listNodegroups) },
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

  setOperation(eksCalls.describeNodegroup.operation);
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

function toFargateProfile(clusterName: string, name: string, p: FargateProfile): EksFargateProfile {
  return {
    clusterName,
    fargateProfileName: p.fargateProfileName ?? name,
    ...(p.fargateProfileArn ? { fargateProfileArn: p.fargateProfileArn } : {}),
    ...(p.status ? { status: p.status } : {}),
    ...(p.podExecutionRoleArn ? { podExecutionRoleArn: p.podExecutionRoleArn } : {}),
    subnetIds: p.subnets ?? [],
    selectors: (p.selectors ?? []).map((s) => ({
      ...(s.namespace ? { namespace: s.namespace } : {}),
      labels: { ...(s.labels ?? {}) },
    })),
    tags: { ...(p.tags ?? {}) },
  };
}

/** The `major.minor` of a Kubernetes version (`1.28.3` → `1.28`), or undefined. */
export function kubernetesMinor(version: string | undefined): string | undefined {
  if (!version) return undefined;
  const [major, minor] = version.split('.');
  const isNumber = (t: string | undefined) => !!t && [...t].every((c) => c >= '0' && c <= '9');
  return isNumber(major) && isNumber(minor) ? `${Number(major)}.${Number(minor)}` : undefined;
}

/** The Kubernetes minor version after `version` (`1.31` → `1.32`). */
export function nextKubernetesMinor(version: string): string | undefined {
  const minor = kubernetesMinor(version);
  if (!minor) return undefined;
  const [major, n] = minor.split('.');
  return `${major}.${Number(n) + 1}`;
}

/** The numbers of a version string in order (`v1.18.3-eksbuild.1` → 1, 18, 3, 1), for ordering. */
function versionNumbers(version: string): number[] {
  const numbers: number[] = [];
  let current = '';
  for (const c of version) {
    if (c >= '0' && c <= '9') current += c;
    else if (current) {
      numbers.push(Number(current));
      current = '';
    }
  }
  if (current) numbers.push(Number(current));
  return numbers;
}

/** Orders add-on (or Kubernetes) versions by their numbers, oldest first. */
export function compareVersions(a: string, b: string): number {
  const x = versionNumbers(a);
  const y = versionNumbers(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}

/** One version of an add-on, as `DescribeAddonVersions` lists it. */
export interface AddonVersionEntry {
  addonVersion: string;
  /** Kubernetes `major.minor` versions it is compatible with. */
  kubernetesVersions: Set<string>;
  /** Kubernetes versions on which it is the default. */
  defaultOn: Set<string>;
}

function toAddonVersionEntry(v: AddonVersionInfo): AddonVersionEntry | undefined {
  if (!v.addonVersion) return undefined;
  const kubernetesVersions = new Set<string>();
  const defaultOn = new Set<string>();
  for (const c of v.compatibilities ?? []) {
    const minor = kubernetesMinor(c.clusterVersion);
    if (!minor) continue;
    kubernetesVersions.add(minor);
    if (c.defaultVersion) defaultOn.add(minor);
  }
  return { addonVersion: v.addonVersion, kubernetesVersions, defaultOn };
}

/** What EKS says of an installed add-on version on a cluster of `clusterVersion`. */
export function addonCompatibility(
  versions: readonly AddonVersionEntry[],
  addonVersion: string | undefined,
  clusterVersion: string | undefined,
): EksAddonCompatibility {
  const installed = addonVersion ? versions.find((v) => v.addonVersion === addonVersion) : undefined;
  const next = clusterVersion ? nextKubernetesMinor(clusterVersion) : undefined;
  const nextOffered = next !== undefined && versions.some((v) => v.kubernetesVersions.has(next));
  const defaultVersion = clusterVersion
    ? versions.find((v) => v.defaultOn.has(clusterVersion))?.addonVersion
    : undefined;
  const bridge =
    clusterVersion && nextOffered
      ? versions
          .filter((v) => v.kubernetesVersions.has(clusterVersion) && v.kubernetesVersions.has(next))
          .map((v) => v.addonVersion)
          .sort(compareVersions)
          .pop()
      : undefined;
  return {
    listed: installed !== undefined,
    kubernetesVersions: installed ? [...installed.kubernetesVersions].sort(compareVersions) : [],
    ...(nextOffered ? { nextKubernetesVersion: next } : {}),
    ...(defaultVersion ? { defaultVersion } : {}),
    ...(bridge ? { bridgeVersion: bridge } : {}),
  };
}

async function describeAddonVersions(
  ctx: CollectorContext,
  client: EKSClient,
  addonName: string,
): Promise<AddonVersionEntry[]> {
  const entries: AddonVersionEntry[] = [];
  for await (const page of paginateDescribeAddonVersions(
    { client, pageSize: pageSizeFor(ctx, eksCalls.describeAddonVersions) },
    { addonName },
  )) {
    for (const addon of page.addons ?? []) {
      if (addon.addonName !== addonName) continue;
      for (const v of addon.addonVersions ?? []) {
        const entry = toAddonVersionEntry(v);
        if (entry) entries.push(entry);
      }
    }
  }
  return entries;
}

function toAddon(cluster: EksCluster, name: string, a: Addon): EksAddon {
  const clusterVersion = kubernetesMinor(cluster.version);
  return {
    clusterName: cluster.name,
    ...(clusterVersion ? { clusterVersion } : {}),
    addonName: a.addonName ?? name,
    ...(a.addonVersion ? { addonVersion: a.addonVersion } : {}),
    ...(a.addonArn ? { addonArn: a.addonArn } : {}),
    ...(a.status ? { status: a.status } : {}),
    tags: { ...(a.tags ?? {}) },
  };
}

/** Lists a per-cluster resource of every EKS-run cluster; a cluster deleted meanwhile has none. */
async function listPerCluster<T>(
  ctx: CollectorContext,
  clusters: EksCluster[],
  list: (cluster: EksCluster) => AsyncIterable<T[]>,
): Promise<{ cluster: EksCluster; name: T }[]> {
  const listed = await mapWithConcurrency(
    clusters.filter((c) => !c.connected),
    ctx.concurrency,
    async (cluster) => {
      const names: T[] = [];
      try {
        for await (const page of list(cluster)) names.push(...page);
      } catch (error) {
        if (isGone(error)) return [];
        throw error;
      }
      return names.map((name) => ({ cluster, name }));
    },
  );
  return listed.flat();
}

async function collectFargateProfiles(
  ctx: CollectorContext,
  client: EKSClient,
  clusters: EksCluster[],
  setOperation: (op: string) => void,
): Promise<EksFargateProfile[]> {
  setOperation(eksCalls.listFargateProfiles.operation);
  const listed = await listPerCluster(ctx, clusters, async function* (cluster) {
    for await (const page of paginateListFargateProfiles(
      { client, pageSize: pageSizeFor(ctx, eksCalls.listFargateProfiles) },
      { clusterName: cluster.name },
    )) {
      yield page.fargateProfileNames ?? [];
    }
  });
  setOperation(eksCalls.describeFargateProfile.operation);
  const described = await mapWithConcurrency(listed, ctx.concurrency, async ({ cluster, name }) => {
    try {
      const response = await client.send(
        new DescribeFargateProfileCommand({ clusterName: cluster.name, fargateProfileName: name }),
      );
      return response.fargateProfile
        ? toFargateProfile(cluster.name, name, response.fargateProfile)
        : undefined;
    } catch (error) {
      if (isGone(error)) return undefined;
      throw error;
    }
  });
  return described.filter((p): p is EksFargateProfile => p !== undefined);
}

async function collectAddons(
  ctx: CollectorContext,
  client: EKSClient,
  clusters: EksCluster[],
  setOperation: (op: string) => void,
): Promise<EksAddon[]> {
  setOperation(eksCalls.listAddons.operation);
  const listed = await listPerCluster(ctx, clusters, async function* (cluster) {
    for await (const page of paginateListAddons(
      { client, pageSize: pageSizeFor(ctx, eksCalls.listAddons) },
      { clusterName: cluster.name },
    )) {
      yield page.addons ?? [];
    }
  });
  setOperation(eksCalls.describeAddon.operation);
  const described = await mapWithConcurrency(listed, ctx.concurrency, async ({ cluster, name }) => {
    try {
      const response = await client.send(
        new DescribeAddonCommand({ clusterName: cluster.name, addonName: name }),
      );
      return response.addon ? toAddon(cluster, name, response.addon) : undefined;
    } catch (error) {
      if (isGone(error)) return undefined;
      throw error;
    }
  });
  const addons = described.filter((a): a is EksAddon => a !== undefined);

  // Once per add-on name, however many clusters run it. A failure leaves those add-ons' compatibility
  // unknown, recorded once for the name.
  const names = [...new Set(addons.map((a) => a.addonName))];
  const catalogue = new Map<string, AddonVersionEntry[]>();
  await mapWithConcurrency(names, ctx.concurrency, async (name) => {
    try {
      catalogue.set(name, await describeAddonVersions(ctx, client, name));
    } catch (error) {
      ctx.errors.push(
        collectionError(ctx, 'eks.addons', eksCalls.describeAddonVersions.operation, error, name),
      );
    }
  });
  return addons.map((a) => {
    const versions = catalogue.get(a.addonName);
    return versions
      ? { ...a, compatibility: addonCompatibility(versions, a.addonVersion, a.clusterVersion) }
      : a;
  });
}

export const eksCollector: Collector = {
  name: 'eks',
  produces: ['eks.clusters', 'eks.nodegroups', 'eks.fargateProfiles', 'eks.addons'],
  calls: Object.values(eksCalls),
  async collect(ctx, wanted: ReadonlySet<SourceId>): Promise<Sources> {
    const wantClusters = wanted.has('eks.clusters');
    const wantNodegroups = wanted.has('eks.nodegroups');
    const wantProfiles = wanted.has('eks.fargateProfiles');
    const wantAddons = wanted.has('eks.addons');
    if (!wantClusters && !wantNodegroups && !wantProfiles && !wantAddons) return {};
    const client = ctx.clients.get(EKSClient, ctx.region);

    const described = await describeClusters(ctx, client);
    /** A source read from the described clusters, failing with them when they could not be read. */
    const perCluster = <T>(
      source: SourceId,
      read: (clusters: EksCluster[], setOperation: (op: string) => void) => Promise<T[]>,
    ) =>
      readSource(ctx, source, eksCalls.listClusters.operation, async (setOperation) => {
        if (!described.ok) {
          setOperation(described.operation);
          throw described.error;
        }
        return read(described.clusters, setOperation);
      });
    const [clusters, nodegroups, fargateProfiles, addons] = await Promise.all([
      wantClusters
        ? readSource(ctx, 'eks.clusters', eksCalls.listClusters.operation, async (setOperation) => {
            if (!described.ok) {
              setOperation(described.operation);
              throw described.error;
            }
            return withVersionSupport(ctx, client, described.clusters);
          })
        : undefined,
      wantNodegroups
        ? readSource(ctx, 'eks.nodegroups', eksCalls.listClusters.operation, async (setOperation) => {
            if (!described.ok) {
              setOperation(described.operation);
              throw described.error;
            }
            return collectNodegroups(ctx, client, described.clusters, setOperation);
          })
        : undefined,
      wantProfiles
        ? perCluster('eks.fargateProfiles', (clusters, setOperation) =>
            collectFargateProfiles(ctx, client, clusters, setOperation),
          )
        : undefined,
      wantAddons
        ? perCluster('eks.addons', (clusters, setOperation) =>
            collectAddons(ctx, client, clusters, setOperation),
          )
        : undefined,
    ]);
    return {
      ...(clusters ? { 'eks.clusters': clusters } : {}),
      ...(nodegroups ? { 'eks.nodegroups': nodegroups } : {}),
      ...(fargateProfiles ? { 'eks.fargateProfiles': fargateProfiles } : {}),
      ...(addons ? { 'eks.addons': addons } : {}),
    };
  },
};
