/**
 * The findings store: the source of truth for every finding's life, each target's state, the
 * latest inventory and the scan runs. `DynamoDbFindingStore` is the adapter; `MemoryFindingStore`
 * serves core tests.
 */
import type { InventoryRow } from '../inventory/rows.ts';
import type { CollectionError } from '../inventory/types.ts';
import type { ReconcileResult, StoredFinding, TargetState } from './reconcile.ts';
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
}

export interface StoredInventory {
  accountId: string;
  region: string;
  at: string;
  runId: string;
  counts: Record<string, number>;
  /** Absent when the rows did not fit in one item; the counts always do. */
  rows?: InventoryRow[];
}

export interface FindingStore {
  loadTarget(accountId: string, region: string): Promise<{ state?: TargetState; findings: StoredFinding[] }>;
  /** Writes the changed findings (and their history events), then the target state. */
  applyTarget(result: ReconcileResult): Promise<void>;
  /** Writes the inventory only when it differs from the stored one. */
  saveInventory(inventory: StoredInventory): Promise<{ written: boolean }>;
  recordRun(run: RunRecord): Promise<void>;
  queryFindings(query: FindingQuery): Promise<StoredFinding[]>;
  findingHistory(findingId: string): Promise<FindingEvent[]>;
  latestInventory(accountId: string, region: string): Promise<StoredInventory | undefined>;
  recentRuns(limit: number): Promise<RunRecord[]>;
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

/** An in-memory store with the same behaviour, for tests of the core. */
export class MemoryFindingStore implements FindingStore {
  readonly findings = new Map<string, StoredFinding>();
  readonly states = new Map<string, TargetState>();
  readonly events: FindingEvent[] = [];
  readonly inventories = new Map<string, StoredInventory>();
  readonly runs: RunRecord[] = [];
  /** Items written, as the DynamoDB adapter would count them. */
  writes = 0;

  async loadTarget(accountId: string, region: string) {
    const findings = [...this.findings.values()].filter(
      (f) => f.accountId === accountId && f.region === region,
    );
    const state = this.states.get(`${accountId}/${region}`);
    return { ...(state ? { state } : {}), findings: structuredClone(findings) };
  }

  async applyTarget(result: ReconcileResult) {
    if (result.duplicate) return;
    for (const finding of result.writes) {
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
    this.states.set(`${result.state.accountId}/${result.state.region}`, structuredClone(result.state));
    this.writes++;
  }

  async saveInventory(inventory: StoredInventory) {
    const key = `${inventory.accountId}/${inventory.region}`;
    const before = this.inventories.get(key);
    if (before && JSON.stringify(before.rows) === JSON.stringify(inventory.rows)) return { written: false };
    this.inventories.set(key, structuredClone(inventory));
    this.writes++;
    return { written: true };
  }

  async recordRun(run: RunRecord) {
    this.runs.push(structuredClone(run));
    this.writes += 1 + run.targets.length;
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
