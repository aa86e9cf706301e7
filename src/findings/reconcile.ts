/**
 * Reconcile: compares a target's findings from this scan with what the store holds and decides
 * what changed and what must be written. Pure: the store adapter loads the input and applies the
 * result with conditional writes.
 *
 * - Only rules that ran on complete data (`evaluatedRules`) may resolve findings: a failed source
 *   never resolves what it could not see, nor does a failed call about one resource
 *   (`unevaluatedResources`) resolve that resource's findings.
 * - Unchanged findings are not written: "last seen" is derived from the target state's
 *   `ruleLastEvaluated`, so a rescan that changes nothing writes only the target state.
 * - The first scan of a target is its baseline: stored and summarized once, not announced. So is
 *   the first evaluation of a rule on a target scanned before (a rule newly enabled or released, or
 *   whose data could never be read until now): its findings are summarized, not paged one by one.
 * - Re-applying the same run to the same target changes nothing.
 */
import type { BaselineSummary, ChangeKind, FindingChange } from './changes.ts';
import type { Finding, Severity } from './types.ts';
import { severityRank } from './types.ts';

/** What the last write of a finding was about; the notifier reads it from the change stream. */
export type RecordedChange = ChangeKind | 'baseline' | 'recorded';

/** A finding as the store keeps it. */
export interface StoredFinding extends Finding {
  lastChange: RecordedChange;
  lastChangedAt: string;
  lastChangedRunId: string;
  previousSeverity?: Severity;
}

/** One item per target: what makes "last seen" derivable and runs idempotent. */
export interface TargetState {
  accountId: string;
  region: string;
  baselineRunId: string;
  baselineAt: string;
  lastRunId: string;
  lastScanAt: string;
  /** Per rule, when it last ran on complete data: the "last seen" of its open findings. */
  ruleLastEvaluated: Record<string, string>;
}

export interface ReconcileInput {
  runId: string;
  /** ISO time of the scan. */
  at: string;
  accountId: string;
  region: string;
  previous: { state?: TargetState; findings: StoredFinding[] };
  current: {
    findings: Finding[];
    evaluatedRules: readonly string[];
    /** Per evaluated rule, resources it could not see whole: their findings stay as they are. */
    unevaluatedResources?: Readonly<Record<string, readonly string[]>>;
  };
}

export interface ReconcileResult {
  /** True when this run was already applied to this target: nothing to write or announce. */
  duplicate: boolean;
  changes: FindingChange[];
  baseline?: BaselineSummary;
  /** Finding items to write: new or changed only. */
  writes: StoredFinding[];
  /** The target state to write last (it marks the run as applied). */
  state: TargetState;
  /**
   * What the writes replace, as this run read it (optimistic concurrency): per written finding, the
   * stored item's `lastChangedRunId` (null: there was none), and the state's `lastRunId` (null: no
   * state yet). A store writes only over what was read, so two runs of one target at once cannot
   * both announce the same change.
   */
  expected?: { findingRunIds: Record<string, string | null>; stateRunId: string | null };
}

/**
 * Evidence keys that count days (`daysPastEnd`, `daysUntilEnd`…) move with the clock, not with the
 * estate: they are refreshed when the finding is written for another reason, never a change alone.
 */
const clockDerived = /^days[A-Z]/;

export function stableEvidence(evidence: Record<string, unknown>): string {
  const keys = Object.keys(evidence)
    .filter((k) => !clockDerived.test(k))
    .sort();
  return JSON.stringify(keys.map((k) => [k, evidence[k]]));
}

const TOP_IN_BASELINE = 5;

export function baselineSummary(
  accountId: string,
  region: string,
  runId: string,
  at: string,
  findings: readonly Finding[],
): BaselineSummary {
  const open: Partial<Record<Severity, number>> = {};
  for (const f of findings) if (f.status === 'open') open[f.severity] = (open[f.severity] ?? 0) + 1;
  const openFindings = findings
    .filter((f) => f.status === 'open')
    .sort(
      (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.findingId.localeCompare(b.findingId),
    );
  return {
    accountId,
    region,
    runId,
    at,
    open,
    suppressed: findings.filter((f) => f.status === 'suppressed').length,
    // The summary travels in the target's state item and in messages: never with evidence.
    top: openFindings.slice(0, TOP_IN_BASELINE).map((f) => ({ ...f, evidence: {} })),
    ruleIds: [...new Set(openFindings.map((f) => f.ruleId))],
  };
}

/** The change a current finding makes over its stored self, or undefined when it made none. */
function changeOf(previous: StoredFinding, current: Finding): ChangeKind | 'recorded' | undefined {
  if (previous.status === 'resolved') return current.status === 'open' ? 'reopened' : 'recorded';
  if (previous.status === 'open' && current.status === 'suppressed') return 'suppressed';
  if (previous.status === 'suppressed' && current.status === 'open') return 'suppression-expired';
  if (previous.status === 'suppressed') {
    // A suppressed finding's details may move; record them without announcing.
    const moved =
      previous.severity !== current.severity ||
      stableEvidence(previous.evidence) !== stableEvidence(current.evidence) ||
      previous.suppression?.expiresAt !== current.suppression?.expiresAt;
    return moved ? 'recorded' : undefined;
  }
  const rankChange = severityRank(current.severity) - severityRank(previous.severity);
  if (rankChange > 0) return 'escalated';
  if (rankChange < 0) return 'deescalated';
  if (stableEvidence(previous.evidence) !== stableEvidence(current.evidence)) return 'evidence-changed';
  return undefined;
}

export function reconcile(input: ReconcileInput): ReconcileResult {
  const { runId, at, accountId, region, previous, current } = input;
  const prevState = previous.state;
  if (prevState?.lastRunId === runId) {
    return {
      duplicate: true,
      changes: [],
      writes: [],
      state: prevState,
      expected: { findingRunIds: {}, stateRunId: prevState.lastRunId },
    };
  }
  const isBaseline = !prevState;
  const evaluated = new Set(current.evaluatedRules);
  const unseen = new Set(
    Object.entries(current.unevaluatedResources ?? {}).flatMap(([ruleId, ids]) =>
      ids.map((id) => `${ruleId}\u0000${id}`),
    ),
  );
  // Rules that run on this target for the first time, when the target itself was scanned before.
  const firstRules = new Set(
    prevState ? current.evaluatedRules.filter((r) => prevState.ruleLastEvaluated[r] === undefined) : [],
  );
  const previousById = new Map(previous.findings.map((f) => [f.findingId, f]));
  const changes: FindingChange[] = [];
  const writes: StoredFinding[] = [];
  const record = (finding: Finding, kind: RecordedChange, extra: Partial<StoredFinding> = {}) => {
    const stored: StoredFinding = {
      ...finding,
      ...extra,
      lastChange: kind,
      lastChangedAt: at,
      lastChangedRunId: runId,
    };
    writes.push(stored);
    if (kind !== 'baseline' && kind !== 'recorded') {
      changes.push({
        kind,
        finding: stored,
        runId,
        at,
        ...(stored.previousSeverity ? { previousSeverity: stored.previousSeverity } : {}),
      });
    }
  };

  const seen = new Set<string>();
  for (const finding of current.findings) {
    seen.add(finding.findingId);
    const before = previousById.get(finding.findingId);
    if (!before) {
      // A finding that is suppressed from its first sighting is recorded, not announced.
      const kind: RecordedChange =
        isBaseline || firstRules.has(finding.ruleId)
          ? 'baseline'
          : finding.status === 'suppressed'
            ? 'recorded'
            : 'new';
      record({ ...finding, firstSeen: at, lastSeen: at }, kind);
      continue;
    }
    const kind = changeOf(before, finding);
    if (!kind) continue;
    const severityMoved = kind === 'escalated' || kind === 'deescalated';
    const { resolvedAt: _resolvedAt, ...rest } = finding;
    record({ ...rest, firstSeen: before.firstSeen, lastSeen: at }, kind, {
      ...(severityMoved ? { previousSeverity: before.severity } : {}),
    });
  }

  for (const before of previous.findings) {
    if (seen.has(before.findingId) || before.status === 'resolved' || !evaluated.has(before.ruleId)) continue;
    if (unseen.has(`${before.ruleId}\u0000${before.resourceId}`)) continue;
    const lastSeen = prevState?.ruleLastEvaluated[before.ruleId] ?? before.lastSeen;
    const { previousSeverity: _p, ...rest } = before;
    // A suppressed finding that disappears is resolved quietly: nobody was waiting for it.
    record(
      { ...rest, status: 'resolved', resolvedAt: at, lastSeen },
      before.status === 'open' ? 'resolved' : 'recorded',
    );
  }

  /** The target's baseline; or, scanned before, the first findings of the rules new to it. */
  function baselineOf(): { baseline?: BaselineSummary } {
    if (isBaseline) return { baseline: baselineSummary(accountId, region, runId, at, current.findings) };
    const firstFindings = current.findings.filter(
      (f) => firstRules.has(f.ruleId) && !previousById.has(f.findingId),
    );
    if (!firstFindings.length) return {};
    const rules = [...new Set(firstFindings.map((f) => f.ruleId))].sort();
    return { baseline: { ...baselineSummary(accountId, region, runId, at, firstFindings), newRules: rules } };
  }

  const ruleLastEvaluated = { ...prevState?.ruleLastEvaluated };
  for (const ruleId of evaluated) ruleLastEvaluated[ruleId] = at;
  const state: TargetState = {
    accountId,
    region,
    baselineRunId: prevState?.baselineRunId ?? runId,
    baselineAt: prevState?.baselineAt ?? at,
    lastRunId: runId,
    lastScanAt: at,
    ruleLastEvaluated,
  };
  return {
    duplicate: false,
    changes,
    ...baselineOf(),
    writes,
    state,
    expected: {
      findingRunIds: Object.fromEntries(
        writes.map((w) => [w.findingId, previousById.get(w.findingId)?.lastChangedRunId ?? null]),
      ),
      stateRunId: prevState?.lastRunId ?? null,
    },
  };
}

/** "Last seen" of a stored finding: when its rule last ran on complete data, while it is open. */
export function lastSeenOf(finding: StoredFinding, state: TargetState | undefined): string {
  if (finding.status === 'resolved') return finding.lastSeen;
  return state?.ruleLastEvaluated[finding.ruleId] ?? finding.lastSeen;
}
