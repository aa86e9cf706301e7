/**
 * The end-of-life timeline of hosts and clusters: every EC2 instance, on-premises managed instance,
 * EKS cluster and node group whose product has a known lifecycle, for reports. Operating systems go
 * through the same verdict as the rules: a version the catalogue does not list but that is older than
 * an ended release is on the timeline with that release's last day (its end came no later).
 */

import type { RuleContext } from '../engine/types.ts';
import type { DetectedOs, Snapshot } from '../inventory/types.ts';
import type { SupportAccess } from '../lifecycle/catalogue.ts';
import { type LifecycleDates, lifecycleStatus } from '../lifecycle/status.ts';
import { lifecycleDates, osReadingOf, osVerdict } from '../lifecycle/verdict.ts';
import type { LifecycleEntry } from '../report/types.ts';

type Life = Pick<
  LifecycleEntry,
  'product' | 'endOfStandard' | 'endOfExtended' | 'inferredFrom' | 'status' | 'extendedAccess'
>;

/** A product's dates with their status on the scan's day, within the configured warning window. */
function lifeOf(product: string, dates: LifecycleDates, ctx: RuleContext, access?: SupportAccess): Life {
  return {
    product,
    ...dates,
    status: lifecycleStatus(dates, ctx.now, ctx.settings.warningDays),
    ...(access ? { extendedAccess: access } : {}),
  };
}

function osLife(os: DetectedOs, ctx: RuleContext): Life | undefined {
  if (!os.known) return undefined;
  const verdict = osVerdict(osReadingOf(os), ctx.lifecycle, ctx.now, ctx.settings.warningDays);
  if (verdict.kind === 'catalogued') {
    const { entry, status } = verdict;
    return {
      product: entry.name,
      ...lifecycleDates(entry),
      status,
      ...(entry.extended ? { extendedAccess: entry.extended.access } : {}),
    };
  }
  if (verdict.kind === 'inferred') {
    return {
      product: `${verdict.name} (ended no later than ${verdict.olderThan.name})`,
      endOfStandard: verdict.endedBy,
      inferredFrom: verdict.olderThan.name,
      status: verdict.status,
    };
  }
  return undefined;
}

export function lifecycleEntries(snapshot: Snapshot, ctx: RuleContext): LifecycleEntry[] {
  const entries: LifecycleEntry[] = [];
  const { accountId, region, sources } = snapshot;
  const base = { accountId, region };

  for (const i of sources['ec2.instances']?.ok ? sources['ec2.instances'].items : []) {
    const life = osLife(i.os, ctx);
    if (!life) continue;
    entries.push({
      ...base,
      resourceType: 'ec2.instances',
      resourceId: i.instanceId,
      name: i.tags.Name ?? i.instanceId,
      location: 'cloud',
      ...life,
    });
  }
  for (const m of sources['ssm.managedInstances']?.ok ? sources['ssm.managedInstances'].items : []) {
    const life = m.onPremises ? osLife(m.os, ctx) : undefined;
    if (!life) continue;
    entries.push({
      ...base,
      resourceType: 'ssm.managedInstances',
      resourceId: m.instanceId,
      name: m.name ?? m.computerName ?? m.instanceId,
      location: 'on-premises',
      ...life,
    });
  }
  for (const c of sources['eks.clusters']?.ok ? sources['eks.clusters'].items : []) {
    const life = c.version ? ctx.lifecycle.eksVersions.find((e) => e.version === c.version) : undefined;
    if (!life) continue;
    entries.push({
      ...base,
      resourceType: 'eks.clusters',
      resourceId: c.arn ?? c.name,
      name: c.name,
      location: c.connected ? 'connected' : 'cloud',
      ...lifeOf(
        `Kubernetes ${c.version} on EKS`,
        { endOfStandard: life.endOfStandard, endOfExtended: life.endOfExtended },
        ctx,
        'paid',
      ),
    });
  }
  for (const n of sources['eks.nodegroups']?.ok ? sources['eks.nodegroups'].items : []) {
    const life = n.amiType ? ctx.lifecycle.eksAmiTypes.find((e) => e.amiType === n.amiType) : undefined;
    if (!life) continue;
    entries.push({
      ...base,
      resourceType: 'eks.nodegroups',
      resourceId: n.nodegroupArn ?? `${n.clusterName}/${n.nodegroupName}`,
      name: `${n.clusterName}/${n.nodegroupName}`,
      location: 'cloud',
      ...lifeOf(life.name, { endOfStandard: life.endOfSupport }, ctx),
    });
  }
  return entries;
}
