/**
 * Flattens snapshots into one row per resource, for the inventory table and CSV. JSON output keeps
 * the full snapshots instead.
 */
import type { DetectedOs, Snapshot, SourceId, Tags } from './types.ts';

export interface InventoryRow {
  accountId: string;
  region: string;
  /** The source id, e.g. `ec2.instances`. */
  resourceType: SourceId;
  resourceId: string;
  name: string;
  state: string;
  /** Where it runs: `cloud`, `on-premises`, `outpost`, `connected` (EKS Connector) or `global`. */
  location: string;
  os: string;
  detail: string;
}

export function osLabel(os: DetectedOs): string {
  return os.known ? `${os.name} (${os.source})` : `unknown: ${os.reason}`;
}

const nameTag = (tags: Tags) => tags.Name ?? '';

export function inventoryRows(snapshot: Snapshot): InventoryRow[] {
  const rows: InventoryRow[] = [];
  const { accountId, region, sources } = snapshot;
  const add = (row: Omit<InventoryRow, 'accountId' | 'region'>) => rows.push({ accountId, region, ...row });
  const base = { os: '', location: 'cloud' };

  const subnets = sources['ec2.subnets']?.ok ? sources['ec2.subnets'].items : [];
  const outpostSubnets = new Set(subnets.filter((s) => s.outpostArn).map((s) => s.subnetId));
  const flowLogged = new Set(
    sources['ec2.flowLogs']?.ok ? sources['ec2.flowLogs'].items.map((f) => f.resourceId) : [],
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
      location: s.outpostArn ? 'outpost' : 'cloud',
      resourceType: 'ec2.subnets',
      resourceId: s.subnetId,
      name: nameTag(s.tags),
      state: '',
      detail: `${s.vpcId} · ${s.availabilityZone} · ${s.cidrBlock ?? ''}`,
    });
  }
  for (const i of sources['ec2.instances']?.ok ? sources['ec2.instances'].items : []) {
    add({
      resourceType: 'ec2.instances',
      resourceId: i.instanceId,
      name: nameTag(i.tags),
      state: i.state,
      location: i.subnetId && outpostSubnets.has(i.subnetId) ? 'outpost' : 'cloud',
      os: osLabel(i.os),
      detail: [
        i.instanceType,
        i.imageId,
        `IMDS tokens ${i.metadataOptions.httpTokens ?? '?'}`,
        i.securityGroupIds.join(','),
      ]
        .filter(Boolean)
        .join(' · '),
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
  for (const c of sources['ecs.clusters']?.ok ? sources['ecs.clusters'].items : []) {
    add({
      ...base,
      resourceType: 'ecs.clusters',
      resourceId: c.clusterArn,
      name: c.clusterName,
      state: c.status ?? '',
      detail: `${c.registeredContainerInstancesCount} container instances · ${c.activeServicesCount} services · ${c.runningTasksCount} tasks`,
    });
  }
  for (const ci of sources['ecs.containerInstances']?.ok ? sources['ecs.containerInstances'].items : []) {
    add({
      ...base,
      location: ci.external ? 'on-premises' : 'cloud',
      resourceType: 'ecs.containerInstances',
      resourceId: ci.containerInstanceArn,
      name: ci.ec2InstanceId ?? '',
      state: `${ci.status ?? ''}${ci.agentConnected ? '' : ' (agent disconnected)'}`,
      detail: `${ci.clusterArn.split('/').pop()} · agent ${ci.agentVersion ?? '?'} · ${ci.runningTasksCount} tasks`,
    });
  }
  for (const c of sources['eks.clusters']?.ok ? sources['eks.clusters'].items : []) {
    add({
      ...base,
      location: c.connected ? 'connected' : c.remoteNodeNetworks.length ? 'cloud + on-premises' : 'cloud',
      resourceType: 'eks.clusters',
      resourceId: c.arn ?? c.name,
      name: c.name,
      state: c.status ?? '',
      detail: [
        c.version ? `Kubernetes ${c.version}` : 'version unknown',
        c.connectorProvider ? `provider ${c.connectorProvider}` : '',
        c.endpointPublicAccess
          ? `public endpoint ${c.publicAccessCidrs.join(',')}`
          : c.connected
            ? ''
            : 'private endpoint',
        c.remoteNodeNetworks.length ? `hybrid nodes ${c.remoteNodeNetworks.join(',')}` : '',
      ]
        .filter(Boolean)
        .join(' · '),
    });
  }
  for (const n of sources['eks.nodegroups']?.ok ? sources['eks.nodegroups'].items : []) {
    add({
      ...base,
      resourceType: 'eks.nodegroups',
      resourceId: n.nodegroupArn ?? `${n.clusterName}/${n.nodegroupName}`,
      name: n.nodegroupName,
      state: n.status ?? '',
      detail: `${n.clusterName} · ${n.amiType ?? '?'} · ${n.releaseVersion ?? ''} · ${n.scaling.minSize ?? '?'}-${n.scaling.maxSize ?? '?'} nodes`,
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
      location: m.onPremises ? 'on-premises' : 'cloud',
      os: osLabel(m.os),
      detail: [
        `agent ${m.agentVersion ?? '?'}${m.isLatestAgentVersion === false ? ' (outdated)' : ''}`,
        m.ecsClusterArn ? `ECS Anywhere ${m.ecsClusterArn.split('/').pop()}` : '',
        m.eksClusterName ? `EKS hybrid node of ${m.eksClusterName}` : '',
        m.lastPingAt ? `last ping ${m.lastPingAt}` : '',
      ]
        .filter(Boolean)
        .join(' · '),
    });
  }
  return rows;
}
