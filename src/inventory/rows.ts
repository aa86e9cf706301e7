/**
 * Flattens snapshots into one row per resource, for the inventory table and CSV and the HTML
 * report's inventory section. JSON output keeps the full snapshots instead.
 */
import { imagesByRegistry } from './image-reference.ts';
import { type Placement, type PlacementCounts, placementIndex } from './placement.ts';
import type { DetectedOs, EcsCapacityProviderItem, EcsService, Snapshot, SourceId, Tags } from './types.ts';

export interface InventoryRow {
  accountId: string;
  region: string;
  /** The source id, e.g. `ec2.instances`. */
  resourceType: SourceId;
  resourceId: string;
  name: string;
  state: string;
  /**
   * Where it runs (the "where" column): a `Placement` (`cloud`, `fargate`, `outpost`, `local-zone`,
   * `wavelength`, `on-premises`, `connected`), or `global` for what belongs to no region (ECR Public).
   */
  location: string;
  os: string;
  detail: string;
  /** What the resource adds to the placement summary at its `location` (`placement.ts`). */
  counts?: Partial<PlacementCounts>;
}

export function osLabel(os: DetectedOs): string {
  return os.known ? `${os.name} (${os.source})` : `unknown: ${os.reason}`;
}

const nameTag = (tags: Tags) => tags.Name ?? '';

const lastSegment = (arn: string) => arn.split('/').pop() ?? arn;

/** `FARGATE_SPOT ×3, FARGATE ×1 (base 1)`. */
function strategyLabel(strategy: readonly EcsCapacityProviderItem[]): string {
  return strategy
    .map((s) => `${s.capacityProvider} ×${s.weight ?? 0}${s.base ? ` (base ${s.base})` : ''}`)
    .join(', ');
}

/** A capacity provider strategy places tasks on Fargate when it names only Fargate providers. */
const isFargateProvider = (name: string) => name === 'FARGATE' || name === 'FARGATE_SPOT';

/**
 * Where a service's tasks run: its launch type, else its capacity provider strategy (ECS does not
 * mix Fargate and EC2 providers in one strategy), else the cluster's default strategy, else EC2.
 * EC2 capacity is placed by the service's `awsvpc` subnets when it has them.
 */
export function servicePlacement(
  service: EcsService,
  clusterDefault: readonly EcsCapacityProviderItem[],
  ofSubnets: (ids: readonly string[]) => Placement,
): Placement {
  const strategy = service.capacityProviderStrategy.length
    ? service.capacityProviderStrategy
    : clusterDefault;
  const onFargate =
    service.launchType === 'FARGATE' ||
    (!service.launchType &&
      strategy.length > 0 &&
      strategy.every((s) => isFargateProvider(s.capacityProvider)));
  if (onFargate) return 'fargate';
  if (service.launchType === 'EXTERNAL') return 'on-premises';
  return ofSubnets(service.subnetIds);
}

export function inventoryRows(snapshot: Snapshot): InventoryRow[] {
  const rows: InventoryRow[] = [];
  const { accountId, region, sources } = snapshot;
  const add = (row: Omit<InventoryRow, 'accountId' | 'region'>) => rows.push({ accountId, region, ...row });
  const base = { os: '', location: 'cloud' };
  const where = placementIndex(snapshot);

  const subnets = sources['ec2.subnets']?.ok ? sources['ec2.subnets'].items : [];
  const flowLogged = new Set(
    sources['ec2.flowLogs']?.ok ? sources['ec2.flowLogs'].items.map((f) => f.resourceId) : [],
  );
  const instancesById = new Map(
    (sources['ec2.instances']?.ok ? sources['ec2.instances'].items : []).map((i) => [i.instanceId, i]),
  );

  for (const v of sources['ec2.vpcs']?.ok ? sources['ec2.vpcs'].items : []) {
    add({
      ...base,
      resourceType: 'ec2.vpcs',
      resourceId: v.vpcId,
      name: nameTag(v.tags),
      state: v.state,
      detail: [
        v.isDefault ? 'default' : '',
        v.cidrBlocks.join(' '),
        flowLogged.has(v.vpcId) ? 'flow logs' : 'no flow logs',
      ]
        .filter(Boolean)
        .join(' · '),
    });
  }
  for (const s of subnets) {
    add({
      ...base,
      location: where.ofSubnet(s.subnetId) ?? 'cloud',
      resourceType: 'ec2.subnets',
      resourceId: s.subnetId,
      name: nameTag(s.tags),
      state: '',
      detail: [
        s.vpcId,
        s.availabilityZone,
        s.cidrBlock ?? '',
        s.outpostArn ? `Outpost ${lastSegment(s.outpostArn)}` : '',
      ]
        .filter(Boolean)
        .join(' · '),
    });
  }
  // Local and Wavelength Zones the account opted in to: the edge locations it can place subnets in.
  for (const z of sources['ec2.availabilityZones']?.ok ? sources['ec2.availabilityZones'].items : []) {
    if (z.zoneType === 'availability-zone' || z.optInStatus !== 'opted-in') continue;
    add({
      ...base,
      location: where.ofZone(z.zoneName),
      resourceType: 'ec2.availabilityZones',
      resourceId: z.zoneId ?? z.zoneName,
      name: z.zoneName,
      state: z.state ?? '',
      detail: [z.zoneType, z.groupName, z.parentZoneName ? `parent ${z.parentZoneName}` : '']
        .filter(Boolean)
        .join(' · '),
    });
  }
  for (const i of instancesById.values()) {
    add({
      resourceType: 'ec2.instances',
      resourceId: i.instanceId,
      name: nameTag(i.tags),
      state: i.state,
      location: where.ofInstance(i.instanceId) ?? 'cloud',
      os: osLabel(i.os),
      detail: [
        i.instanceType,
        i.imageId,
        `IMDS tokens ${i.metadataOptions.httpTokens ?? '?'}`,
        i.securityGroupIds.join(','),
      ]
        .filter(Boolean)
        .join(' · '),
      ...(i.state === 'terminated' ? {} : { counts: { machines: 1 } }),
    });
  }
  for (const image of sources['ec2.images']?.ok ? sources['ec2.images'].items : []) {
    add({
      ...base,
      resourceType: 'ec2.images',
      resourceId: image.imageId,
      name: image.name ?? '',
      state: image.deprecationTime ? `deprecated ${image.deprecationTime}` : '',
      os: osLabel(image.os),
      detail: [image.ownerAlias ?? image.ownerId, image.creationDate].filter(Boolean).join(' · '),
    });
  }
  for (const g of sources['ec2.securityGroups']?.ok ? sources['ec2.securityGroups'].items : []) {
    add({
      ...base,
      resourceType: 'ec2.securityGroups',
      resourceId: g.groupId,
      name: g.groupName,
      state: '',
      detail: `${g.vpcId ?? ''} · ${g.ingress.length} ingress, ${g.egress.length} egress rules`,
    });
  }
  const clusterDefaults = new Map<string, EcsCapacityProviderItem[]>();
  for (const c of sources['ecs.clusters']?.ok ? sources['ecs.clusters'].items : []) {
    clusterDefaults.set(c.clusterArn, c.defaultCapacityProviderStrategy);
    add({
      ...base,
      resourceType: 'ecs.clusters',
      resourceId: c.clusterArn,
      name: c.clusterName,
      state: c.status ?? '',
      detail: [
        `${c.registeredContainerInstancesCount} container instances · ${c.activeServicesCount} services · ${c.runningTasksCount} tasks`,
        c.capacityProviders.length ? `capacity providers ${c.capacityProviders.join(', ')}` : '',
        c.defaultCapacityProviderStrategy.length
          ? `default strategy ${strategyLabel(c.defaultCapacityProviderStrategy)}`
          : '',
      ]
        .filter(Boolean)
        .join(' · '),
      counts: { clusters: 1 },
    });
  }
  for (const ci of sources['ecs.containerInstances']?.ok ? sources['ecs.containerInstances'].items : []) {
    const location: Placement = ci.external
      ? 'on-premises'
      : ((ci.ec2InstanceId ? where.ofInstance(ci.ec2InstanceId) : undefined) ?? 'cloud');
    add({
      ...base,
      location,
      resourceType: 'ecs.containerInstances',
      resourceId: ci.containerInstanceArn,
      name: ci.ec2InstanceId ?? '',
      state: `${ci.status ?? ''}${ci.agentConnected ? '' : ' (agent disconnected)'}`,
      detail: `${lastSegment(ci.clusterArn)} · agent ${ci.agentVersion ?? '?'} · ${ci.runningTasksCount} tasks`,
      counts: { containerInstances: 1 },
    });
  }
  for (const s of sources['ecs.services']?.ok ? sources['ecs.services'].items : []) {
    const clusterDefault = clusterDefaults.get(s.clusterArn) ?? [];
    const strategy = s.capacityProviderStrategy.length ? s.capacityProviderStrategy : clusterDefault;
    const placedBy = s.launchType
      ? s.launchType
      : strategy.length
        ? strategyLabel(strategy)
        : 'EC2 (default)';
    add({
      ...base,
      location: servicePlacement(s, clusterDefault, where.ofSubnets),
      resourceType: 'ecs.services',
      resourceId: s.serviceArn,
      name: s.serviceName,
      state: `${s.status ?? ''} ${s.runningCount}/${s.desiredCount} tasks`.trim(),
      detail: [
        lastSegment(s.clusterArn),
        placedBy,
        s.platformVersion ? `platform ${s.platformVersion}` : '',
        s.platformFamily ?? '',
        s.taskDefinitionArn ? lastSegment(s.taskDefinitionArn) : '',
        s.deployments.length > 1 ? `${s.deployments.length} deployments` : '',
      ]
        .filter(Boolean)
        .join(' · '),
      counts: { services: 1, tasks: s.runningCount },
    });
  }
  for (const t of sources['ecs.taskDefinitions']?.ok ? sources['ecs.taskDefinitions'].items : []) {
    add({
      ...base,
      resourceType: 'ecs.taskDefinitions',
      resourceId: t.taskDefinitionArn,
      name: `${t.family}:${t.revision}`,
      state: t.status ?? '',
      detail: [
        [t.operatingSystemFamily, t.cpuArchitecture].filter(Boolean).join('/'),
        t.requiresCompatibilities.join(','),
        t.containers.length ? `images: ${imagesByRegistry(t.containers, accountId)}` : '',
      ]
        .filter(Boolean)
        .join(' · '),
    });
  }
  const clusterPlacement = new Map<string, Placement>();
  for (const c of sources['eks.clusters']?.ok ? sources['eks.clusters'].items : []) {
    const location: Placement = c.connected ? 'connected' : c.outpostArns?.length ? 'outpost' : 'cloud';
    clusterPlacement.set(c.name, location);
    add({
      ...base,
      location,
      resourceType: 'eks.clusters',
      resourceId: c.arn ?? c.name,
      name: c.name,
      state: c.status ?? '',
      detail: [
        c.version ? `Kubernetes ${c.version}` : 'version unknown',
        c.connectorProvider ? `provider ${c.connectorProvider}` : '',
        c.outpostArns?.length ? `local cluster on ${c.outpostArns.map(lastSegment).join(', ')}` : '',
        c.endpointPublicAccess
          ? `public endpoint ${c.publicAccessCidrs.join(',')}`
          : c.connected
            ? ''
            : 'private endpoint',
        c.remoteNodeNetworks.length ? `hybrid nodes ${c.remoteNodeNetworks.join(',')}` : '',
      ]
        .filter(Boolean)
        .join(' · '),
      counts: { clusters: 1 },
    });
  }
  for (const n of sources['eks.nodegroups']?.ok ? sources['eks.nodegroups'].items : []) {
    add({
      ...base,
      location: where.ofSubnets(n.subnetIds ?? []),
      resourceType: 'eks.nodegroups',
      resourceId: n.nodegroupArn ?? `${n.clusterName}/${n.nodegroupName}`,
      name: n.nodegroupName,
      state: n.status ?? '',
      detail: [
        n.clusterName,
        n.amiType ?? '?',
        n.releaseVersion ?? '',
        n.capacityType ?? '',
        `${n.scaling.minSize ?? '?'}-${n.scaling.maxSize ?? '?'} nodes`,
      ]
        .filter(Boolean)
        .join(' · '),
      counts: { nodes: n.scaling.desiredSize ?? 0 },
    });
  }
  for (const p of sources['eks.fargateProfiles']?.ok ? sources['eks.fargateProfiles'].items : []) {
    add({
      ...base,
      location: 'fargate',
      resourceType: 'eks.fargateProfiles',
      resourceId: p.fargateProfileArn ?? `${p.clusterName}/${p.fargateProfileName}`,
      name: p.fargateProfileName,
      state: p.status ?? '',
      detail: [
        p.clusterName,
        p.selectors
          .map((sel) => {
            const labels = Object.entries(sel.labels).map(([k, v]) => `${k}=${v}`);
            return `${sel.namespace ?? '*'}${labels.length ? ` (${labels.join(',')})` : ''}`;
          })
          .join(', '),
        `${p.subnetIds.length} subnets`,
      ]
        .filter(Boolean)
        .join(' · '),
      counts: { fargateProfiles: 1 },
    });
  }
  for (const a of sources['eks.addons']?.ok ? sources['eks.addons'].items : []) {
    const c = a.compatibility;
    const compatibility = !c
      ? 'compatibility unknown'
      : !c.listed
        ? 'version no longer listed by EKS'
        : [
            a.clusterVersion && !c.kubernetesVersions.includes(a.clusterVersion)
              ? `not compatible with Kubernetes ${a.clusterVersion}`
              : '',
            c.nextKubernetesVersion && !c.kubernetesVersions.includes(c.nextKubernetesVersion)
              ? `blocks the upgrade to ${c.nextKubernetesVersion}`
              : '',
            c.kubernetesVersions.length ? `compatible with ${c.kubernetesVersions.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join(' · ');
    add({
      ...base,
      location: clusterPlacement.get(a.clusterName) ?? 'cloud',
      resourceType: 'eks.addons',
      resourceId: a.addonArn ?? `${a.clusterName}/${a.addonName}`,
      name: a.addonName,
      state: a.status ?? '',
      detail: [a.clusterName, a.addonVersion ?? '?', compatibility].filter(Boolean).join(' · '),
    });
  }
  for (const r of sources['ecr.repositories']?.ok ? sources['ecr.repositories'].items : []) {
    add({
      ...base,
      resourceType: 'ecr.repositories',
      resourceId: r.repositoryArn,
      name: r.repositoryName,
      state: '',
      detail: [
        `tags ${r.imageTagMutability ?? '?'}`,
        r.scanOnPush ? 'scan on push' : 'no scan on push',
        r.policy === undefined ? 'policy unreadable' : r.policy ? 'has policy' : 'no policy',
        r.hasLifecyclePolicy ? 'lifecycle policy' : '',
      ]
        .filter(Boolean)
        .join(' · '),
    });
  }
  for (const r of sources['ecrPublic.repositories']?.ok ? sources['ecrPublic.repositories'].items : []) {
    add({
      ...base,
      location: 'global',
      resourceType: 'ecrPublic.repositories',
      resourceId: r.repositoryArn ?? r.repositoryName,
      name: r.repositoryName,
      state: '',
      detail: r.repositoryUri ?? '',
    });
  }
  for (const b of sources['s3.buckets']?.ok ? sources['s3.buckets'].items : []) {
    add({
      ...base,
      resourceType: 's3.buckets',
      resourceId: `arn:aws:s3:::${b.name}`,
      name: b.name,
      state: '',
      detail: [
        `versioning ${b.versioning ?? '?'}`,
        b.publicAccessBlock === undefined
          ? 'public access block ?'
          : b.publicAccessBlock
            ? 'public access block'
            : 'no public access block',
        // Undefined: not read (a scan does not; a failed read is in the errors).
        b.encryption === undefined ? '' : `encryption ${b.encryption ?? 'none'}`,
      ]
        .filter(Boolean)
        .join(' · '),
    });
  }
  for (const m of sources['ssm.managedInstances']?.ok ? sources['ssm.managedInstances'].items : []) {
    add({
      resourceType: 'ssm.managedInstances',
      resourceId: m.instanceId,
      name: m.name ?? m.computerName ?? '',
      state: m.pingStatus ?? '',
      location: m.onPremises ? 'on-premises' : (where.ofInstance(m.instanceId) ?? 'cloud'),
      os: osLabel(m.os),
      detail: [
        `agent ${m.agentVersion ?? '?'}${m.isLatestAgentVersion === false ? ' (outdated)' : ''}`,
        m.ecsClusterArn ? `ECS Anywhere ${lastSegment(m.ecsClusterArn)}` : '',
        m.eksClusterName ? `EKS hybrid node of ${m.eksClusterName}` : '',
        m.lastPingAt ? `last ping ${m.lastPingAt}` : '',
      ]
        .filter(Boolean)
        .join(' · '),
      // An EC2 instance is counted as an instance; an on-premises machine here, once, and as a node
      // when it is an EKS hybrid node (an ECS Anywhere host is counted as a container instance).
      ...(m.onPremises ? { counts: { machines: 1, ...(m.eksClusterName ? { nodes: 1 } : {}) } } : {}),
    });
  }
  const subnetsByOutpost = new Map<string, string[]>();
  for (const s of subnets) {
    if (s.outpostArn)
      subnetsByOutpost.set(s.outpostArn, [...(subnetsByOutpost.get(s.outpostArn) ?? []), s.subnetId]);
  }
  for (const o of sources['outposts.outposts']?.ok ? sources['outposts.outposts'].items : []) {
    const onIt = new Set(o.outpostArn ? (subnetsByOutpost.get(o.outpostArn) ?? []) : []);
    const instances = [...instancesById.values()].filter(
      (i) => i.state !== 'terminated' && i.subnetId && onIt.has(i.subnetId),
    ).length;
    const capacity = o.capacity;
    add({
      ...base,
      location: 'outpost',
      resourceType: 'outposts.outposts',
      resourceId: o.outpostArn ?? o.outpostId,
      name: o.name ?? o.outpostId,
      state: o.lifeCycleStatus ?? '',
      detail: [
        o.supportedHardwareType ?? '',
        o.siteName ? `site ${o.siteName}` : o.siteId ? `site ${o.siteId}` : '',
        o.availabilityZone ?? '',
        o.ownerId && o.ownerId !== accountId ? `shared by ${o.ownerId}` : '',
        capacity
          ? `${capacity.activeHosts}/${capacity.hosts} hosts active · ${capacity.maxVcpus} vCPUs` +
            (capacity.instanceFamilies.length ? ` · ${capacity.instanceFamilies.join(',')}` : '')
          : '',
        `${onIt.size} subnets · ${instances} instances`,
      ]
        .filter(Boolean)
        .join(' · '),
    });
  }
  return rows;
}
