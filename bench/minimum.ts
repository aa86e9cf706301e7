/**
 * The fewest API calls an inventory (or a scan) of a seeded estate can make with the collectors' design, and
 * the table that prints the calls made next to it. A ratio above 1 means estatescan made a call the
 * data did not need.
 */
import type { OperationCount } from '../src/aws/api-calls.ts';
import { renderTable } from '../src/cli/table.ts';
import { collectors } from '../src/inventory/collect.ts';
import { type Counted, callsFor, type DeclaredCall, isMadeFor } from '../src/inventory/declared-calls.ts';
import type { SourceId } from '../src/inventory/types.ts';
import type { TargetResult } from '../src/scan/run-inventory.ts';
import type { SeededEstate, SeededTarget } from './estate.ts';

export interface Minimum {
  calls: number;
  /** How the minimum was counted. */
  how: string;
}

export const sum = <T>(items: readonly T[], f: (item: T) => number) =>
  items.reduce((total, item) => total + f(item), 0);

function itemsOf<K extends SourceId>(result: TargetResult | undefined, source: K) {
  const r = result?.snapshot?.sources[source];
  return r?.ok ? r.items : [];
}

/** How many items share each key (services per cluster), padded with a 0 per parent that has none. */
function countsPer<T>(items: readonly T[], key: (item: T) => string, parents: number): number[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  const listed = [...counts.values()];
  return [...listed, ...new Array<number>(Math.max(0, parents - listed.length)).fill(0)];
}

/**
 * How many of each counted thing a target holds. What seeding made comes from the seeding, so a
 * collector that misses items cannot lower its own minimum; what the emulator defines (default VPCs)
 * or the estate does not seed in the benchmark comes from the inventory itself.
 */
const countOf: Record<Counted, (t: SeededTarget, r: TargetResult | undefined) => number> = {
  vpc: (_, r) => itemsOf(r, 'ec2.vpcs').length,
  subnet: (_, r) => itemsOf(r, 'ec2.subnets').length,
  'flow log': (_, r) => itemsOf(r, 'ec2.flowLogs').length,
  'network interface': (_, r) => itemsOf(r, 'ec2.networkInterfaces').length,
  instance: (t) => t.instances,
  'image in use': (t) => t.imagesInUse,
  'security group': (t) => t.securityGroups,
  'ecs cluster': (t) => t.ecsClusters,
  'container instance': (t) => t.containerInstances,
  'ecs service': (_, r) => itemsOf(r, 'ecs.services').length,
  'task definition in use': (_, r) => itemsOf(r, 'ecs.taskDefinitions').length,
  'eks cluster': (t) => t.eksClusters,
  'node group': (t) => t.nodegroups,
  'fargate profile': (_, r) => itemsOf(r, 'eks.fargateProfiles').length,
  'add-on': (_, r) => itemsOf(r, 'eks.addons').length,
  'add-on name': (_, r) => new Set(itemsOf(r, 'eks.addons').map((a) => a.addonName)).size,
  repository: (t) => t.repositories,
  'public repository': (_, r) => itemsOf(r, 'ecrPublic.repositories').length,
  bucket: (t) => t.buckets,
  // moto's ListBuckets gives no BucketRegion: every bucket is located with a call of its own.
  'bucket listed without its region': (t) => t.buckets,
  'managed instance': (_, r) => itemsOf(r, 'ssm.managedInstances').length,
  outpost: (_, r) => itemsOf(r, 'outposts.outposts').length,
  'owned outpost': (t, r) => itemsOf(r, 'outposts.outposts').filter((o) => o.ownerId === t.accountId).length,
};

/** The same, per parent, for the things listed per parent (a cluster's container instances). */
const countPerParent: Partial<Record<Counted, (t: SeededTarget, r: TargetResult | undefined) => number[]>> = {
  'container instance': (t) => t.containerInstancesByCluster,
  'ecs service': (t, r) => countsPer(itemsOf(r, 'ecs.services'), (s) => s.clusterArn, t.ecsClusters),
  'node group': (t) => t.nodegroupsByCluster,
  'fargate profile': (t, r) =>
    countsPer(itemsOf(r, 'eks.fargateProfiles'), (p) => p.clusterName, t.eksClusters),
  'add-on': (t, r) => countsPer(itemsOf(r, 'eks.addons'), (a) => a.clusterName, t.eksClusters),
};

/**
 * Where the emulator answers differently from AWS, what the minimum counts instead and how AWS
 * differs: the minimum is the emulator's, so that a ratio above 1 always means estatescan made a
 * call it did not need.
 */
const onEmulator: Record<string, { counts?: (t: SeededTarget) => number[]; note: string }> = {
  'ec2:DescribeInstances': {
    counts: (t) => [t.reservations],
    note: 'moto pages reservations, not instances',
  },
  // One page whatever the count: moto ignores MaxResults here.
  'ec2:DescribeNetworkInterfaces': { counts: () => [0], note: 'moto ignores MaxResults here: 1 per target' },
  'ec2:DescribeSecurityGroups': { counts: () => [0], note: 'moto ignores MaxResults here: 1 per target' },
  'eks:ListAddons': { note: 'moto has none: answered empty' },
  'outposts:ListOutposts': { note: 'moto has none: answered empty' },
  's3:GetBucketLocation': { note: 'moto omits BucketRegion; 0 on AWS' },
};

/** How a declared call is counted, in words: `pages of 100 per ecs cluster`. */
function describeCall(call: DeclaredCall): string {
  const scope = call.within ?? (call.per === 'account' ? 'account' : 'target');
  const only = call.region ? ` (${call.region} only)` : '';
  switch (call.per) {
    case 'page':
      return `pages of ${call.pageSize} per ${scope}${only}`;
    case 'batch':
      return `batches of ${call.pageSize} per ${scope}`;
    case 'item':
      return `1 per ${call.of}`;
    case 'target':
      return call.of ? `1 per target with at least one ${call.of}` : '1 per target';
    case 'account':
      return `1 per account${only}`;
  }
}

/**
 * The fewest calls an inventory (or a scan) of this data can make with the collectors' design, from
 * the calls each collector declares (`Collector.calls`): list pages at the declared page size (each
 * API's largest), batches at the declared batch size, and the per-item, per-target and per-account
 * calls, counted over what the estate holds.
 */
export function minimumCalls(
  estate: SeededEstate,
  results: TargetResult[],
  callerAccount: string,
  regions: string[],
  separateS3Control: boolean,
  wanted?: ReadonlySet<SourceId>,
  details = !wanted,
): Record<string, Minimum> {
  const targets = estate.targets;
  const accounts = [...new Set(targets.map((t) => t.accountId))];
  const resultOf = (t: SeededTarget) =>
    results.find((r) => r.accountId === t.accountId && r.region === t.region);
  const minimum: Record<string, Minimum> = {
    // The session's calls, in the hub account with its own credentials.
    'sts:GetCallerIdentity': { calls: 1, how: 'once per run' },
    'sts:AssumeRole': {
      calls: accounts.filter((a) => a !== callerAccount).length,
      how: '1 per member account',
    },
  };
  for (const call of collectors.flatMap((c) => c.calls)) {
    // A scan collects only what its rules need: a call made for no source it wants costs 0, and
    // so do the per-item fields only the inventory shows (`CollectorContext.details`).
    if (wanted && !isMadeFor(call, wanted)) {
      minimum[call.operation] = { calls: 0, how: `${call.sources.join(', ')} not needed by the rules` };
      continue;
    }
    if (!details && call.details) {
      minimum[call.operation] = { calls: 0, how: 'inventory only: no rule reads it' };
      continue;
    }
    const emulator = onEmulator[call.operation];
    const here = call.region ? targets.filter((t) => t.region === call.region) : targets;
    const countsIn = (t: SeededTarget): number[] => {
      if (emulator?.counts) return emulator.counts(t);
      if (!call.of) return [1];
      const perParent = call.within ? countPerParent[call.of] : undefined;
      return perParent ? perParent(t, resultOf(t)) : [countOf[call.of](t, resultOf(t))];
    };
    const calls =
      call.per === 'account'
        ? call.region && !regions.includes(call.region)
          ? 0
          : accounts.length
        : sum(here, (t) => callsFor(call, countsIn(t)));
    minimum[call.operation] = {
      calls,
      how: emulator ? `${describeCall(call)} (${emulator.note})` : describeCall(call),
    };
  }
  // The counter keys the S3 Control operation by its own service prefix when the client factory
  // gives S3 Control one, else it shares the bucket-level operation's key.
  const control = minimum['s3control:GetPublicAccessBlock'];
  const bucket = minimum['s3:GetPublicAccessBlock'];
  if (!separateS3Control && control && bucket) {
    minimum['s3:GetPublicAccessBlock'] = {
      calls: bucket.calls + control.calls,
      how: `${bucket.how} + ${control.how} (S3 Control)`,
    };
    delete minimum['s3control:GetPublicAccessBlock'];
  }
  return minimum;
}

export function reportCalls(
  counts: Record<string, OperationCount>,
  minimum: Record<string, Minimum>,
): string {
  const ops = [...new Set([...Object.keys(minimum), ...Object.keys(counts)])].sort();
  const rows = ops
    .map((op) => ({ op, count: counts[op], min: minimum[op] }))
    .filter((r) => r.count || (r.min && r.min.calls > 0));
  const ratio = (r: (typeof rows)[number]) => {
    const calls = r.count?.calls ?? 0;
    if (!r.min) return 'unexpected';
    if (r.min.calls === 0) return calls === 0 ? '—' : '∞';
    const value = calls / r.min.calls;
    return `${value.toFixed(2)}${value > 1.05 ? ' !' : ''}`;
  };
  const total = {
    op: 'total',
    count: Object.values(counts).reduce(
      (t, c) => ({
        calls: t.calls + c.calls,
        attempts: t.attempts + c.attempts,
        throttled: t.throttled + c.throttled,
        failed: t.failed + c.failed,
      }),
      { calls: 0, attempts: 0, throttled: 0, failed: 0 },
    ),
    min: { calls: sum(Object.values(minimum), (m) => m.calls), how: '' },
  };
  return renderTable(
    [...rows, total],
    [
      { header: 'operation', value: (r) => r.op },
      { header: 'calls', value: (r) => r.count?.calls ?? 0, align: 'right' },
      { header: 'minimum', value: (r) => r.min?.calls ?? '—', align: 'right' },
      { header: 'ratio', value: ratio, align: 'right' },
      { header: 'attempts', value: (r) => r.count?.attempts ?? 0, align: 'right' },
      { header: 'errors', value: (r) => r.count?.failed || '', align: 'right' },
      { header: 'throttled', value: (r) => r.count?.throttled || '', align: 'right' },
      { header: 'minimum counted as', value: (r) => r.min?.how ?? '' },
    ],
  );
}
