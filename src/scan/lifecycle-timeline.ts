/**
 * The end-of-life timeline of hosts and clusters: every EC2 instance, on-premises managed instance,
 * EKS cluster and node group whose product has a known lifecycle, for reports.
 */

import type { Snapshot } from '../inventory/types.ts';
import { eksAmiTypeLifecycle, eksVersionLifecycle, osLifecycle } from '../lifecycle/catalogue.ts';
import type { LifecycleEntry } from '../report/types.ts';

export function lifecycleEntries(snapshot: Snapshot): LifecycleEntry[] {
  const entries: LifecycleEntry[] = [];
  const { accountId, region, sources } = snapshot;
  const base = { accountId, region };

  for (const i of sources['ec2.instances']?.ok ? sources['ec2.instances'].items : []) {
    const life = i.os.known ? osLifecycle(i.os.family, i.os.version) : undefined;
    if (!life) continue;
    entries.push({
      ...base,
      resourceType: 'ec2.instances',
      resourceId: i.instanceId,
      name: i.tags.Name ?? i.instanceId,
      location: 'cloud',
      product: life.name,
      endOfStandard: life.endOfStandard,
      ...(life.endOfExtended ? { endOfExtended: life.endOfExtended } : {}),
    });
  }
  for (const m of sources['ssm.managedInstances']?.ok ? sources['ssm.managedInstances'].items : []) {
    const life = m.onPremises && m.os.known ? osLifecycle(m.os.family, m.os.version) : undefined;
    if (!life) continue;
    entries.push({
      ...base,
      resourceType: 'ssm.managedInstances',
      resourceId: m.instanceId,
      name: m.name ?? m.computerName ?? m.instanceId,
      location: 'on-premises',
      product: life.name,
      endOfStandard: life.endOfStandard,
      ...(life.endOfExtended ? { endOfExtended: life.endOfExtended } : {}),
    });
  }
  for (const c of sources['eks.clusters']?.ok ? sources['eks.clusters'].items : []) {
    const life = c.version ? eksVersionLifecycle(c.version) : undefined;
    if (!life) continue;
    entries.push({
      ...base,
      resourceType: 'eks.clusters',
      resourceId: c.arn ?? c.name,
      name: c.name,
      location: c.connected ? 'connected' : 'cloud',
      product: `Kubernetes ${c.version} on EKS`,
      endOfStandard: life.endOfStandard,
      endOfExtended: life.endOfExtended,
    });
  }
  for (const n of sources['eks.nodegroups']?.ok ? sources['eks.nodegroups'].items : []) {
    const life = n.amiType ? eksAmiTypeLifecycle(n.amiType) : undefined;
    if (!life) continue;
    entries.push({
      ...base,
      resourceType: 'eks.nodegroups',
      resourceId: n.nodegroupArn ?? `${n.clusterName}/${n.nodegroupName}`,
      name: `${n.clusterName}/${n.nodegroupName}`,
      location: 'cloud',
      product: life.name,
      endOfStandard: life.endOfSupport,
    });
  }
  return entries;
}
