/**
 * The fewest API calls an inventory (or a scan) of a seeded estate can make with the collectors' design, and
 * the table that prints the calls made next to it. A ratio above 1 means estatescan made a call the
 * data did not need.
 */
import type { OperationCount } from '../src/aws/api-calls.ts';
import { renderTable } from '../src/cli/table.ts';
import type { SourceId } from '../src/inventory/types.ts';
import type { TargetResult } from '../src/scan/run-inventory.ts';
import type { SeededEstate, SeededTarget } from './estate.ts';

/** Each API's largest page, which the collectors ask for: the minimum is pages at this size. */
export const PAGE = { ec2: 1000, ec2Images: 200, ecs: 100, eks: 100, ecr: 1000, ssm: 50, ecsDescribe: 100 };

export interface Minimum {
  calls: number;
  /** How the minimum was counted. */
  how: string;
}

export const pages = (items: number, pageSize: number) => Math.max(1, Math.ceil(items / pageSize));
export const sum = <T>(items: readonly T[], f: (item: T) => number) =>
  items.reduce((total, item) => total + f(item), 0);

function itemCount(result: TargetResult, source: SourceId): number {
  const r = result.snapshot?.sources[source];
  return r?.ok ? r.items.length : 0;
}

/**
 * The fewest calls an inventory of this data can make with the collectors' design: list pages at
 * each API's maximum page size, plus the per-item calls each item needs. Where the emulator pages
 * differently from AWS (reservations instead of instances, everything in one page, no
 * `BucketRegion`), the minimum is the emulator's and the note says how AWS differs, so that a ratio
 * above 1 always means estatescan made a call it did not need. Counts the emulator defines (default
 * VPCs and subnets) come from the inventory itself; everything seeded comes from what seeding made.
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
  const all = everyOperation(estate, results, callerAccount, regions, separateS3Control);
  // A scan collects only what its rules need: an operation of a source it does not want costs 0,
  // and so do the per-item fields only the inventory shows (`CollectorContext.details`).
  return Object.fromEntries(
    Object.entries(all).map(([op, m]) => {
      const source = sourceOfOperation[op];
      if (source && wanted && !wanted.has(source)) {
        return [op, { calls: 0, how: `${source} not needed by the rules` }];
      }
      if (!details && detailOperations.has(op))
        return [op, { calls: 0, how: 'inventory only: no rule reads it' }];
      return [op, m];
    }),
  );
}

/** Per-item calls for fields no rule reads, made only for the inventory. */
const detailOperations = new Set([
  's3:GetBucketEncryption',
  'ecr:GetLifecyclePolicy',
  'ecr:ListTagsForResource',
]);

/** The source an operation reads, for operations that read only one (the shared ones are always needed). */
const sourceOfOperation: Record<string, SourceId> = {
  'ec2:DescribeVpcs': 'ec2.vpcs',
  'ec2:DescribeSubnets': 'ec2.subnets',
  'ec2:DescribeFlowLogs': 'ec2.flowLogs',
  'ec2:DescribeNetworkInterfaces': 'ec2.networkInterfaces',
  'ec2:DescribeInstances': 'ec2.instances',
  'ec2:DescribeImages': 'ec2.images',
  'ec2:DescribeSecurityGroups': 'ec2.securityGroups',
  'ecs:ListClusters': 'ecs.clusters',
  'ecs:DescribeClusters': 'ecs.clusters',
  'ecs:ListContainerInstances': 'ecs.containerInstances',
  'ecs:DescribeContainerInstances': 'ecs.containerInstances',
  'eks:ListClusters': 'eks.clusters',
  'eks:DescribeCluster': 'eks.clusters',
  'eks:DescribeClusterVersions': 'eks.clusters',
  'eks:ListNodegroups': 'eks.nodegroups',
  'eks:DescribeNodegroup': 'eks.nodegroups',
  'ecr:DescribeRepositories': 'ecr.repositories',
  'ecr:GetRepositoryPolicy': 'ecr.repositories',
  'ecr:GetLifecyclePolicy': 'ecr.repositories',
  'ecr:ListTagsForResource': 'ecr.repositories',
  'ecr:GetRegistryScanningConfiguration': 'ecr.registryScanning',
  'ecr-public:DescribeRepositories': 'ecrPublic.repositories',
  's3:GetBucketLocation': 's3.buckets',
  's3:GetBucketVersioning': 's3.buckets',
  's3:GetBucketEncryption': 's3.buckets',
  's3control:GetPublicAccessBlock': 's3.accountPublicAccessBlock',
  'ssm:DescribeInstanceInformation': 'ssm.managedInstances',
};

function everyOperation(
  estate: SeededEstate,
  results: TargetResult[],
  callerAccount: string,
  regions: string[],
  separateS3Control: boolean,
): Record<string, Minimum> {
  const targets = estate.targets;
  const accounts = [...new Set(targets.map((t) => t.accountId))];
  const resultOf = (t: SeededTarget) =>
    results.find((r) => r.accountId === t.accountId && r.region === t.region);
  const listed = (source: SourceId) => (t: SeededTarget) => {
    const r = resultOf(t);
    return pages(r ? itemCount(r, source) : 0, PAGE.ec2);
  };
  const buckets = sum(targets, (t) => t.buckets);
  const repositories = sum(targets, (t) => t.repositories);
  return {
    'sts:GetCallerIdentity': { calls: 1, how: 'once per run' },
    'sts:AssumeRole': {
      calls: accounts.filter((a) => a !== callerAccount).length,
      how: '1 per member account',
    },
    'ec2:DescribeVpcs': { calls: sum(targets, listed('ec2.vpcs')), how: 'pages of 1000 per target' },
    'ec2:DescribeSubnets': { calls: sum(targets, listed('ec2.subnets')), how: 'pages of 1000 per target' },
    'ec2:DescribeFlowLogs': { calls: sum(targets, listed('ec2.flowLogs')), how: 'pages of 1000 per target' },
    'ec2:DescribeNetworkInterfaces': {
      calls: targets.length,
      how: '1 per target: moto ignores MaxResults here (AWS: pages of 1000)',
    },
    'ec2:DescribeInstances': {
      calls: sum(targets, (t) => pages(t.reservations, PAGE.ec2)),
      how: 'pages of 1000 reservations per target (moto counts reservations)',
    },
    'ec2:DescribeImages': {
      calls: sum(targets, (t) => Math.ceil(t.imagesInUse / PAGE.ec2Images)),
      how: 'distinct AMIs in use / 200 per target',
    },
    'ec2:DescribeSecurityGroups': {
      calls: targets.length,
      how: '1 per target: moto ignores MaxResults here (AWS: pages of 1000)',
    },
    'ecs:ListClusters': {
      calls: sum(targets, (t) => pages(t.ecsClusters, PAGE.ecs)),
      how: 'pages of 100 per target',
    },
    'ecs:DescribeClusters': {
      calls: sum(targets, (t) => Math.ceil(t.ecsClusters / PAGE.ecsDescribe)),
      how: 'batches of 100 clusters',
    },
    'ecs:ListContainerInstances': {
      calls: sum(targets, (t) => sum(t.containerInstancesByCluster, (n) => pages(n, PAGE.ecs))),
      how: 'pages of 100 per cluster',
    },
    'ecs:DescribeContainerInstances': {
      calls: sum(targets, (t) => sum(t.containerInstancesByCluster, (n) => Math.ceil(n / PAGE.ecsDescribe))),
      how: 'batches of 100 per cluster',
    },
    'eks:ListClusters': {
      calls: sum(targets, (t) => pages(t.eksClusters, PAGE.eks)),
      how: 'pages of 100 per target',
    },
    'eks:DescribeClusterVersions': {
      calls: targets.filter((t) => t.eksClusters > 0).length,
      how: '1 per target with clusters (fewer than 100 versions)',
    },
    'eks:DescribeCluster': { calls: sum(targets, (t) => t.eksClusters), how: '1 per cluster' },
    'eks:ListNodegroups': {
      calls: sum(targets, (t) => sum(t.nodegroupsByCluster, (n) => pages(n, PAGE.eks))),
      how: 'pages of 100 per cluster',
    },
    'eks:DescribeNodegroup': { calls: sum(targets, (t) => t.nodegroups), how: '1 per node group' },
    'ecr:DescribeRepositories': {
      calls: sum(targets, (t) => pages(t.repositories, PAGE.ecr)),
      how: 'pages of 1000 per target',
    },
    'ecr:GetRepositoryPolicy': { calls: repositories, how: '1 per repository' },
    'ecr:GetLifecyclePolicy': { calls: repositories, how: '1 per repository' },
    'ecr:ListTagsForResource': { calls: repositories, how: '1 per repository' },
    'ecr:GetRegistryScanningConfiguration': { calls: targets.length, how: '1 per target' },
    'ecr-public:DescribeRepositories': {
      calls: regions.includes('us-east-1') ? accounts.length : 0,
      how: '1 per account (us-east-1 only)',
    },
    's3:ListBuckets': { calls: accounts.length, how: '1 per account (S3 is global)' },
    's3:GetBucketLocation': {
      calls: buckets,
      how: '1 per bucket: moto omits BucketRegion (0 on AWS)',
    },
    's3:GetBucketVersioning': { calls: buckets, how: '1 per bucket' },
    's3:GetBucketEncryption': { calls: buckets, how: '1 per bucket' },
    // The S3 Control operation has the bucket-level one's name; the counter keys it by its own
    // service prefix when the client factory gives S3 Control one, else both share a key.
    ...(separateS3Control
      ? {
          's3:GetPublicAccessBlock': { calls: buckets, how: '1 per bucket' },
          's3control:GetPublicAccessBlock': {
            calls: accounts.length,
            how: '1 per account (account-level block)',
          },
        }
      : {
          's3:GetPublicAccessBlock': {
            calls: buckets + accounts.length,
            how: '1 per bucket + 1 per account (S3 Control)',
          },
        }),
    'ssm:DescribeInstanceInformation': {
      calls: sum(targets, (t) => {
        const r = resultOf(t);
        return pages(r ? itemCount(r, 'ssm.managedInstances') : 0, PAGE.ssm);
      }),
      how: 'pages of 50 per target',
    },
  };
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
