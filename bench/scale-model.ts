/**
 * The scale model: from what the benchmark measured (API calls per operation per target, estatescan's
 * CPU and memory per resource, the DynamoDB items a quiet rescan writes and reads) and AWS's rate
 * limits and prices, the projected wall time and cost of scanning an organization with the Step
 * Functions Distributed Map, one Lambda child per account × region.
 *
 * Per target (one child): duration = cold start + CPU + 2 STS calls + the slowest service, where a
 * service takes the longer of its latency chain (list pages one after another, per-item calls
 * `itemConcurrency` at a time, each `latencyMs`) and its rate-limit wait (calls beyond the token
 * bucket's burst, at the refill rate). Buckets are per account and region, so two children never
 * share one, except S3's (per account; see the notes). The organization's wall time is the total
 * child time over the map's effective concurrency, plus the longest child.
 */
import { allRules } from '../rules/index.ts';
import { renderTable } from '../src/cli/table.ts';
import { requiredSources } from '../src/engine/evaluate.ts';
import { closeOver, collectors } from '../src/inventory/collect.ts';
import { type Counted, callsFor, type DeclaredCall, isMadeFor } from '../src/inventory/declared-calls.ts';
import type { EvaluateBenchResult } from './evaluate.ts';
import { thousands } from './measure.ts';
import type { RunFigures, ScanBenchResult } from './scan.ts';

// ---------------------------------------------------------------- what AWS publishes (or we assume)

/** A token bucket: `burst` calls at once, then `refill` per second, per account and region. */
interface RateBucket {
  name: string;
  burst: number;
  refill: number;
  operations: (op: string) => boolean;
  source: string;
}

const ECR_DOC =
  'assumed: ECR documents one bucket per API action but publishes only GetAuthorizationToken (200 burst, 20/s)';

export const rateBuckets: RateBucket[] = [
  {
    name: 'EC2 non-mutating (Describe*)',
    burst: 100,
    refill: 20,
    operations: (op) => op.startsWith('ec2:'),
    source: 'documented: docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html',
  },
  {
    name: 'ECS cluster read',
    burst: 50,
    refill: 20,
    operations: (op) => op === 'ecs:ListClusters' || op === 'ecs:DescribeClusters',
    source: 'documented: docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html',
  },
  {
    name: 'ECS cluster resource read',
    burst: 100,
    refill: 20,
    operations: (op) =>
      op === 'ecs:ListContainerInstances' ||
      op === 'ecs:DescribeContainerInstances' ||
      op === 'ecs:ListServices' ||
      op === 'ecs:DescribeServices',
    source:
      'documented: same page (container instances); the service reads are assumed to share the cluster resource read bucket',
  },
  ...['DescribeRepositories', 'GetRepositoryPolicy'].map(
    (action): RateBucket => ({
      name: `ECR ${action}`,
      burst: 20,
      refill: 20,
      operations: (op) => op === `ecr:${action}`,
      source: ECR_DOC,
    }),
  ),
  {
    name: 'EKS (all reads)',
    burst: 10,
    refill: 10,
    operations: (op) => op.startsWith('eks:'),
    source: 'assumed: EKS publishes no API rate quota',
  },
  {
    name: 'S3 bucket configuration reads',
    burst: 50,
    refill: 50,
    operations: (op) => op.startsWith('s3:') || op.startsWith('s3control:'),
    source:
      "assumed: S3's published 5,500 GET/s per prefix is for objects; bucket-level reads have no published rate",
  },
  {
    name: 'SSM DescribeInstanceInformation',
    burst: 20,
    refill: 20,
    operations: (op) => op.startsWith('ssm:'),
    source: 'assumed: not published',
  },
];

/** List prices, us-east-1. */
export const prices = {
  lambdaGbSecond: 0.0000133334, // arm64, first 6 billion GB-s a month
  lambdaRequest: 0.2 / 1e6,
  sfnStandardTransition: 0.025 / 1000,
  sfnExpressRequest: 1.0 / 1e6,
  sfnExpressGbSecond: 0.00001667, // billed in 64 MB steps
  dynamoWru: 0.625 / 1e6, // on-demand, since the 1 November 2024 price cut
  dynamoRru: 0.125 / 1e6,
};

export interface ModelSettings {
  accounts: number;
  regions: number;
  /** Regions per account with workloads (the rest hold only the default VPC). */
  busyRegionsPerAccount: number;
  latencyMs: number;
  itemConcurrency: number;
  lambdaMemoryMb: number;
  /** Lambda's default concurrent executions per account and region. */
  lambdaConcurrencyQuota: number;
  coldStartMs: number;
  mapConcurrencies: number[];
  scansPerDay: number;
  /**
   * State transitions a STANDARD child costs: the one the Distributed Map charges per child it
   * starts, and its ScanTarget Task (serverless.yml); a retry or the RecordFailure state adds one.
   */
  standardTransitionsPerChild: number;
}

export const defaultModelSettings: ModelSettings = {
  accounts: 1000,
  regions: 17,
  busyRegionsPerAccount: 2,
  latencyMs: 50,
  itemConcurrency: 8,
  lambdaMemoryMb: 1024,
  lambdaConcurrencyQuota: 1000,
  coldStartMs: 1000,
  // 40 is serverless.yml's default maxConcurrency parameter.
  mapConcurrencies: [40, 100, 500, 1000],
  scansPerDay: 4,
  standardTransitionsPerChild: 2,
};

// ---------------------------------------------------------------- a target's calls on AWS

export interface TargetProfile {
  name: string;
  instances: number;
  securityGroups: number;
  images: number;
  vpcs: number;
  /** Buckets whose region is this target's. */
  buckets: number;
  repositories: number;
  ecsClusters: number;
  containerInstances: number;
  /** ECS services, which the Fargate platform rule reads (the scan lists and describes them). */
  ecsServices: number;
  eksClusters: number;
  nodegroups: number;
  /** EKS add-ons over all clusters, which the add-on compatibility rule reads. */
  eksAddons: number;
  /** Distinct add-on names among them: one DescribeAddonVersions each. */
  eksAddonNames: number;
  managedInstances: number;
  /** Bytes of the target's stored findings, which reconcile reads back (Query, 1 MB pages). */
  findingsBytes: number;
}

const pages = (items: number, size: number) => Math.max(1, Math.ceil(items / size));

/**
 * DynamoDB calls one after another when a quiet rescan persists: the findings Query's pages, the
 * state and inventory-hash GetItems, the state and run-target PutItems.
 */
const persistCalls = (p: TargetProfile) => pages(p.findingsBytes, 1024 * 1024) + 4;

/** Resources the snapshot of this profile holds (instances count twice: their network interfaces). */
export function profileResources(p: TargetProfile): number {
  return (
    2 * p.instances +
    p.securityGroups +
    p.images +
    p.vpcs +
    p.buckets +
    p.repositories +
    p.ecsClusters +
    p.containerInstances +
    p.ecsServices +
    p.eksClusters +
    p.nodegroups +
    p.eksAddons +
    p.managedInstances +
    2
  );
}

/** The sources a scan collects: what the rules read, and what those depend on. */
const scanned = closeOver(requiredSources(allRules));

/**
 * The calls a scan makes: the calls the collectors declare for the sources it collects, without the
 * inventory-only ones (a scan reads no lifecycle policies, repository tags or bucket encryption).
 */
const scanCalls: readonly DeclaredCall[] = collectors
  .flatMap((c) => c.calls)
  .filter((call) => isMadeFor(call, scanned) && !call.details);

/**
 * How many of each counted thing a profile holds on AWS. What the profile does not model (subnets,
 * flow logs, Fargate profiles, Outposts) counts 0: one empty page where the call lists them.
 */
function countsOf(p: TargetProfile): Record<Counted, number> {
  return {
    vpc: p.vpcs,
    subnet: 0,
    'flow log': 0,
    // One interface per instance.
    'network interface': p.instances,
    instance: p.instances,
    'image in use': p.images,
    'security group': p.securityGroups,
    'ecs cluster': p.ecsClusters,
    'container instance': p.containerInstances,
    'ecs service': p.ecsServices,
    // At most one per service.
    'task definition in use': p.ecsServices,
    'eks cluster': p.eksClusters,
    'node group': p.nodegroups,
    'fargate profile': 0,
    'add-on': p.eksAddons,
    'add-on name': p.eksAddonNames,
    repository: p.repositories,
    'public repository': 0,
    bucket: p.buckets,
    // AWS's ListBuckets gives each bucket's region.
    'bucket listed without its region': 0,
    'managed instance': p.managedInstances,
    outpost: 0,
    'owned outpost': 0,
  };
}

/**
 * The calls one child makes on AWS for this profile, per operation: the declared calls of a scan
 * counted with AWS's page sizes (not moto's: DescribeInstances pages by instances, no
 * GetBucketLocation), things listed per parent spread evenly over the parents, and S3's
 * account-wide calls repeated in every child (a Lambda child has no account scope to share them
 * with its sibling regions).
 */
export function awsCalls(p: TargetProfile): Record<string, number> {
  const counts = countsOf(p);
  const calls: Record<string, number> = { 'sts:AssumeRole': 1, 'sts:GetCallerIdentity': 1 };
  for (const call of scanCalls) {
    const n = call.of ? counts[call.of] : 1;
    const parents = call.within ? counts[call.within] : 0;
    const groups = call.within ? new Array<number>(parents).fill(parents ? n / parents : 0) : [n];
    calls[call.operation] = callsFor(call, groups);
  }
  return calls;
}

/**
 * Per-item calls, and the calls made for each parent (a cluster's lists), run `itemConcurrency` at
 * a time; everything else is one call after another.
 */
const perItem = new Set(
  scanCalls.filter((call) => call.per === 'item' || call.within !== undefined).map((call) => call.operation),
);

const serviceOf = (op: string) => {
  const prefix = op.split(':')[0]!;
  return prefix === 's3control' ? 's3' : prefix;
};

export interface TargetTime {
  calls: number;
  resources: number;
  cpuMs: number;
  latencyMs: number;
  rateMs: number;
  /** Service and reason of the slowest service. */
  bound: string;
  totalMs: number;
  /** Without the cold start (a warm container). */
  warmMs: number;
}

export interface MeasuredCosts {
  /** Bytes of stored findings per resource (the benchmark target's). */
  findingsBytesPerResource: number;
  /** estatescan CPU per resource on this machine, one core. */
  cpuMsPerResource: number;
  /** Peak heap growth per resource while scanning (garbage not yet collected included). */
  memoryBytesPerResource: number;
  /** Process RSS before any scan (Node, the SDK clients). */
  baseRss: number;
}

export function targetTime(p: TargetProfile, m: MeasuredCosts, s: ModelSettings): TargetTime {
  const calls = awsCalls(p);
  const L = s.latencyMs;
  const byService = new Map<string, { sequential: number; items: number; ops: Record<string, number> }>();
  for (const [op, n] of Object.entries(calls)) {
    const service = serviceOf(op);
    if (service === 'sts' || n === 0) continue;
    const entry = byService.get(service) ?? { sequential: 0, items: 0, ops: {} };
    if (perItem.has(op)) entry.items += n;
    else entry.sequential += n;
    entry.ops[op] = n;
    byService.set(service, entry);
  }
  let slowest = { ms: 0, latency: 0, rate: 0, bound: 'none' };
  for (const [service, entry] of byService) {
    const latency = L * (entry.sequential + entry.items / s.itemConcurrency);
    let rate = 0;
    let rateBucket = '';
    for (const bucket of rateBuckets) {
      const n = Object.entries(entry.ops)
        .filter(([op]) => bucket.operations(op))
        .reduce((t, [, c]) => t + c, 0);
      const wait = Math.max(0, ((n - bucket.burst) / bucket.refill) * 1000);
      if (wait > rate) {
        rate = wait;
        rateBucket = bucket.name;
      }
    }
    const ms = Math.max(latency, rate);
    if (ms > slowest.ms) {
      slowest = {
        ms,
        latency,
        rate,
        bound: rate > latency ? `${service}: ${rateBucket} rate` : `${service}: latency`,
      };
    }
  }
  const resources = profileResources(p);
  // Lambda gives a function CPU in proportion to its memory: one vCPU at 1,769 MB.
  const cpuMs = (m.cpuMsPerResource * resources) / Math.min(1, s.lambdaMemoryMb / 1769);
  const warmMs = cpuMs + 2 * L + slowest.ms + persistCalls(p) * L;
  return {
    calls: Object.values(calls).reduce((a, b) => a + b, 0),
    resources,
    cpuMs,
    latencyMs: slowest.latency,
    rateMs: slowest.rate,
    bound: cpuMs > slowest.ms ? 'CPU (parse, join, evaluate, reconcile)' : slowest.bound,
    warmMs,
    totalMs: warmMs + s.coldStartMs,
  };
}

// ---------------------------------------------------------------- the store

export interface StoreCosts {
  /** Write units per target on a quiet rescan (its state and its run record), and per run. */
  wruPerTarget: number;
  wruPerRun: number;
  /** Read units per target: its findings (Query), its state (consistent GetItem), its inventory hash. */
  rruPerTarget: (findingsBytes: number, inventoryBytes: number) => number;
}

const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const readUnits = (bytes: number, consistent: boolean) =>
  Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

export function storeCosts(scan: ScanBenchResult): StoreCosts {
  const { store } = scan;
  return {
    wruPerTarget: writeUnits(store.state) + writeUnits(store.runTarget),
    // The run summary is on the GSI too: written twice.
    wruPerRun: 2 * writeUnits(store.runSummary),
    rruPerTarget: (findingsBytes, inventoryBytes) =>
      readUnits(findingsBytes, false) + readUnits(store.state, true) + readUnits(inventoryBytes, false),
  };
}

// ---------------------------------------------------------------- the report

const usd = (n: number) => (n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(4)}`);
const minutes = (ms: number) =>
  ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(0)} s`;

/** The benchmark's per-target profile, from the estate it seeded. */
export function benchmarkProfile(scan: ScanBenchResult): TargetProfile {
  const e = scan.estate;
  return {
    name: `benchmark target (${scan.size})`,
    instances: e.instances,
    securityGroups: e.securityGroups + 1,
    images: Math.min(5, Math.ceil(e.instances / 100)),
    vpcs: 1,
    buckets: Math.ceil(e.buckets / e.regions.length),
    repositories: e.repositories,
    ecsClusters: e.ecsClusters,
    containerInstances: e.ecsClusters * 3,
    // The benchmark estate seeds no services, and the emulator has no add-ons.
    ecsServices: 0,
    eksClusters: e.eksClusters,
    nodegroups: e.eksClusters * 2,
    eksAddons: 0,
    eksAddonNames: 0,
    managedInstances: 0,
    findingsBytes: scan.store.findingsTotal,
  };
}

export const quietProfile: TargetProfile = {
  name: 'quiet region (default VPC only)',
  instances: 0,
  securityGroups: 1,
  images: 0,
  vpcs: 1,
  buckets: 0,
  repositories: 0,
  ecsClusters: 0,
  containerInstances: 0,
  ecsServices: 0,
  eksClusters: 0,
  nodegroups: 0,
  eksAddons: 0,
  eksAddonNames: 0,
  managedInstances: 0,
  findingsBytes: 0,
};

function measuredCosts(scan: ScanBenchResult): MeasuredCosts {
  const rescan = scan.runs[1] as RunFigures;
  const first = scan.runs[0] as RunFigures;
  return {
    cpuMsPerResource: rescan.cpuMs / scan.resources,
    findingsBytesPerResource: scan.store.findingsTotal / (scan.resources / scan.targets),
    memoryBytesPerResource: Math.max(0, first.memory.heapUsed - first.memory.heapBefore) / scan.resources,
    baseRss: first.memory.rssBefore,
  };
}

/** Lambda's largest memory setting, which also gives single-threaded code a whole vCPU. */
const LAMBDA_MAX_MB = 10_240;

const memoryNeededMb = (resources: number, m: MeasuredCosts) =>
  (m.baseRss + m.memoryBytesPerResource * resources) / 1024 / 1024;

/**
 * The largest count of one resource type a child scans within `limitMs` and Lambda's largest
 * memory, everything else empty.
 */
function largestFitting(
  grow: (n: number) => TargetProfile,
  m: MeasuredCosts,
  s: ModelSettings,
  limitMs: number,
): { n: number; time: TargetTime; bound: string } {
  const settings = { ...s, lambdaMemoryMb: LAMBDA_MAX_MB };
  const at = (n: number) => {
    const profile = grow(n);
    // Its findings grow with it, and reconcile reads them back.
    const withFindings = {
      ...profile,
      findingsBytes: m.findingsBytesPerResource * profileResources(profile),
    };
    return targetTime(withFindings, m, settings);
  };
  const fits = (n: number) => {
    const t = at(n);
    return t.totalMs <= limitMs && memoryNeededMb(t.resources, m) <= LAMBDA_MAX_MB;
  };
  let lo = 0;
  let hi = 1;
  while (fits(hi) && hi < 1e9) hi *= 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  const over = at(hi);
  const bound = over.totalMs > limitMs ? over.bound : `memory (${thousands(LAMBDA_MAX_MB)} MB)`;
  return { n: lo, time: at(lo), bound };
}

export function scaleModelReport(
  scan: ScanBenchResult,
  evaluation: EvaluateBenchResult | undefined,
  s: ModelSettings = defaultModelSettings,
): string {
  const m = measuredCosts(scan);
  const busy = benchmarkProfile(scan);
  const busyTime = targetTime(busy, m, s);
  const quietTime = targetTime(quietProfile, m, s);
  const targets = s.accounts * s.regions;
  const busyTargets = s.accounts * s.busyRegionsPerAccount;
  const quietTargets = targets - busyTargets;
  const memoryGb = s.lambdaMemoryMb / 1024;
  const store = storeCosts(scan);
  const busyFindingsBytes = scan.store.findingsTotal;
  const busyRru = store.rruPerTarget(busyFindingsBytes, scan.store.inventory);
  const quietRru = store.rruPerTarget(0, 1024);

  // Measured calls per target on the emulator, next to the model's calls on AWS for the same data.
  const measured = scan.runs[0]?.calls ?? {};
  const modelCalls = awsCalls(busy);
  const ops = [...new Set([...Object.keys(measured), ...Object.keys(modelCalls)])].sort();
  const callRows = ops
    .map((op) => ({
      op,
      measured: (measured[op]?.calls ?? 0) / scan.targets,
      model: modelCalls[op] ?? 0,
    }))
    .filter((r) => r.measured || r.model);

  const scenarios = [
    {
      name: `${s.busyRegionsPerAccount} busy + ${s.regions - s.busyRegionsPerAccount} quiet regions per account`,
      busy: busyTargets,
      quiet: quietTargets,
    },
    { name: `every region busy`, busy: targets, quiet: 0 },
  ];
  const scenarioRows = scenarios.flatMap((sc) => {
    const workMs = sc.busy * busyTime.warmMs + sc.quiet * quietTime.warmMs;
    const longest = sc.busy ? busyTime.totalMs : quietTime.totalMs;
    const totalCalls = sc.busy * busyTime.calls + sc.quiet * quietTime.calls;
    return s.mapConcurrencies.map((c) => {
      const effective = Math.min(c, s.lambdaConcurrencyQuota, sc.busy + sc.quiet);
      const coldStarts = effective;
      const billedMs = workMs + coldStarts * s.coldStartMs;
      const wallMs = billedMs / effective + longest;
      const gbSeconds = (billedMs / 1000) * memoryGb;
      const children = sc.busy + sc.quiet;
      const lambda = gbSeconds * prices.lambdaGbSecond + children * prices.lambdaRequest;
      const standard = children * s.standardTransitionsPerChild * prices.sfnStandardTransition;
      const expressGbSeconds = (workMs / 1000 / children + 0.1) * children * (64 / 1024);
      const express =
        children * (prices.sfnStandardTransition + prices.sfnExpressRequest) +
        expressGbSeconds * prices.sfnExpressGbSecond;
      const wru = children * store.wruPerTarget + store.wruPerRun;
      const rru = sc.busy * busyRru + sc.quiet * quietRru;
      const dynamo = wru * prices.dynamoWru + rru * prices.dynamoRru;
      return {
        scenario: sc.name,
        c,
        effective,
        wallMs,
        calls: totalCalls,
        gbSeconds,
        lambda,
        standard,
        express,
        dynamo,
        wru,
        rru,
        assumeRolePerSecond: children / (wallMs / 1000),
      };
    });
  });
  const monthly = (perScan: number) => perScan * s.scansPerDay * 30;
  // The first scan of a target writes every finding (table + GSI) and a history event (table + GSI,
  // a few hundred bytes), its state, inventory and run record: once, then only changes.
  const findingWru = writeUnits(scan.store.findingsTotal / Math.max(1, scan.store.findings));
  const baselineWruBusy =
    scan.store.findings * (2 * findingWru + 2) + writeUnits(scan.store.inventory) + store.wruPerTarget;
  const baselineWru = busyTargets * baselineWruBusy + quietTargets * (store.wruPerTarget + 1);
  const base =
    scenarioRows.find((r) => r.scenario === scenarios[0]!.name && r.c === 1000) ?? scenarioRows[0]!;

  const limit = 15 * 60 * 1000;
  const empty = quietProfile;
  const fits = [
    { type: 'ECR repositories', grow: (n: number) => ({ ...empty, repositories: n }) },
    { type: 'S3 buckets (in the region)', grow: (n: number) => ({ ...empty, buckets: n }) },
    {
      type: 'EKS clusters (2 node groups, 5 add-ons each)',
      grow: (n: number) => ({
        ...empty,
        eksClusters: n,
        nodegroups: 2 * n,
        eksAddons: 5 * n,
        eksAddonNames: Math.min(5, n),
      }),
    },
    {
      type: 'EC2 instances (+ interfaces)',
      grow: (n: number) => ({ ...empty, instances: n, images: Math.min(200, Math.ceil(n / 100)) }),
    },
    { type: 'security groups', grow: (n: number) => ({ ...empty, securityGroups: n }) },
    {
      type: 'ECS container instances (100 per cluster)',
      grow: (n: number) => ({ ...empty, ecsClusters: Math.ceil(n / 100), containerInstances: n }),
    },
    {
      type: 'ECS services (50 per cluster)',
      grow: (n: number) => ({ ...empty, ecsClusters: Math.ceil(n / 50), ecsServices: n }),
    },
    { type: 'SSM managed instances', grow: (n: number) => ({ ...empty, managedInstances: n }) },
  ].map((f) => {
    const { n, time, bound } = largestFitting(f.grow, m, s, limit);
    return { type: f.type, n, time, bound, memoryMb: memoryNeededMb(time.resources, m) };
  });
  const memoryFit = Math.floor(
    (s.lambdaMemoryMb * 1024 * 1024 - m.baseRss) / Math.max(1, m.memoryBytesPerResource),
  );

  const lines = [
    `Scale model — ${s.accounts.toLocaleString('en-US')} accounts × ${s.regions} regions = ${thousands(targets)} targets, ` +
      `one Lambda child (arm64, ${s.lambdaMemoryMb} MB) per target under a Step Functions Distributed Map`,
    '',
    `Inputs measured by this benchmark (${scan.size} size): estatescan CPU ${m.cpuMsPerResource.toFixed(3)} ms per resource ` +
      `(quiet rescan, one core here; scaled by ${Math.min(1, s.lambdaMemoryMb / 1769).toFixed(2)} vCPU at ${s.lambdaMemoryMb} MB), ` +
      `peak heap +${thousands(m.memoryBytesPerResource)} B per resource over an RSS of ${Math.round(m.baseRss / 1024 / 1024)} MB, ` +
      `quiet rescan ${(scan.runs[1]?.dynamodb['dynamodb:PutItem']?.calls ?? 0) - 1} PutItem for ${scan.targets} targets + 1 per run` +
      (evaluation
        ? `; rule evaluation ${thousands(evaluation.resourcesPerSecond)} resources/s (bench:evaluate)`
        : '') +
      '.',
    `Assumed: ${s.latencyMs} ms per AWS call, item concurrency ${s.itemConcurrency}, cold start ${s.coldStartMs} ms per ` +
      `container, Lambda concurrency quota ${s.lambdaConcurrencyQuota} (the default per account and region).`,
    '',
    'API rate limits per account and region (token buckets):',
    renderTable(rateBuckets, [
      { header: 'bucket', value: (b) => b.name },
      { header: 'burst', value: (b) => b.burst, align: 'right' },
      { header: 'refill/s', value: (b) => b.refill, align: 'right' },
      { header: 'source', value: (b) => b.source },
    ]),
    '',
    `Calls per target: measured on the emulator (average of the ${scan.targets} targets) and the model on AWS for the same data:`,
    renderTable(callRows, [
      { header: 'operation', value: (r) => r.op },
      {
        header: 'measured',
        value: (r) => (Number.isInteger(r.measured) ? r.measured : r.measured.toFixed(1)),
        align: 'right',
      },
      { header: 'AWS model', value: (r) => r.model, align: 'right' },
    ]),
    '',
    'Per-target duration (one child):',
    renderTable(
      [
        { p: busy, t: busyTime },
        { p: quietProfile, t: quietTime },
      ],
      [
        { header: 'profile', value: (r) => r.p.name },
        { header: 'resources', value: (r) => thousands(r.t.resources), align: 'right' },
        { header: 'calls', value: (r) => r.t.calls, align: 'right' },
        { header: 'CPU', value: (r) => `${(r.t.cpuMs / 1000).toFixed(2)} s`, align: 'right' },
        {
          header: 'slowest service: latency',
          value: (r) => `${(r.t.latencyMs / 1000).toFixed(2)} s`,
          align: 'right',
        },
        { header: 'rate wait', value: (r) => `${(r.t.rateMs / 1000).toFixed(2)} s`, align: 'right' },
        { header: 'bound by', value: (r) => r.t.bound },
        { header: 'warm', value: (r) => `${(r.t.warmMs / 1000).toFixed(2)} s`, align: 'right' },
        { header: 'cold', value: (r) => `${(r.t.totalMs / 1000).toFixed(2)} s`, align: 'right' },
      ],
    ),
    '',
    `A full scan (DynamoDB: quiet rescan, ${store.wruPerTarget} WRU per target + ${store.wruPerRun} per run; reads ` +
      `${busyRru} RRU per busy target, ${quietRru} per quiet one; Step Functions STANDARD at ` +
      `${s.standardTransitionsPerChild} transitions per child, or EXPRESS children at 64 MB):`,
    renderTable(scenarioRows, [
      { header: 'organization', value: (r) => r.scenario },
      {
        header: 'MaxConcurrency',
        value: (r) => (r.effective < r.c ? `${r.c} (→${r.effective})` : r.c),
        align: 'right',
      },
      { header: 'wall', value: (r) => minutes(r.wallMs), align: 'right' },
      { header: 'AWS calls', value: (r) => thousands(r.calls), align: 'right' },
      { header: 'Lambda GB-s', value: (r) => thousands(r.gbSeconds), align: 'right' },
      { header: 'Lambda', value: (r) => usd(r.lambda), align: 'right' },
      { header: 'SFN standard', value: (r) => usd(r.standard), align: 'right' },
      { header: 'SFN express', value: (r) => usd(r.express), align: 'right' },
      { header: 'DynamoDB', value: (r) => usd(r.dynamo), align: 'right' },
      { header: 'AssumeRole/s', value: (r) => r.assumeRolePerSecond.toFixed(0), align: 'right' },
    ]),
    '',
    `Monthly at ${s.scansPerDay} scans a day (${base.scenario}, MaxConcurrency ${base.c}): Lambda ${usd(monthly(base.lambda))}, ` +
      `Step Functions ${usd(monthly(base.standard))} STANDARD or ${usd(monthly(base.express))} EXPRESS children, ` +
      `DynamoDB ${usd(monthly(base.wru * prices.dynamoWru))} writes (${thousands(monthly(base.wru))} WRU) + ` +
      `${usd(monthly(base.rru * prices.dynamoRru))} reads (${thousands(monthly(base.rru))} RRU); ` +
      `total ${usd(monthly(base.lambda + Math.min(base.standard, base.express) + base.dynamo))} with EXPRESS children.`,
    `The first scan of the organization (baselines, once): ${thousands(baselineWruBusy)} WRU per busy target ` +
      `(${scan.store.findings} findings × (2 × ${findingWru} + 2) + state, inventory, run record), ` +
      `${thousands(baselineWru)} WRU = ${usd(baselineWru * prices.dynamoWru)}.`,
    '',
    "The largest target one child scans within Lambda's 15 minutes and 10,240 MB (one resource type, everything " +
      'else empty; at 10,240 MB, a whole vCPU; memory at the measured peak heap per resource):',
    renderTable(fits, [
      { header: 'resource', value: (f) => f.type },
      { header: 'largest', value: (f) => thousands(f.n), align: 'right' },
      { header: 'bound by', value: (f) => f.bound },
      { header: 'duration', value: (f) => `${(f.time.totalMs / 1000).toFixed(0)} s`, align: 'right' },
      { header: 'CPU', value: (f) => `${(f.time.cpuMs / 1000).toFixed(0)} s`, align: 'right' },
      { header: 'memory needed', value: (f) => `${thousands(f.memoryMb)} MB`, align: 'right' },
    ]),
    `Memory alone: ${s.lambdaMemoryMb} MB holds about ${thousands(memoryFit)} resources in one target at the measured ` +
      'peak heap per resource; Lambda goes to 10,240 MB.',
  ];
  return lines.join('\n');
}
