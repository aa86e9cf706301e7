/**
 * The findings store: the source of truth for every finding's life, each target's state, the
 * latest inventory and the scan runs. `DynamoDbFindingStore` is the adapter; `MemoryFindingStore`
 * serves core tests.
 */
import type { InventoryRow } from '../inventory/rows.ts';
import type { CollectionError } from '../inventory/types.ts';
import { ConcurrentUpdateError } from './errors.ts';
import { assertItemFits, fitInventoryRows } from './item-size.ts';
import type { ReconcileResult, StoredFinding, TargetState } from './reconcile.ts';
import {
  healthKey,
  type TargetHealth,
  type TargetHealthStore,
  type TargetHealthWrite,
} from './target-health.ts';
import type { FindingStatus, Severity } from './types.ts';

export interface FindingQuery {
  status?: FindingStatus;
  severities?: readonly Severity[];
  accountId?: string;
  region?: string;
  ruleId?: string;
}

export interface FindingEvent {
  findingId: string;
  at: string;
  runId: string;
  change: StoredFinding['lastChange'];
  severity: Severity;
  status: FindingStatus;
}

export interface RunTargetRecord {
  accountId: string;
  region: string;
  status: 'ok' | 'partial' | 'failed';
  durationMs: number;
  findings: number;
  changes: number;
  errors: CollectionError[];
  /**
   * The rest of a target's outcome, which `scan-target` records so that `summarize` can add the
   * run up from the table (the CLI records runs in one piece and leaves them out).
   */
  findingsBySeverity?: Partial<Record<Severity, number>>;
  suppressed?: number;
  baseline?: boolean;
  /** All the collection errors, of which `errors` keeps the first few. */
  errorCount?: number;
  apiCalls?: { calls: number; attempts: number; throttled: number };
}

/**
 * What the plan of a state machine run leaves for `summarize`: how many targets it handed to the
 * map, and the accounts it could not expand into targets (the first `MAX_PLAN_ERRORS`).
 */
export interface RunPlanRecord {
  runId: string;
  startedAt: string;
  targetCount: number;
  planErrors: CollectionError[];
  planErrorCount: number;
}

/** Plan errors kept with a run (the count is always exact). */
export const MAX_PLAN_ERRORS = 1000;

/** A run's items as `summarize` reads them back: its plan and each target's outcome. */
export interface StoredRun {
  plan?: RunPlanRecord;
  targets: RunTargetRecord[];
}

/** The run record without its targets (they are items of their own): what `summarize` writes. */
export interface RunSummaryRecord extends Omit<RunRecord, 'targets'> {
  targetCount: number;
  failedTargets: number;
  partialTargets: number;
  /** All the plan errors, of which `planErrors` keeps the first few. */
  planErrorCount?: number;
  /** Targets the plan handed to the map that recorded no outcome (counted as failed). */
  unrecordedTargets?: number;
}

export interface RunRecord {
  runId: string;
  startedAt: string;
  finishedAt: string;
  targets: RunTargetRecord[];
  /** API calls, retries and throttles of the run. */
  apiCalls: { calls: number; attempts: number; throttled: number };
  changes: number;
  /** Accounts the plan could not expand into targets (e.g. DescribeRegions denied). */
  planErrors?: CollectionError[];
  /**
   * Why the run failed before it scanned anything (an invalid deployed configuration): the run is
   * recorded with this error and no targets, so it shows in the run history.
   */
  error?: string;
}

export interface StoredInventory {
  accountId: string;
  region: string;
  at: string;
  runId: string;
  counts: Record<string, number>;
  /**
   * The rows, each field within its budget; only the first ones when they did not all fit in one
   * item (then `rowsTotal` says how many there were; the counts always cover them all).
   */
  rows?: InventoryRow[];
  rowsTotal?: number;
}

export interface FindingStore extends TargetHealthStore {
  loadTarget(accountId: string, region: string): Promise<{ state?: TargetState; findings: StoredFinding[] }>;
  /** The target's state alone (one item), for readers that need no findings. */
  loadTargetState(accountId: string, region: string): Promise<TargetState | undefined>;
  /**
   * Writes the changed findings (and their history events), then the target state; answers the ids
   * of the findings it wrote (a run applied again writes none of its own twice). Throws
   * `ConcurrentUpdateError` when another run wrote the target after this one read it.
   */
  applyTarget(result: ReconcileResult): Promise<{ written: string[] }>;
  /** Writes the inventory only when it differs from the stored one. */
  saveInventory(inventory: StoredInventory): Promise<{ written: boolean }>;
  /** Records a run in one piece: its summary and every target's outcome (the CLI, inline scans). */
  recordRun(run: RunRecord): Promise<void>;
  /** The state machine's runs, piece by piece: the plan's item (`plan`)… */
  recordRunPlan(plan: RunPlanRecord): Promise<void>;
  /** …each target's outcome (`scan-target`; the map's RecordFailure state writes a failed one)… */
  recordRunTarget(run: { runId: string; startedAt: string }, target: RunTargetRecord): Promise<void>;
  /** …what `summarize` reads back… */
  loadRun(runId: string): Promise<StoredRun>;
  /** …and the summary it writes. */
  recordRunSummary(summary: RunSummaryRecord): Promise<void>;
  queryFindings(query: FindingQuery): Promise<StoredFinding[]>;
  findingHistory(findingId: string): Promise<FindingEvent[]>;
  latestInventory(accountId: string, region: string): Promise<StoredInventory | undefined>;
  recentRuns(limit: number): Promise<RunRecord[]>;
}

/** A run's summary from its targets' outcomes. */
export function runSummaryOf(run: RunRecord): RunSummaryRecord {
  const { targets, ...summary } = run;
  return {
    ...summary,
    targetCount: targets.length,
    failedTargets: targets.filter((t) => t.status === 'failed').length,
    partialTargets: targets.filter((t) => t.status === 'partial').length,
  };
}

/** A run summary without its counts: the run record, less its targets (items of their own). */
export function runOfSummary(summary: RunSummaryRecord): Omit<RunRecord, 'targets'> {
  const {
    targetCount: _c,
    failedTargets: _f,
    partialTargets: _p,
    planErrorCount: _e,
    unrecordedTargets: _u,
    ...run
  } = summary;
  return run;
}

/** The plan errors a run keeps: the first `MAX_PLAN_ERRORS`, and at most ~300 KB of them (one item). */
export function keptPlanErrors(errors: readonly CollectionError[], maxBytes = 300_000): CollectionError[] {
  const kept: CollectionError[] = [];
  let bytes = 0;
  for (const error of errors.slice(0, MAX_PLAN_ERRORS)) {
    bytes += JSON.stringify(error).length;
    if (bytes > maxBytes) break;
    kept.push(error);
  }
  return kept;
}

/**
 * What Step Functions caught for a target whose `scan-target` invocation failed for good (after
 * the state machine's retries), as a collection error: `caught` is `{ Error, Cause }`, and a Lambda
 * error's Cause is JSON with `errorType` and `errorMessage`.
 */
export function caughtError(accountId: string, region: string, caught: unknown): CollectionError {
  const { Error: name, Cause: cause } = (caught ?? {}) as { Error?: unknown; Cause?: unknown };
  let code = typeof name === 'string' ? name : 'Failed';
  let message = typeof cause === 'string' ? cause : 'the scan-target function failed';
  try {
    const parsed = JSON.parse(message) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorType === 'string') code = parsed.errorType;
    if (typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // Not JSON (a States.* error): the Cause is the message.
  }
  return { accountId, region, source: 'scan-target', operation: 'lambda:Invoke', code, message };
}

export function inventoryCounts(rows: readonly InventoryRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.resourceType] = (counts[row.resourceType] ?? 0) + 1;
  return counts;
}

function matches(finding: StoredFinding, query: FindingQuery): boolean {
  return (
    (!query.status || finding.status === query.status) &&
    (!query.severities?.length || query.severities.includes(finding.severity)) &&
    (!query.accountId || finding.accountId === query.accountId) &&
    (!query.region || finding.region === query.region) &&
    (!query.ruleId || finding.ruleId === query.ruleId)
  );
}

/**
 * An in-memory store with the same behaviour, for tests of the core: the same conditions, and the
 * same item-size check on the items the DynamoDB adapter would write (their keys approximated).
 */
export class MemoryFindingStore implements FindingStore {
  readonly findings = new Map<string, StoredFinding>();
  readonly states = new Map<string, TargetState>();
  readonly events: FindingEvent[] = [];
  readonly inventories = new Map<string, StoredInventory>();
  /** Runs recorded (in one piece, or by their summary), with their targets. */
  readonly runs: RunRecord[] = [];
  readonly runPlans = new Map<string, RunPlanRecord>();
  /** Each run's targets' outcomes, by `<account>/<region>`. */
  readonly runTargets = new Map<string, Map<string, RunTargetRecord>>();
  /** The targets' health items, by `<account>#<region>`. */
  readonly health = new Map<string, TargetHealth>();
  /** Items written, as the DynamoDB adapter would count them. */
  writes = 0;

  async loadTargetHealth() {
    return structuredClone([...this.health.values()]);
  }

  async writeTargetHealth({ health, expected }: TargetHealthWrite) {
    const key = healthKey(health.accountId, health.region);
    const current = this.health.get(key);
    const still =
      expected === null
        ? current === undefined
        : current?.status === expected.status && current.lastChangedRunId === expected.lastChangedRunId;
    if (!still) return false;
    this.health.set(key, structuredClone(health));
    this.writes++;
    return true;
  }

  async loadTarget(accountId: string, region: string) {
    const findings = [...this.findings.values()].filter(
      (f) => f.accountId === accountId && f.region === region,
    );
    const state = this.states.get(`${accountId}/${region}`);
    return { ...(state ? { state } : {}), findings: structuredClone(findings) };
  }

  async loadTargetState(accountId: string, region: string) {
    const state = this.states.get(`${accountId}/${region}`);
    return state ? structuredClone(state) : undefined;
  }

  async applyTarget(result: ReconcileResult) {
    if (result.duplicate) return { written: [] };
    const { accountId, region, lastRunId: runId } = result.state;
    const stateKey = `${accountId}/${region}`;
    const pk = `TARGET#${accountId}#${region}`;
    // Like the DynamoDB adapter: every item measured before the first is written.
    for (const finding of result.writes) {
      const sk = `FINDING#${finding.findingId}`;
      assertItemFits(
        {
          PK: pk,
          SK: sk,
          itemType: 'finding',
          GSI1PK: `STATUS#${finding.status}#${finding.severity}`,
          GSI1SK: `${accountId}#${region}#${finding.ruleId}#${finding.findingId}`,
          ...finding,
        },
        { kind: 'finding', key: sk, accountId, region },
      );
    }
    assertItemFits(
      {
        PK: pk,
        SK: 'STATE',
        itemType: 'target-state',
        ...result.state,
        ...(result.baseline ? { baselineSummary: result.baseline } : {}),
      },
      { kind: 'target-state', key: 'STATE', accountId, region },
    );
    // The DynamoDB adapter's conditions, in memory: only over what the run read.
    const applied: string[] = [];
    for (const finding of result.writes) {
      const before = result.expected?.findingRunIds[finding.findingId];
      const current = this.findings.get(finding.findingId)?.lastChangedRunId ?? null;
      if (before !== undefined && current !== before) {
        if (current === runId) continue;
        throw new ConcurrentUpdateError(accountId, region, applied);
      }
      applied.push(finding.findingId);
      this.findings.set(finding.findingId, structuredClone(finding));
      this.events.push({
        findingId: finding.findingId,
        at: finding.lastChangedAt,
        runId: finding.lastChangedRunId,
        change: finding.lastChange,
        severity: finding.severity,
        status: finding.status,
      });
      this.writes += 2;
    }
    const stateRunId = this.states.get(stateKey)?.lastRunId ?? null;
    if (result.expected && stateRunId !== result.expected.stateRunId && stateRunId !== runId) {
      throw new ConcurrentUpdateError(accountId, region, applied);
    }
    this.states.set(stateKey, structuredClone(result.state));
    this.writes++;
    return { written: applied };
  }

  async saveInventory(inventory: StoredInventory) {
    const key = `${inventory.accountId}/${inventory.region}`;
    const fitted = fitInventoryRows(inventory.rows ?? []);
    const { rows: _rows, rowsTotal: _total, ...rest } = inventory;
    const stored: StoredInventory = {
      ...structuredClone(rest),
      rows: fitted.rows,
      ...(fitted.rows.length < fitted.total ? { rowsTotal: fitted.total } : {}),
    };
    const before = this.inventories.get(key);
    if (before && JSON.stringify(before.rows) === JSON.stringify(stored.rows)) return { written: false };
    const { rows: _kept, ...item } = stored;
    assertItemFits(
      { PK: `TARGET#${key}`, SK: 'INVENTORY', itemType: 'inventory', ...item, rowsGzip: fitted.gzip },
      { kind: 'inventory', key: 'INVENTORY', accountId: inventory.accountId, region: inventory.region },
    );
    this.inventories.set(key, stored);
    this.writes++;
    return { written: true };
  }

  async recordRun(run: RunRecord) {
    assertItemFits(
      { PK: `RUN#${run.runId}`, SK: 'SUMMARY', itemType: 'run', ...runSummaryOf(run) },
      { kind: 'run', key: 'SUMMARY', runId: run.runId },
    );
    for (const target of run.targets) this.#checkRunTarget(run.runId, target);
    this.runs.push(structuredClone(run));
    this.writes += 1 + run.targets.length;
  }

  async recordRunPlan(plan: RunPlanRecord) {
    assertItemFits(
      { PK: `RUN#${plan.runId}`, SK: 'PLAN', itemType: 'run-plan', ...plan },
      { kind: 'run-plan', key: 'PLAN', runId: plan.runId },
    );
    this.runPlans.set(plan.runId, structuredClone(plan));
    this.writes++;
  }

  #checkRunTarget(runId: string, target: RunTargetRecord) {
    const sk = `TARGET#${target.accountId}#${target.region}`;
    assertItemFits(
      { PK: `RUN#${runId}`, SK: sk, itemType: 'run-target', ...target },
      {
        kind: 'run-target',
        key: sk,
        accountId: target.accountId,
        region: target.region,
        runId,
      },
    );
  }

  async recordRunTarget(run: { runId: string }, target: RunTargetRecord) {
    this.#checkRunTarget(run.runId, target);
    let targets = this.runTargets.get(run.runId);
    if (!targets) {
      targets = new Map();
      this.runTargets.set(run.runId, targets);
    }
    targets.set(`${target.accountId}/${target.region}`, structuredClone(target));
    this.writes++;
  }

  async loadRun(runId: string): Promise<StoredRun> {
    const plan = this.runPlans.get(runId);
    return {
      ...(plan ? { plan: structuredClone(plan) } : {}),
      targets: structuredClone([...(this.runTargets.get(runId)?.values() ?? [])]),
    };
  }

  async recordRunSummary(summary: RunSummaryRecord) {
    assertItemFits(
      { PK: `RUN#${summary.runId}`, SK: 'SUMMARY', itemType: 'run', ...summary },
      { kind: 'run', key: 'SUMMARY', runId: summary.runId },
    );
    const run = runOfSummary(structuredClone(summary));
    this.runs.push({ ...run, targets: (await this.loadRun(summary.runId)).targets });
    this.writes++;
  }

  async queryFindings(query: FindingQuery) {
    return [...this.findings.values()].filter((f) => matches(f, query));
  }

  async findingHistory(findingId: string) {
    return this.events.filter((e) => e.findingId === findingId);
  }

  async latestInventory(accountId: string, region: string) {
    return this.inventories.get(`${accountId}/${region}`);
  }

  async recentRuns(limit: number) {
    return [...this.runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit);
  }
}
