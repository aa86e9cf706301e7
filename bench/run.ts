/**
 * `npm run bench`: seeds a synthetic estate into a fresh moto, runs the inventory of every source
 * over every account × region the way the CLI does, and prints wall time, what was collected, the
 * API calls made next to the minimum the data requires, and memory.
 *
 * The emulator answers far slower than AWS for large responses and serializes requests, so wall
 * time is an upper bound of estatescan's own cost; API calls per operation are the portable figure.
 *
 *   npm run bench                      2 accounts × 2 regions × 1,000 instances…
 *   npm run bench -- --small           a quick run (or BENCH_SIZE=small)
 *   npm run bench -- --instances 5000 --regions eu-west-1,eu-central-1,us-east-1
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { resourceUsage } from 'node:process';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MOTO_VERSION, startMoto } from '../scripts/emulator/moto.ts';
import { ApiCallCounter, type OperationCount } from '../src/aws/api-calls.ts';
import { defaultAssumeRoleSettings } from '../src/aws/credentials.ts';
import { ScanSession } from '../src/aws/session.ts';
import { renderTable } from '../src/cli/table.ts';
import { quietSdkNodeVersionWarning } from '../src/config/environment.ts';
import { performanceSettingsSchema } from '../src/config/settings.ts';
import { allSources } from '../src/inventory/collect.ts';
import { type SourceId, sourceIds } from '../src/inventory/types.ts';
import { collectTargets, type TargetResult } from '../src/scan/run-inventory.ts';
import {
  type EstateSize,
  HUB_ACCOUNT,
  hubCredentials,
  INSTANCE_BATCH,
  type SeededEstate,
  type SeededTarget,
  seedEstate,
} from './estate.ts';

const sizes = {
  default: {
    accounts: [HUB_ACCOUNT, '111111111111'],
    regions: ['us-east-1', 'eu-west-1'],
    instances: 1000,
    securityGroups: 300,
    buckets: 200,
    repositories: 100,
    ecsClusters: 10,
    eksClusters: 5,
  },
  small: {
    accounts: [HUB_ACCOUNT, '111111111111'],
    regions: ['us-east-1', 'eu-west-1'],
    instances: 100,
    securityGroups: 20,
    buckets: 20,
    repositories: 10,
    ecsClusters: 2,
    eksClusters: 1,
  },
} satisfies Record<string, EstateSize>;

/** Each API's largest page, which the collectors ask for: the minimum is pages at this size. */
const PAGE = { ec2: 1000, ec2Images: 200, ecs: 100, eks: 100, ecr: 1000, ssm: 50, ecsDescribe: 100 };

const usage = `Usage: npm run bench -- [--small] [--accounts id,id] [--regions r1,r2] [--instances n]
  [--security-groups n] [--buckets n] [--repositories n] [--ecs-clusters n] [--eks-clusters n]
  [--target-concurrency n] [--item-concurrency n] [--max-attempts n] [--seed-concurrency n]
Counts are per account × region, except buckets (per account, spread over the regions).
BENCH_SIZE=small is the same as --small.`;

class UsageError extends Error {
  override name = 'UsageError';
}

interface BenchOptions {
  size: EstateSize;
  sizeName: string;
  targetConcurrency: number;
  itemConcurrency: number;
  maxAttempts: number;
  seedConcurrency: number;
}

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      small: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      accounts: { type: 'string' },
      regions: { type: 'string' },
      instances: { type: 'string' },
      'security-groups': { type: 'string' },
      buckets: { type: 'string' },
      repositories: { type: 'string' },
      'ecs-clusters': { type: 'string' },
      'eks-clusters': { type: 'string' },
      'target-concurrency': { type: 'string' },
      'item-concurrency': { type: 'string' },
      'max-attempts': { type: 'string' },
      'seed-concurrency': { type: 'string' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const count = (name: string, raw: string | undefined, fallback: number, min = 0): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min)
      throw new UsageError(`--${name} takes a whole number ≥ ${min}, not ${raw}`);
    return n;
  };
  const list = (name: string, raw: string | undefined, fallback: string[], pattern: RegExp): string[] => {
    if (raw === undefined) return fallback;
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = items.filter((i) => !pattern.test(i));
    if (!items.length || bad.length)
      throw new UsageError(`--${name}: not valid: ${bad.join(', ') || '(empty)'}`);
    return [...new Set(items)];
  };
  const small = values.small || process.env.BENCH_SIZE === 'small';
  const base = small ? sizes.small : sizes.default;
  const changed = [
    'accounts',
    'regions',
    'instances',
    'security-groups',
    'buckets',
    'repositories',
    'ecs-clusters',
    'eks-clusters',
  ].some((k) => values[k as keyof typeof values] !== undefined);
  const defaults = performanceSettingsSchema.parse({});
  return {
    sizeName: `${small ? 'small' : 'default'}${changed ? ' (with overrides)' : ''}`,
    size: {
      accounts: list('accounts', values.accounts, base.accounts, /^\d{12}$/),
      regions: list('regions', values.regions, base.regions, /^[a-z]{2}(-[a-z]+)+-\d$/),
      instances: count('instances', values.instances, base.instances),
      securityGroups: count('security-groups', values['security-groups'], base.securityGroups),
      buckets: count('buckets', values.buckets, base.buckets),
      repositories: count('repositories', values.repositories, base.repositories),
      ecsClusters: count('ecs-clusters', values['ecs-clusters'], base.ecsClusters),
      eksClusters: count('eks-clusters', values['eks-clusters'], base.eksClusters),
    },
    targetConcurrency: count(
      'target-concurrency',
      values['target-concurrency'],
      defaults.targetConcurrency,
      1,
    ),
    itemConcurrency: count('item-concurrency', values['item-concurrency'], defaults.itemConcurrency, 1),
    maxAttempts: count('max-attempts', values['max-attempts'], defaults.maxAttempts, 1),
    seedConcurrency: count('seed-concurrency', values['seed-concurrency'], 8, 1),
  };
}

// ---------------------------------------------------------------- memory

/** Samples RSS and heap on an interval: `maxRSS` alone would include the seeding. */
function memorySampler(intervalMs = 50) {
  const peak = { rss: 0, heapUsed: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/**
 * A full garbage collection, so "heap retained" measures what the snapshots hold rather than when
 * V8 last collected. `npm run bench` cannot pass --expose-gc to node through tsx; this enables it
 * at run time for new contexts.
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------- the minimum

interface Minimum {
  calls: number;
  /** How the minimum was counted. */
  how: string;
}

const pages = (items: number, pageSize: number) => Math.max(1, Math.ceil(items / pageSize));
const sum = <T>(items: readonly T[], f: (item: T) => number) =>
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
function minimumCalls(
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

// ---------------------------------------------------------------- report

function reportEstate(options: BenchOptions, estate: SeededEstate, seedMs: number): string {
  const t = estate.targets;
  const lines = [
    `Estate (${options.sizeName}): ${options.size.accounts.length} accounts × ${options.size.regions.length} regions ` +
      `(${options.size.regions.join(', ')})`,
    renderTable(
      [
        [
          'EC2 instances',
          sum(t, (x) => x.instances),
          `${sum(t, (x) => x.reservations)} reservations of ≤${INSTANCE_BATCH}`,
        ],
        ['AMIs in use', sum(t, (x) => x.imagesInUse), 'per target, registered by name'],
        ['security groups', sum(t, (x) => x.securityGroups), '2 ingress rules each, + moto default groups'],
        ['S3 buckets', sum(t, (x) => x.buckets), `${sum(t, (x) => x.versionedBuckets)} versioned`],
        [
          'ECR repositories',
          sum(t, (x) => x.repositories),
          `${sum(t, (x) => x.repositoriesWithPolicy)} with a policy`,
        ],
        [
          'ECS clusters',
          sum(t, (x) => x.ecsClusters),
          `${sum(t, (x) => x.containerInstances)} container instances`,
        ],
        ['EKS clusters', sum(t, (x) => x.eksClusters), `${sum(t, (x) => x.nodegroups)} node groups`],
      ] as const,
      [
        { header: 'seeded', value: (r) => r[0] },
        { header: 'count', value: (r) => r[1], align: 'right' },
        { header: 'detail', value: (r) => r[2] },
      ],
    ),
    `Seeding: ${seconds(seedMs)} (${estate.totalCalls} calls, not part of the figures below)`,
  ];
  return lines.join('\n');
}

function reportResources(results: TargetResult[]): string {
  const rows = sourceIds.map((source) => {
    let items = 0;
    let failed = 0;
    for (const r of results) {
      const s = r.snapshot?.sources[source];
      if (s?.ok) items += s.items.length;
      else if (s) failed++;
    }
    return { source, items, failed };
  });
  return renderTable(rows, [
    { header: 'source', value: (r) => r.source },
    { header: 'items', value: (r) => r.items, align: 'right' },
    { header: 'targets failed', value: (r) => r.failed || '', align: 'right' },
  ]);
}

function reportCalls(counts: Record<string, OperationCount>, minimum: Record<string, Minimum>): string {
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

function reportErrors(results: TargetResult[]): string {
  const byKey = new Map<string, { operation: string; code: string; source: string; count: number }>();
  for (const r of results) {
    for (const e of r.errors) {
      const key = `${e.operation}|${e.code}|${e.source}`;
      const entry = byKey.get(key) ?? { operation: e.operation, code: e.code, source: e.source, count: 0 };
      entry.count++;
      byKey.set(key, entry);
    }
  }
  if (!byKey.size) return 'Collection errors: none';
  return `Collection errors (recorded as data, per target):\n${renderTable(
    [...byKey.values()].sort((a, b) => a.operation.localeCompare(b.operation)),
    [
      { header: 'operation', value: (e) => e.operation },
      { header: 'code', value: (e) => e.code, max: 40 },
      { header: 'source', value: (e) => e.source },
      { header: 'errors', value: (e) => e.count, align: 'right' },
    ],
  )}`;
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }

  // Credentials and region come from the standard chain, as in the CLI: set them before any client.
  quietSdkNodeVersionWarning();
  process.env.AWS_ACCESS_KEY_ID = hubCredentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = hubCredentials.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const homeRegion = options.size.regions[0] ?? 'us-east-1';
  process.env.AWS_REGION = homeRegion;

  const log = (text: string) => process.stderr.write(`[bench] ${text}\n`);
  log(`starting moto ${MOTO_VERSION}`);
  const moto = await startMoto();
  try {
    log(`seeding on ${moto.endpoint}`);
    const seedStarted = performance.now();
    const estate = await seedEstate(moto.endpoint, { ...options.size, concurrency: options.seedConcurrency });
    const seedMs = performance.now() - seedStarted;
    log(`seeded in ${seconds(seedMs)}; collecting`);

    const performanceSettings = performanceSettingsSchema.parse({});
    const counter = new ApiCallCounter();
    collectGarbage();
    const { rss: rssBefore, heapUsed: heapBefore } = process.memoryUsage();
    const memory = memorySampler();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const session = await ScanSession.create(
      {
        homeRegion,
        aws: {
          endpoint: moto.endpoint,
          maxAttempts: options.maxAttempts,
          retryMode: performanceSettings.retryMode,
        },
        assumeRole: { ...defaultAssumeRoleSettings, sessionName: 'estatescan-bench' },
      },
      counter,
    );
    let results: TargetResult[];
    try {
      const targets = options.size.accounts.flatMap((accountId) =>
        options.size.regions.map((region) => ({ accountId, region })),
      );
      results = await collectTargets(session, {
        targets,
        wanted: allSources,
        targetConcurrency: options.targetConcurrency,
        itemConcurrency: options.itemConcurrency,
        now: () => new Date(),
        onTargetDone: (r, done, total) =>
          log(`[${done}/${total}] ${r.accountId} ${r.region} ${r.status} in ${seconds(r.durationMs)}`),
      });
    } finally {
      session.destroy();
    }
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const peak = memory.stop();
    collectGarbage();
    const heapAfter = process.memoryUsage().heapUsed;

    const statuses = ['ok', 'partial', 'failed']
      .map((s) => `${results.filter((r) => r.status === s).length} ${s}`)
      .join(', ');
    const durations = results.map((r) => r.durationMs).sort((a, b) => a - b);
    const counts = counter.snapshot();
    const minimum = minimumCalls(
      estate,
      results,
      session.callerAccountId,
      options.size.regions,
      's3control:GetPublicAccessBlock' in counts,
    );
    const out = [
      `estatescan benchmark — node ${process.version}, moto ${MOTO_VERSION} on loopback, ` +
        `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), ${mb(totalmem())} RAM`,
      '',
      reportEstate(options, estate, seedMs),
      '',
      `Inventory: all ${allSources.size} sources, ${results.length} targets (${statuses}), ` +
        `target concurrency ${options.targetConcurrency}, item concurrency ${options.itemConcurrency}, ` +
        `${performanceSettings.retryMode} retry up to ${options.maxAttempts} attempts`,
      `  wall time         ${seconds(wallMs)}`,
      `  per target        min ${seconds(durations[0] ?? 0)}, max ${seconds(durations.at(-1) ?? 0)}`,
      `  estatescan CPU    ${seconds((cpu.user + cpu.system) / 1000)} (${seconds(cpu.user / 1000)} user), ` +
        'this process only: the emulator runs in its own',
      `  API calls         ${counter.totals().calls} (${counter.totals().attempts} HTTP attempts)`,
      `  peak RSS          ${mb(peak.rss)} sampled during the inventory (${mb(rssBefore)} before it)`,
      `  max RSS           ${mb(resourceUsage().maxRSS * 1024)} over the whole process, seeding included`,
      `  heap used         peak ${mb(peak.heapUsed)}; after a full GC ${mb(heapBefore)} before the inventory, ` +
        `${mb(heapAfter)} after it holding every snapshot (+${mb(heapAfter - heapBefore)})`,
      '',
      'Resources collected:',
      reportResources(results),
      '',
      'API calls (ratio = calls / minimum, "!" above 1.05; errors include expected not-found answers such as',
      'a repository without a policy or a bucket without encryption):',
      reportCalls(counts, minimum),
      '',
      reportErrors(results),
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  } finally {
    await moto.stop();
    log('moto stopped');
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
