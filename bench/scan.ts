/**
 * `npm run bench:scan`: the full-scan benchmark of one estate size. It seeds the estate into a fresh
 * moto, then runs the scan exactly as `estatescan scan --table` does (`ScanSession`, `runScan` with
 * every rule, `persistRun` into a DynamoDB table on the emulator), several times:
 *
 *   1. the first scan, which records every finding as the target's baseline;
 *   2. a rescan with nothing changed (the DynamoDB writes it makes are the "quiet rescan" figure);
 *   3. and 4. the scan alone through the fault proxy (test/support/fault-proxy.ts), without and with
 *      latency added to every call: what the latency costs at the default concurrency;
 *   5. and 6. (with --serial) the same at target and item concurrency 1: how much concurrency hides.
 *
 * It prints, per run, the wall time split into collection, evaluation, report assembly and
 * reconcile + persist; the API calls per operation against the minimum the data requires; peak
 * memory; and the DynamoDB items written. `--json <file>` writes the figures for `bench/run.ts`.
 *
 *   npm run bench:scan -- --size small --serial
 *   npm run bench:scan -- --instances 5000 --regions eu-west-1,eu-central-1,us-east-1
 */
import { resourceUsage } from 'node:process';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { allRules } from '../rules/index.ts';
import { MOTO_VERSION, startMoto } from '../scripts/emulator/moto.ts';
import { ApiCallCounter, type OperationCount } from '../src/aws/api-calls.ts';
import { defaultAssumeRoleSettings } from '../src/aws/credentials.ts';
import { ScanSession } from '../src/aws/session.ts';
import { renderTable } from '../src/cli/table.ts';
import { quietSdkNodeVersionWarning } from '../src/config/environment.ts';
import { performanceSettingsSchema } from '../src/config/settings.ts';
import { requiredSources } from '../src/engine/evaluate.ts';
import { defaultRuleSettings } from '../src/engine/types.ts';
import { DynamoDbFindingStore } from '../src/findings/dynamodb-store.ts';
import { reconcile } from '../src/findings/reconcile.ts';
import { ensureTable } from '../src/findings/table.ts';
import { closeOver } from '../src/inventory/collect.ts';
import { sourceIds, type Target } from '../src/inventory/types.ts';
import { persistRun } from '../src/scan/persist.ts';
import type { TargetResult } from '../src/scan/run-inventory.ts';
import { runScan } from '../src/scan/run-scan.ts';
import { startFaultProxy } from '../test/support/fault-proxy.ts';
import {
  type EstateSize,
  type EstateSizeName,
  estateSizes,
  HUB_ACCOUNT,
  hubCredentials,
  INSTANCE_BATCH,
  type SeededEstate,
  seedEstate,
} from './estate.ts';
import {
  collectGarbage,
  type MemoryPeak,
  machineLine,
  mb,
  memorySampler,
  percent,
  seconds,
  thousands,
  writeResult,
} from './measure.ts';
import { type Minimum, minimumCalls, reportCalls, sum } from './minimum.ts';
import { answerMotoGaps } from './moto-gaps.ts';

const TABLE = 'estatescan-bench';

const usage = `Usage: npm run bench:scan -- [--size small|medium|default] [--serial] [--latency-ms n]
  [--accounts id,id] [--regions r1,r2] [--instances n] [--security-groups n] [--buckets n]
  [--repositories n] [--ecs-clusters n] [--eks-clusters n]
  [--target-concurrency n] [--item-concurrency n] [--max-attempts n] [--seed-concurrency n]
  [--keep-moto-gaps] [--json file]
Counts are per account × region, except buckets (per account, spread over the regions).
--serial adds runs at target and item concurrency 1, without and with the latency.
--keep-moto-gaps lets moto's HTTP 500 answer the operations it lacks (SSM, ECR Public) instead of
an empty page (see bench/moto-gaps.ts).`;

class UsageError extends Error {
  override name = 'UsageError';
}

export interface ScanBenchOptions {
  size: EstateSize;
  sizeName: string;
  targetConcurrency: number;
  itemConcurrency: number;
  maxAttempts: number;
  seedConcurrency: number;
  latencyMs: number;
  serial: boolean;
  keepMotoGaps: boolean;
  json?: string;
}

function parseOptions(argv: string[]): ScanBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string' },
      small: { type: 'boolean', default: false },
      serial: { type: 'boolean', default: false },
      'latency-ms': { type: 'string' },
      'keep-moto-gaps': { type: 'boolean', default: false },
      json: { type: 'string' },
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
  const sizeName = values.size ?? (values.small || process.env.BENCH_SIZE === 'small' ? 'small' : 'default');
  if (!(sizeName in estateSizes)) {
    throw new UsageError(`--size is one of ${Object.keys(estateSizes).join(', ')}, not ${sizeName}`);
  }
  const base = estateSizes[sizeName as EstateSizeName];
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
    sizeName: `${sizeName}${changed ? ' (with overrides)' : ''}`,
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
    latencyMs: count('latency-ms', values['latency-ms'], 50, 1),
    serial: values.serial,
    keepMotoGaps: values['keep-moto-gaps'],
    ...(values.json ? { json: values.json } : {}),
  };
}

// ---------------------------------------------------------------- one run

interface RunPlan {
  label: string;
  targetConcurrency: number;
  itemConcurrency: number;
  latencyMs: number;
  /** Persist into the table after scanning (the latency and serial runs only scan). */
  persist: boolean;
  /** Through the fault proxy (with `latencyMs`, possibly 0): latency runs compare proxy with proxy. */
  proxy: boolean;
}

/** What one scan + persist measured. Times in milliseconds, memory in bytes. */
export interface RunFigures extends RunPlan {
  runId: string;
  wallMs: number;
  scanMs: number;
  collectMs: number;
  evaluateMs: number;
  /** runScan's own work after evaluation: findings, inventory rows, lifecycle timeline. */
  reportMs: number;
  persistMs: number;
  /**
   * Reconcile alone (the pure diff, part of persist): timed on the same inputs in-process, from
   * what the table held before this run, read with an uncounted client and left out of the wall time.
   */
  reconcileMs: number;
  /** This process's CPU time (user + system), the fault proxy's included in latency runs. */
  cpuMs: number;
  findings: number;
  resources: number;
  targetMs: { min: number; max: number; mean: number };
  statuses: Record<string, number>;
  /** Scan calls per operation (DynamoDB excluded). */
  calls: Record<string, OperationCount>;
  callTotals: { calls: number; attempts: number; throttled: number };
  /** DynamoDB calls per operation made by persisting this run. */
  dynamodb: Record<string, OperationCount>;
  memory: MemoryPeak & { rssBefore: number; heapBefore: number; heapRetained: number };
  proxied?: number;
}

interface RunOutcome {
  figures: RunFigures;
  results: TargetResult[];
}

function countResources(results: TargetResult[]): number {
  let n = 0;
  for (const r of results) {
    for (const source of Object.values(r.snapshot?.sources ?? {})) if (source?.ok) n += source.items.length;
  }
  return n;
}

function diffCounts(
  after: Record<string, OperationCount>,
  before: Record<string, OperationCount>,
  keep: (op: string) => boolean,
): Record<string, OperationCount> {
  const out: Record<string, OperationCount> = {};
  for (const [op, a] of Object.entries(after)) {
    if (!keep(op)) continue;
    const b = before[op] ?? { calls: 0, attempts: 0, throttled: 0, failed: 0 };
    const d = {
      calls: a.calls - b.calls,
      attempts: a.attempts - b.attempts,
      throttled: a.throttled - b.throttled,
      failed: a.failed - b.failed,
    };
    if (d.calls || d.attempts) out[op] = d;
  }
  return out;
}

const isDynamo = (op: string) => op.startsWith('dynamodb:');

async function runOnce(
  plan: RunPlan,
  context: { motoEndpoint: string; options: ScanBenchOptions; targets: Target[]; homeRegion: string },
  runNumber: number,
  log: (text: string) => void,
): Promise<RunOutcome> {
  const { options, targets, homeRegion } = context;
  const proxy = plan.proxy
    ? await startFaultProxy(context.motoEndpoint, { rates: { default: { latencyMs: plan.latencyMs } } })
    : undefined;
  const endpoint = proxy?.endpoint ?? context.motoEndpoint;
  const performance_ = performanceSettingsSchema.parse({});
  const counter = new ApiCallCounter();
  collectGarbage();
  const { rss: rssBefore, heapUsed: heapBefore } = process.memoryUsage();
  const memory = memorySampler();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const session = await ScanSession.create(
    {
      homeRegion,
      aws: { endpoint, maxAttempts: options.maxAttempts, retryMode: performance_.retryMode },
      assumeRole: { ...defaultAssumeRoleSettings, sessionName: 'estatescan-bench' },
    },
    counter,
  );
  try {
    if (!options.keepMotoGaps) answerMotoGaps((a) => session.account(a), targets, plan.latencyMs);
    const runId = `bench-${runNumber}-${Date.now()}`;
    const outcome = await runScan(session, {
      runId,
      targets,
      rules: allRules,
      ruleSettings: defaultRuleSettings,
      targetConcurrency: plan.targetConcurrency,
      itemConcurrency: plan.itemConcurrency,
      now: () => new Date(),
      onTargetDone: (r, done, total) =>
        log(`  [${done}/${total}] ${r.accountId} ${r.region} ${r.status} in ${seconds(r.durationMs)}`),
    });
    const scanMs = performance.now() - started;
    const scanCounts = counter.snapshot();

    // Reconcile's own share: each target's previous findings, read outside the counters and the
    // clock, then the pure diff timed on them (persist below does the same diff again, and writes).
    let reconcileMs = 0;
    const asideStarted = performance.now();
    if (plan.persist) {
      const aside = new DynamoDBClient({ region: homeRegion, endpoint: context.motoEndpoint });
      const reader = new DynamoDbFindingStore(aside, TABLE);
      for (const evaluation of outcome.evaluations) {
        const previous = await reader.loadTarget(evaluation.accountId, evaluation.region);
        const t = performance.now();
        reconcile({
          runId,
          at: outcome.report.startedAt,
          accountId: evaluation.accountId,
          region: evaluation.region,
          previous,
          current: evaluation,
        });
        reconcileMs += performance.now() - t;
      }
      aside.destroy();
    }
    const asideMs = performance.now() - asideStarted - reconcileMs;

    const persistStarted = performance.now();
    const beforePersist = counter.snapshot();
    if (plan.persist) {
      const dynamodb = session.hub.get(DynamoDBClient, homeRegion);
      await persistRun(new DynamoDbFindingStore(dynamodb, TABLE, plan.itemConcurrency), {
        runId,
        startedAt: outcome.report.startedAt,
        finishedAt: outcome.report.finishedAt,
        results: outcome.results,
        evaluations: outcome.evaluations,
        apiCalls: counter.totals(),
        concurrency: plan.targetConcurrency,
      });
    }
    const persistMs = performance.now() - persistStarted;
    const wallMs = performance.now() - started - asideMs - reconcileMs;
    const cpu = process.cpuUsage(cpuBefore);
    const peak = memory.stop();
    // Retained heap while the scan's results are still held, as a scan holds them until it ends.
    collectGarbage();
    const heapRetained = process.memoryUsage().heapUsed;

    const calls = diffCounts(scanCounts, {}, (op) => !isDynamo(op));
    const callTotals = Object.values(calls).reduce(
      (t, c) => ({
        calls: t.calls + c.calls,
        attempts: t.attempts + c.attempts,
        throttled: t.throttled + c.throttled,
      }),
      { calls: 0, attempts: 0, throttled: 0 },
    );
    const durations = outcome.results.map((r) => r.durationMs);
    const statuses: Record<string, number> = {};
    for (const r of outcome.results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    const { collectMs, evaluateMs } = outcome.timings;
    return {
      results: outcome.results,
      figures: {
        ...plan,
        runId,
        wallMs,
        scanMs,
        collectMs,
        evaluateMs,
        reportMs: scanMs - collectMs - evaluateMs,
        persistMs,
        reconcileMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
        findings: outcome.report.findings.length,
        resources: countResources(outcome.results),
        targetMs: {
          min: Math.min(...durations),
          max: Math.max(...durations),
          mean: sum(durations, (d) => d) / Math.max(1, durations.length),
        },
        statuses,
        calls,
        callTotals,
        dynamodb: diffCounts(counter.snapshot(), beforePersist, isDynamo),
        memory: { ...peak, rssBefore, heapBefore, heapRetained },
        ...(proxy ? { proxied: proxy.stats().totals.forwarded } : {}),
      },
    };
  } finally {
    session.destroy();
    await proxy?.stop();
  }
}

// ---------------------------------------------------------------- the store's items

/**
 * An item's size as DynamoDB bills it, near enough: attribute names plus values (strings and binary
 * by length, numbers about 1 byte per 2 digits, a few bytes of overhead per map and list).
 */
export function itemSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(value).length / 2) + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return 3 + sum(value, (v) => 1 + itemSize(v));
  if (typeof value === 'object') {
    return 3 + sum(Object.entries(value), ([k, v]) => Buffer.byteLength(k) + 1 + itemSize(v));
  }
  return 8;
}

export interface StoreItemSizes {
  /** Bytes of one target's items (the largest target). */
  state: number;
  inventory: number;
  findingsTotal: number;
  findings: number;
  runTarget: number;
  runSummary: number;
}

async function storeItemSizes(
  client: DynamoDBClient,
  target: Target,
  runId: string,
): Promise<StoreItemSizes> {
  const doc = DynamoDBDocumentClient.from(client);
  const pk = `TARGET#${target.accountId}#${target.region}`;
  const get = async (PK: string, SK: string) =>
    (await doc.send(new GetCommand({ TableName: TABLE, Key: { PK, SK } }))).Item;
  let findingsTotal = 0;
  let findings = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :f)',
        ExpressionAttributeValues: { ':pk': pk, ':f': 'FINDING#' },
        ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      findingsTotal += itemSize(item);
      findings++;
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return {
    state: itemSize(await get(pk, 'STATE')),
    inventory: itemSize(await get(pk, 'INVENTORY')),
    findingsTotal,
    findings,
    runTarget: itemSize(await get(`RUN#${runId}`, `TARGET#${target.accountId}#${target.region}`)),
    runSummary: itemSize(await get(`RUN#${runId}`, 'SUMMARY')),
  };
}

// ---------------------------------------------------------------- report

function reportEstate(options: ScanBenchOptions, estate: SeededEstate, seedMs: number): string {
  const t = estate.targets;
  return [
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
  ].join('\n');
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

function reportRuns(runs: RunFigures[]): string {
  const share = (r: RunFigures, ms: number) => `${seconds(ms)} ${percent(ms, r.wallMs)}`;
  return renderTable(runs, [
    { header: 'run', value: (r) => r.label },
    { header: 'latency', value: (r) => `${r.latencyMs} ms`, align: 'right' },
    { header: 'conc.', value: (r) => `${r.targetConcurrency}×${r.itemConcurrency}`, align: 'right' },
    { header: 'wall', value: (r) => seconds(r.wallMs), align: 'right' },
    { header: 'collect', value: (r) => share(r, r.collectMs), align: 'right' },
    {
      header: 'evaluate',
      value: (r) => `${(r.evaluateMs).toFixed(0)} ms ${percent(r.evaluateMs, r.wallMs)}`,
      align: 'right',
    },
    { header: 'report', value: (r) => share(r, r.reportMs), align: 'right' },
    { header: 'persist', value: (r) => (r.persist ? share(r, r.persistMs) : '—'), align: 'right' },
    {
      header: 'of which reconcile',
      value: (r) => (r.persist ? `${r.reconcileMs.toFixed(0)} ms ${percent(r.reconcileMs, r.wallMs)}` : '—'),
      align: 'right',
    },
    { header: 'target max', value: (r) => seconds(r.targetMs.max), align: 'right' },
    { header: 'calls', value: (r) => r.callTotals.calls, align: 'right' },
    { header: 'attempts', value: (r) => r.callTotals.attempts, align: 'right' },
    { header: 'CPU', value: (r) => seconds(r.cpuMs), align: 'right' },
    { header: 'peak RSS', value: (r) => mb(r.memory.rss), align: 'right' },
  ]);
}

function reportDynamo(runs: RunFigures[], targets: number): string {
  const ops = [...new Set(runs.flatMap((r) => Object.keys(r.dynamodb)))].sort();
  return renderTable(
    [
      ...ops.map((op) => ({ op, values: runs.map((r) => r.dynamodb[op]?.calls ?? 0) })),
      {
        op: 'PutItem per target',
        values: runs.map((r) => ((r.dynamodb['dynamodb:PutItem']?.calls ?? 0) / targets).toFixed(2)),
      },
    ],
    [
      { header: 'DynamoDB calls while persisting', value: (r) => r.op },
      ...runs.map((run, i) => ({
        header: run.label,
        value: (r: { values: (number | string)[] }) => r.values[i] ?? '',
        align: 'right' as const,
      })),
    ],
  );
}

// ---------------------------------------------------------------- main

export interface ScanBenchResult {
  size: string;
  estate: EstateSize;
  targets: number;
  accounts: number;
  resources: number;
  seedMs: number;
  runs: RunFigures[];
  minimum: Record<string, Minimum>;
  store: StoreItemSizes;
  latencyGrowth: { concurrent: number; serial?: number; oneAtATime: number };
}

async function main(): Promise<number> {
  let options: ScanBenchOptions;
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

  const log = (text: string) => process.stderr.write(`[bench:scan ${options.sizeName}] ${text}\n`);
  log(`starting moto ${MOTO_VERSION}`);
  const moto = await startMoto();
  try {
    log(`seeding on ${moto.endpoint}`);
    const seedStarted = performance.now();
    const estate = await seedEstate(moto.endpoint, { ...options.size, concurrency: options.seedConcurrency });
    const seedMs = performance.now() - seedStarted;
    log(`seeded in ${seconds(seedMs)}`);

    {
      // The table is set up before the runs, so no run's figures include creating it.
      const setup = new DynamoDBClient({ region: homeRegion, endpoint: moto.endpoint });
      await ensureTable(setup, TABLE);
      setup.destroy();
    }

    const targets = options.size.accounts.flatMap((accountId) =>
      options.size.regions.map((region) => ({ accountId, region })),
    );
    const concurrent = {
      targetConcurrency: options.targetConcurrency,
      itemConcurrency: options.itemConcurrency,
    };
    const serial = { targetConcurrency: 1, itemConcurrency: 1 };
    const latency = options.latencyMs;
    // Runs 3 to 6 go through the proxy, with no added latency and then with it, so the ratio is the
    // latency's alone (not the proxy's hop); they only scan.
    const scanOnly = { persist: false, proxy: true };
    const plans: RunPlan[] = [
      { label: '1 first scan', ...concurrent, latencyMs: 0, persist: true, proxy: false },
      { label: '2 rescan', ...concurrent, latencyMs: 0, persist: true, proxy: false },
      { label: '3 scan, proxy', ...concurrent, latencyMs: 0, ...scanOnly },
      { label: `4 scan, proxy +${latency} ms`, ...concurrent, latencyMs: latency, ...scanOnly },
      ...(options.serial
        ? [
            { label: '5 serial, proxy', ...serial, latencyMs: 0, ...scanOnly },
            { label: `6 serial, proxy +${latency} ms`, ...serial, latencyMs: latency, ...scanOnly },
          ]
        : []),
    ];
    const context = { motoEndpoint: moto.endpoint, options, targets, homeRegion };
    const outcomes: RunOutcome[] = [];
    for (const [i, plan] of plans.entries()) {
      log(`run ${plan.label}: target concurrency ${plan.targetConcurrency}, item ${plan.itemConcurrency}`);
      const outcome = await runOnce(plan, context, i + 1, log);
      log(`run ${plan.label}: ${seconds(outcome.figures.wallMs)}`);
      // Only the first run's snapshots are kept (for the resource and minimum tables).
      outcomes.push(i === 0 ? outcome : { figures: outcome.figures, results: [] });
    }
    const runs = outcomes.map((o) => o.figures);
    const persisted = runs.filter((r) => r.persist);
    const first = outcomes[0]!;
    const [run1, run2, run3, run4, run5, run6] = runs as [
      RunFigures,
      RunFigures,
      RunFigures,
      RunFigures,
      RunFigures | undefined,
      RunFigures | undefined,
    ];

    const minimum = minimumCalls(
      estate,
      first.results,
      HUB_ACCOUNT,
      options.size.regions,
      's3control:GetPublicAccessBlock' in run1.calls,
      closeOver(requiredSources(allRules)),
      false,
    );
    const storeClient = new DynamoDBClient({ region: homeRegion, endpoint: moto.endpoint });
    const largest =
      [...first.results].sort((a, b) => countResources([b]) - countResources([a]))[0] ?? targets[0]!;
    const store = await storeItemSizes(storeClient, largest, run2.runId);
    storeClient.destroy();

    const resources = run1.resources;
    const accounts = options.size.accounts.length;
    // The collectors run a target's services side by side even at 1×1; a scanner making one call at a
    // time would add the latency once per HTTP attempt.
    const serialBase = run5 ?? run3;
    const oneAtATimeMs = serialBase.scanMs + serialBase.callTotals.attempts * latency;
    const latencyGrowth = {
      concurrent: run4.scanMs / run3.scanMs,
      ...(run5 && run6 ? { serial: run6.scanMs / run5.scanMs } : {}),
      oneAtATime: oneAtATimeMs / serialBase.scanMs,
    };
    const quietPuts = run2.dynamodb['dynamodb:PutItem']?.calls ?? 0;
    const firstPuts = run1.dynamodb['dynamodb:PutItem']?.calls ?? 0;
    const heapHeld = run1.memory.heapRetained - run1.memory.heapBefore;

    const out = [
      `estatescan scan benchmark (${options.sizeName}) — ${machineLine()}, moto ${MOTO_VERSION} on loopback`,
      '',
      reportEstate(options, estate, seedMs),
      '',
      `Runs: all ${allRules.length} rules over ${targets.length} targets (${resources} resources), then persistRun ` +
        `into a DynamoDB table on the emulator; adaptive retry up to ${options.maxAttempts} attempts; ` +
        `${options.keepMotoGaps ? 'moto answers SSM and ECR Public with HTTP 500' : 'SSM and ECR Public answered empty on the client (moto lacks them)'}.`,
      'Shares are of the run\'s wall time; "report" is runScan assembling findings, inventory rows and the lifecycle timeline.',
      reportRuns(runs),
      '',
      `Evaluation share (target < 5%): ${percent(run1.evaluateMs, run1.wallMs)} of the first scan's wall time, ` +
        `${percent(run2.evaluateMs, run2.wallMs)} of the rescan's; ${percent(run1.evaluateMs, run1.cpuMs)} of ` +
        `estatescan's own CPU time in the first scan (${run1.findings} findings from ${resources} resources, ` +
        `${thousands(resources / (run1.evaluateMs / 1000))} resources/s).`,
      `Latency (+${latency} ms on every call through the fault proxy, against the proxy without it; target < 3× ` +
        'with concurrency): ' +
        `scan ×${latencyGrowth.concurrent.toFixed(2)} at ${options.targetConcurrency}×${options.itemConcurrency} ` +
        `(${seconds(run3.scanMs)} → ${seconds(run4.scanMs)})` +
        (run5 && run6
          ? `; ×${(run6.scanMs / run5.scanMs).toFixed(2)} at 1×1 (${seconds(run5.scanMs)} → ${seconds(run6.scanMs)}; ` +
            "a target's services still run side by side)"
          : '; no 1×1 runs (--serial)') +
        `; a scanner making one call at a time adds ${serialBase.callTotals.attempts} × ${latency} ms: ` +
        `×${latencyGrowth.oneAtATime.toFixed(2)} (${seconds(serialBase.scanMs)} → ${seconds(oneAtATimeMs)}).`,
      `Memory (first scan): peak RSS ${mb(run1.memory.rss)} (${mb(run1.memory.rssBefore)} before it), ` +
        `peak heap ${mb(run1.memory.heapUsed)} (${mb(run1.memory.heapBefore)} before it, ` +
        `+${thousands((run1.memory.heapUsed - run1.memory.heapBefore) / Math.max(1, resources))} bytes per resource); heap retained after a full GC while holding the scan's results ` +
        `+${mb(heapHeld)} (${thousands(heapHeld / Math.max(1, resources))} bytes per resource); ` +
        `max RSS of the process ${mb(resourceUsage().maxRSS * 1024)} (seeding included).`,
      `DynamoDB writes: first scan ${firstPuts} PutItem (${run1.findings} findings, each with a history event, ` +
        `+ target states, inventories and the run record); rescan with no change ${quietPuts} PutItem = ` +
        `${((quietPuts - 1) / targets.length).toFixed(2)} per target + 1 run summary.`,
      `Largest target's items: state ${store.state} B, inventory ${store.inventory} B, run target ${store.runTarget} B, ` +
        `run summary ${store.runSummary} B; ${store.findings} findings, ${thousands(store.findingsTotal)} B, ` +
        'which reconcile reads back (Query) on every rescan.',
      '',
      reportDynamo(persisted, targets.length),
      '',
      'Resources collected (first scan):',
      reportResources(first.results),
      '',
      'API calls of the first scan (ratio = calls / minimum, "!" above 1.05; errors include expected not-found answers',
      'such as a repository without a policy or a bucket without encryption):',
      reportCalls(run1.calls, minimum),
      '',
      reportErrors(first.results),
    ];
    process.stdout.write(`${out.join('\n')}\n`);

    await writeResult(options.json, {
      size: options.sizeName,
      estate: options.size,
      targets: targets.length,
      accounts,
      resources,
      seedMs,
      runs,
      minimum,
      store,
      latencyGrowth,
    } satisfies ScanBenchResult);
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
      `[bench:scan] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
