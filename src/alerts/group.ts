/**
 * Grouping: the changes of one run become one message per account (split only when too big), most
 * severe first, so an on-call engineer reads what matters in the first lines. The baselines of a run
 * (first scans) make one summary per account instead of a message per finding.
 */
import type { BaselineSummary, ChangeKind, ChangeSet, FindingChange } from '../findings/changes.ts';
import type { TargetHealth } from '../findings/target-health.ts';
import { type Severity, severityRank } from '../findings/types.ts';

/** The changes of one run in one account, most severe first. */
export interface ChangeGroup {
  kind: 'changes';
  runId: string;
  accountId: string;
  /** The latest `at` of the changes: when the run saw them. */
  at: string;
  changes: FindingChange[];
}

/** The first scans of one run in one account (one summary per region), regions in order. */
export interface BaselineGroup {
  kind: 'baseline';
  runId: string;
  accountId: string;
  at: string;
  baselines: BaselineSummary[];
}

/**
 * Targets of one account that one run found failing for the first time (`target-failing`), or
 * scanned again after they failed (`target-recovered`), regions in order.
 */
export interface TargetHealthGroup {
  kind: 'target-health';
  change: 'target-failing' | 'target-recovered';
  runId: string;
  accountId: string;
  at: string;
  targets: TargetHealth[];
}

export type AlertGroup = ChangeGroup | BaselineGroup | TargetHealthGroup;

/**
 * A target that cannot be scanned leaves its findings unchecked: as urgent as a high finding. Its
 * recovery carries the same severity, so a subscription filtered on severity hears both.
 */
export const TARGET_HEALTH_SEVERITY: Severity = 'high';

/**
 * How urgent a kind of change is: something got worse (0), something needs a look again (1),
 * something got better or was accepted (2).
 */
const kindTier: Record<ChangeKind, number> = {
  new: 0,
  reopened: 0,
  escalated: 0,
  'evidence-changed': 1,
  'suppression-expired': 1,
  resolved: 2,
  deescalated: 2,
  suppressed: 2,
};
const kindOrder: ChangeKind[] = [
  'new',
  'reopened',
  'escalated',
  'evidence-changed',
  'suppression-expired',
  'resolved',
  'deescalated',
  'suppressed',
];

/** Sorts most severe first: severity, then kind of change, then rule, region and resource. */
export function compareChanges(a: FindingChange, b: FindingChange): number {
  return (
    severityRank(b.finding.severity) - severityRank(a.finding.severity) ||
    kindTier[a.kind] - kindTier[b.kind] ||
    kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) ||
    compareText(a.finding.ruleId, b.finding.ruleId) ||
    compareText(a.finding.region, b.finding.region) ||
    compareText(a.finding.resourceId, b.finding.resourceId)
  );
}

/** The worst severity among the changes (resolved ones count with their last severity). */
export function worstSeverity(severities: Iterable<Severity>): Severity | undefined {
  let worst: Severity | undefined;
  for (const s of severities) if (!worst || severityRank(s) > severityRank(worst)) worst = s;
  return worst;
}

/** Worst severity of a group: of its changes, or of the open findings its baselines counted. */
export function groupSeverity(group: AlertGroup): Severity {
  if (group.kind === 'target-health') return TARGET_HEALTH_SEVERITY;
  if (group.kind === 'changes') return worstSeverity(group.changes.map((c) => c.finding.severity)) ?? 'info';
  const counted = group.baselines.flatMap(
    (b) => Object.entries(b.open).flatMap(([s, n]) => (n ? [s as Severity] : [])) as Severity[],
  );
  return worstSeverity(counted) ?? 'info';
}

/**
 * One group per run and account for the changes, one per run and account for the baselines, one
 * per run, account and kind for the targets' health. Targets that cannot be scanned come first;
 * then change groups, worst severity first; then targets scanned again; then the baseline
 * summaries. Empty in, empty out.
 */
export function groupChangeSet(changeSet: ChangeSet): AlertGroup[] {
  const changeGroups = new Map<string, ChangeGroup>();
  for (const change of changeSet.changes) {
    const runId = change.runId || changeSet.runId;
    const key = `${runId}\u0000${change.finding.accountId}`;
    let group = changeGroups.get(key);
    if (!group) {
      group = { kind: 'changes', runId, accountId: change.finding.accountId, at: change.at, changes: [] };
      changeGroups.set(key, group);
    }
    group.changes.push(change);
    if (change.at > group.at) group.at = change.at;
  }
  for (const group of changeGroups.values()) group.changes.sort(compareChanges);

  const baselineGroups = new Map<string, BaselineGroup>();
  for (const baseline of changeSet.baselines) {
    const runId = baseline.runId || changeSet.runId;
    const key = `${runId}\u0000${baseline.accountId}`;
    let group = baselineGroups.get(key);
    if (!group) {
      group = { kind: 'baseline', runId, accountId: baseline.accountId, at: baseline.at, baselines: [] };
      baselineGroups.set(key, group);
    }
    group.baselines.push(baseline);
    if (baseline.at > group.at) group.at = baseline.at;
  }
  for (const group of baselineGroups.values()) {
    group.baselines.sort((a, b) => compareText(a.region, b.region));
  }

  const healthGroups = new Map<string, TargetHealthGroup>();
  for (const health of changeSet.targetHealth ?? []) {
    if (health.lastChange !== 'target-failing' && health.lastChange !== 'target-recovered') continue;
    const runId = health.lastChangedRunId || changeSet.runId;
    const key = `${runId}\u0000${health.accountId}\u0000${health.lastChange}`;
    let group = healthGroups.get(key);
    if (!group) {
      group = {
        kind: 'target-health',
        change: health.lastChange,
        runId,
        accountId: health.accountId,
        at: health.lastChangedAt,
        targets: [],
      };
      healthGroups.set(key, group);
    }
    group.targets.push(health);
    if (health.lastChangedAt > group.at) group.at = health.lastChangedAt;
  }
  for (const group of healthGroups.values()) group.targets.sort((a, b) => compareText(a.region, b.region));
  const byAccount = (a: AlertGroup, b: AlertGroup) =>
    compareText(a.accountId, b.accountId) || compareText(a.runId, b.runId);
  const health = [...healthGroups.values()].sort(byAccount);

  const byUrgency = (a: AlertGroup, b: AlertGroup) =>
    severityRank(groupSeverity(b)) - severityRank(groupSeverity(a)) ||
    compareText(a.accountId, b.accountId) ||
    compareText(a.runId, b.runId);
  return [
    ...health.filter((g) => g.change === 'target-failing'),
    ...[...changeGroups.values()].sort(byUrgency),
    ...health.filter((g) => g.change === 'target-recovered'),
    ...[...baselineGroups.values()].sort(
      (a, b) => compareText(a.accountId, b.accountId) || compareText(a.runId, b.runId),
    ),
  ];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
