/**
 * Collects one target's snapshot: runs the collectors that produce a wanted source (services in
 * parallel, each bounded within), then joins across sources.
 */
import type { Collector, CollectorContext } from './collector.ts';
import { ec2Collector } from './collectors/ec2.ts';
import { ecrCollector } from './collectors/ecr.ts';
import { ecsCollector } from './collectors/ecs.ts';
import { eksCollector } from './collectors/eks.ts';
import { outpostsCollector } from './collectors/outposts.ts';
import { s3Collector } from './collectors/s3.ts';
import { ssmCollector } from './collectors/ssm.ts';
import { vpcCollector } from './collectors/vpc.ts';
import { joinSources } from './join.ts';
import { type Snapshot, type SourceId, type Sources, sourceIds } from './types.ts';

export const collectors: readonly Collector[] = [
  vpcCollector,
  ec2Collector,
  ecsCollector,
  eksCollector,
  ecrCollector,
  s3Collector,
  ssmCollector,
  outpostsCollector,
];

/** Sources another source cannot be collected without (listing before describing). */
const structuralDependencies: Partial<Record<SourceId, SourceId[]>> = {
  'ec2.instances': ['ec2.images'],
  'ecs.containerInstances': ['ecs.clusters'],
  'ecs.taskDefinitions': ['ecs.services'],
  'eks.nodegroups': ['eks.clusters'],
  'eks.fargateProfiles': ['eks.clusters'],
  'eks.addons': ['eks.clusters'],
};

/**
 * Sources that enrich a wanted source through a join (an instance's OS from SSM when its AMI is
 * gone; a hybrid host's role from ECS and EKS). Added for the sources asked for, not for what those
 * bring in turn, so an EC2 rule does not pull in ECS and EKS.
 */
const enrichments: Partial<Record<SourceId, SourceId[]>> = {
  'ec2.instances': ['ssm.managedInstances'],
  'ssm.managedInstances': ['ecs.containerInstances', 'eks.clusters'],
};

/** The wanted sources plus what they depend on. */
export function closeOver(wanted: Iterable<SourceId>): Set<SourceId> {
  const closed = new Set<SourceId>();
  const visit = (id: SourceId) => {
    if (closed.has(id)) return;
    closed.add(id);
    for (const dep of structuralDependencies[id] ?? []) visit(dep);
  };
  const asked = [...wanted];
  for (const id of asked) visit(id);
  for (const id of asked) for (const extra of enrichments[id] ?? []) visit(extra);
  return closed;
}

export const allSources: ReadonlySet<SourceId> = new Set(sourceIds);

export async function collectSnapshot(
  ctx: CollectorContext,
  wanted: ReadonlySet<SourceId>,
  now: Date,
): Promise<Snapshot> {
  const needed = closeOver(wanted);
  const results = await Promise.all(
    collectors.filter((c) => c.produces.some((s) => needed.has(s))).map((c) => c.collect(ctx, needed)),
  );
  const sources: Sources = joinSources(Object.assign({}, ...results) as Sources);
  const errors = [...ctx.errors];
  for (const result of Object.values(sources)) if (result && !result.ok) errors.push(result.error);
  return {
    accountId: ctx.accountId,
    region: ctx.region,
    collectedAt: now.toISOString(),
    sources,
    errors: dedupeErrors(errors),
  };
}

/** One source's failure can stand for two sources (instances and images): report it once. */
function dedupeErrors<T extends { source: string; operation: string; code: string; resourceId?: string }>(
  errors: T[],
): T[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.operation}|${e.code}|${e.resourceId ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
