/**
 * The view of one alert group: every label, count, time and line that a message shows, computed
 * once from the group for the renderers of each sink (`email.ts`, `chatbot.ts`, `envelope.ts`) to
 * lay out. Values that come from findings or AWS errors stay as they came: each renderer takes them
 * through `text/sanitize.ts` for its own sink, since what is safe differs between a line of an
 * email, escaped mrkdwn and an ASCII subject (and so do the lengths they are cut to).
 */
import {
  type BaselineSummary,
  type ChangeKind,
  changeKinds,
  type FindingChange,
} from '../findings/changes.ts';
import { ALL_REGIONS, type TargetHealth } from '../findings/target-health.ts';
import { type Finding, type Severity, severities } from '../findings/types.ts';
import { plural } from '../text/plural.ts';
import {
  type AlertGroup,
  type BaselineGroup,
  type ChangeGroup,
  groupSeverity,
  type TargetHealthGroup,
} from './group.ts';

/** Part `index` of `total` of a split group; its first item is number `first` of `of`. */
export interface Part {
  index: number;
  total: number;
  first: number;
  of: number;
}

export interface RenderOptions {
  /** The findings table, for the `estatescan findings` hint. */
  table?: string;
  /** Set when a group is split. */
  part?: Part;
}

interface ViewBase {
  accountId: string;
  runId: string;
  /** When the run saw the group (ISO), and as people read it: `2026-09-15 06:04 UTC`. */
  at: string;
  time: string;
  severity: Severity;
  /** The part of a split group, with the number of its last item. */
  part?: Part & { last: number };
  /** ` (1/3)` for a part of a split group, else empty: it ends the subject, title and summary. */
  partLabel: string;
  /** `2 new critical, 1 resolved`, `first scan of eu-west-1, 3 open findings (3 high)`, … */
  summary: string;
  /** What the subject says after the account: the change when there is only one, else `summary`. */
  headline: string;
  /** `estatescan findings --table … --account …`: the command that shows these findings. */
  query: string;
  /** Each kind of change in the group (`new`, `resolved`; `baseline`; `target-failing`), in order. */
  kinds: string[];
  /** Each severity and kind of change that occur together (`critical:new`), worst first. */
  severityKinds: string[];
  /** The rules of the group's findings, most severe first (repeats included). */
  ruleIds: string[];
}

export interface ChangesView extends ViewBase {
  kind: 'changes';
  items: ChangeItem[];
  /** Whether any change asks someone to act, rather than telling that something got better. */
  actionable: boolean;
  /** The ARN (or id) of each finding. */
  resources: string[];
}

export interface BaselineView extends ViewBase {
  kind: 'baseline';
  items: BaselineItem[];
  /** Every summary covers only rules new to a target scanned before: none is a first scan. */
  newRulesOnly: boolean;
  /** Open findings in all the summaries. */
  open: number;
  regions: string[];
  /** The ARN (or id) of each finding the summaries name. */
  resources: string[];
}

export interface TargetHealthView extends ViewBase {
  kind: 'target-health';
  change: TargetHealthGroup['change'];
  /** `target-failing`: the targets cannot be scanned (else they were scanned again). */
  failing: boolean;
  items: TargetItem[];
  regions: string[];
  /** What an engineer checks first, by what failed. */
  nextSteps: string[];
}

export type AlertView = ChangesView | BaselineView | TargetHealthView;

export interface ChangeItem {
  /** Its number in the whole group, across parts. */
  number: number;
  kind: ChangeKind;
  /** `NEW`, `DE-ESCALATED`. */
  label: string;
  /** `CRITICAL`. */
  severity: string;
  finding: Finding;
  /** What changed, beyond its kind (`severity high -> critical`); nothing for a new finding. */
  explanation?: string;
  firstSeen: string;
  /** The remediation, unless the change left nothing to do (resolved). */
  remediation?: string;
  /** The remediation's CLI command, for a change that asks someone to act. */
  fix?: string;
}

export interface BaselineItem {
  /** `First scan of 111111111111 eu-west-1: 12 open findings (2 critical, 10 high), 1 suppressed`. */
  headline: string;
  /** The most severe findings, at most five. */
  top: Array<{ severity: string; finding: Finding; fix?: string }>;
}

export interface TargetItem {
  number: number;
  /** `eu-west-1`, or what an account-wide failure covers. */
  where: string;
  /** `CANNOT BE SCANNED` / `SCANNED AGAIN`. */
  status: string;
  /** When it started failing, and the run that found it. */
  since: string;
  sinceRunId: string;
  /** `sts:AssumeRole AccessDenied`: the call that failed, with its error code; then the message. */
  call: string;
  message: string;
  /** Runs in a row that found it failing. */
  failedRuns: number;
  /** When it was scanned again, and by which run (for a target scanned again). */
  recovered: string;
  recoveredRunId: string;
}

/** The view of a group, or of one part of it (`options.part`). */
export function viewOf(group: AlertGroup, options: RenderOptions = {}): AlertView {
  if (group.kind === 'changes') return changesView(group, options);
  return group.kind === 'baseline' ? baselineView(group, options) : targetHealthView(group, options);
}

function base(group: AlertGroup, options: RenderOptions, count: number) {
  const part = options.part;
  return {
    accountId: group.accountId,
    runId: group.runId,
    at: group.at,
    time: formatTime(group.at),
    severity: groupSeverity(group),
    ...(part ? { part: { ...part, last: part.first + count - 1 } } : {}),
    partLabel: part ? ` (${part.index}/${part.total})` : '',
    query: `estatescan findings --table ${options.table ?? '<table>'} --account ${group.accountId}`,
  };
}

/** Numbers from the part's first item, so that they run on across parts. */
function numberFrom(options: RenderOptions): (i: number) => number {
  const first = options.part?.first ?? 1;
  return (i) => first + i;
}

// ---------------------------------------------------------------------------------------------
// Changes

const kindLabel: Record<ChangeKind, string> = {
  new: 'NEW',
  reopened: 'REOPENED',
  escalated: 'ESCALATED',
  deescalated: 'DE-ESCALATED',
  'evidence-changed': 'EVIDENCE CHANGED',
  resolved: 'RESOLVED',
  suppressed: 'SUPPRESSED',
  'suppression-expired': 'SUPPRESSION EXPIRED',
};
const kindWords: Record<ChangeKind, string> = {
  new: 'new',
  reopened: 'reopened',
  escalated: 'escalated',
  deescalated: 'de-escalated',
  'evidence-changed': 'changed',
  resolved: 'resolved',
  suppressed: 'suppressed',
  'suppression-expired': 'suppression expired',
};
/** Kinds that made something worse; the summary names their severities. */
const worsening = new Set<ChangeKind>(['new', 'reopened', 'escalated']);
/** Kinds that ask someone to act. */
const actionable = new Set<ChangeKind>([
  'new',
  'reopened',
  'escalated',
  'evidence-changed',
  'suppression-expired',
]);

function changesView(group: ChangeGroup, options: RenderOptions): ChangesView {
  const changes = group.changes;
  const summary = changeSummary(changes);
  const only = changes.length === 1 ? changes[0] : undefined;
  const has = (kind: ChangeKind, severity?: Severity) =>
    changes.some((c) => c.kind === kind && (!severity || c.finding.severity === severity));
  const number = numberFrom(options);
  return {
    kind: 'changes',
    ...base(group, options, changes.length),
    summary,
    headline: only
      ? `${kindWords[only.kind]} ${only.finding.severity} ${only.finding.resourceId}: ${only.finding.title}`
      : summary,
    kinds: changeKinds.filter((k) => has(k)),
    severityKinds: severities.flatMap((s) => changeKinds.filter((k) => has(k, s)).map((k) => `${s}:${k}`)),
    ruleIds: changes.map((c) => c.finding.ruleId),
    items: changes.map((c, i) => changeItem(c, number(i))),
    actionable: changes.some((c) => actionable.has(c.kind)),
    resources: changes.map((c) => c.finding.resourceArn ?? c.finding.resourceId),
  };
}

/** `2 new critical, 1 escalated high, 3 resolved`: what got worse by severity, the rest by kind. */
function changeSummary(changes: FindingChange[]): string {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const severity of severities) {
    for (const kind of changeKinds) {
      if (!worsening.has(kind)) continue;
      for (const c of changes)
        if (c.kind === kind && c.finding.severity === severity) add(`${kind} ${severity}`);
    }
  }
  for (const kind of changeKinds) {
    if (worsening.has(kind)) continue;
    for (const c of changes) if (c.kind === kind) add(kind);
  }
  return [...counts]
    .map(([key, n]) => {
      const [kind, severity] = key.split(' ') as [ChangeKind, string | undefined];
      return `${n} ${kindWords[kind]}${severity ? ` ${severity}` : ''}`;
    })
    .join(', ');
}

function changeItem(change: FindingChange, number: number): ChangeItem {
  const f = change.finding;
  const explanation = changeExplanation(change);
  const fix = actionable.has(change.kind) ? cliCommand(f.remediation) : undefined;
  return {
    number,
    kind: change.kind,
    label: kindLabel[change.kind],
    severity: f.severity.toUpperCase(),
    finding: f,
    ...(explanation ? { explanation } : {}),
    firstSeen: formatTime(f.firstSeen),
    ...(change.kind === 'resolved' ? {} : { remediation: f.remediation }),
    ...(fix ? { fix } : {}),
  };
}

function changeExplanation(change: FindingChange): string | undefined {
  const f = change.finding;
  switch (change.kind) {
    case 'escalated':
    case 'deescalated':
      return `severity ${change.previousSeverity ?? 'unknown'} -> ${f.severity}`;
    case 'resolved':
      return `no longer found (scan of ${formatTime(change.at)}); nothing to do`;
    case 'reopened':
      return `was resolved${f.resolvedAt ? ` on ${formatTime(f.resolvedAt)}` : ''}, found again`;
    case 'evidence-changed':
      return 'same finding and severity, the facts below changed since the last scan';
    case 'suppressed':
      return f.suppression
        ? `suppressed until ${f.suppression.expiresAt} by ${f.suppression.owner}: ${f.suppression.reason}`
        : 'suppressed';
    case 'suppression-expired':
      return 'its suppression expired or was removed: open again';
    case 'new':
      return undefined;
  }
}

/** The CLI command of an engine remediation text (`… CLI: aws …`), if it has one. */
export function cliCommand(remediation: string): string | undefined {
  const match = /(?:^|\s)CLI:\s*(.+)$/s.exec(remediation);
  return match?.[1]?.trim() || undefined;
}

// ---------------------------------------------------------------------------------------------
// Baselines (first scans)

function baselineView(group: BaselineGroup, options: RenderOptions): BaselineView {
  const open = group.baselines.reduce((n, b) => n + openCount(b), 0);
  const totals: Partial<Record<Severity, number>> = {};
  for (const b of group.baselines) {
    for (const s of severities) if (b.open[s]) totals[s] = (totals[s] ?? 0) + (b.open[s] ?? 0);
  }
  const only = group.baselines.length === 1 ? group.baselines[0]?.region : undefined;
  const bySeverity = severityCounts(totals);
  // Summaries of rules new to targets scanned before, rather than of first scans.
  const newRulesOnly = group.baselines.every((b) => b.newRules);
  const what = newRulesOnly
    ? `new rules' first evaluation${only === undefined ? '' : ` in ${only}`}`
    : `first scan${only === undefined ? '' : ` of ${only}`}`;
  const summary = `${what}, ${plural(open, 'open finding')}${bySeverity ? ` (${bySeverity})` : ''}`;
  return {
    kind: 'baseline',
    ...base(group, options, group.baselines.length),
    summary,
    headline: summary,
    kinds: ['baseline'],
    severityKinds: severities.filter((s) => totals[s]).map((s) => `${s}:baseline`),
    ruleIds: group.baselines.flatMap((b) => b.ruleIds ?? b.top.map((f) => f.ruleId)),
    items: group.baselines.map((b) => ({
      headline: baselineHeadline(b),
      top: b.top.slice(0, 5).map((f) => {
        const fix = cliCommand(f.remediation);
        return { severity: f.severity.toUpperCase(), finding: f, ...(fix ? { fix } : {}) };
      }),
    })),
    newRulesOnly,
    open,
    regions: group.baselines.map((b) => b.region),
    resources: group.baselines.flatMap((b) => b.top.map((f) => f.resourceArn ?? f.resourceId)),
  };
}

/**
 * `First scan of 111111111111 eu-west-1: 12 open findings (2 critical, 10 high), 1 suppressed`, or
 * `First evaluation of rule-a, rule-b on 111111111111 eu-west-1: …` for rules new to the target.
 */
function baselineHeadline(b: BaselineSummary): string {
  const bySeverity = severityCounts(b.open);
  const what = b.newRules ? `First evaluation of ${b.newRules.join(', ')} on` : 'First scan of';
  return (
    `${what} ${b.accountId} ${b.region}: ${plural(openCount(b), 'open finding')}` +
    (bySeverity ? ` (${bySeverity})` : '') +
    (b.suppressed ? `, ${b.suppressed} suppressed` : '')
  );
}

function openCount(b: BaselineSummary): number {
  return severities.reduce((n, s) => n + (b.open[s] ?? 0), 0);
}

/** `2 critical, 10 high`. */
function severityCounts(counts: Partial<Record<Severity, number>>): string {
  return severities
    .filter((s) => counts[s])
    .map((s) => `${counts[s]} ${s}`)
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// Targets that cannot be scanned, and scanned again

function targetHealthView(group: TargetHealthGroup, options: RenderOptions): TargetHealthView {
  const failing = group.change === 'target-failing';
  const scope = healthScope(group);
  const summary = failing
    ? `cannot be scanned in ${scope} (${errorSummary(group.targets)})`
    : `scanned again in ${scope}`;
  const partBase = base(group, options, group.targets.length);
  const number = numberFrom(options);
  return {
    kind: 'target-health',
    ...partBase,
    summary,
    headline: summary,
    kinds: [group.change],
    severityKinds: [`${partBase.severity}:${group.change}`],
    ruleIds: [],
    change: group.change,
    failing,
    items: group.targets.map((t, i) => ({
      number: number(i),
      where: t.region === ALL_REGIONS ? 'all regions (they could not be listed)' : t.region,
      status: failing ? 'CANNOT BE SCANNED' : 'SCANNED AGAIN',
      since: formatTime(t.failingSince),
      sinceRunId: t.failingSinceRunId,
      call: `${t.error.operation} ${t.error.code}`,
      message: t.error.message,
      failedRuns: t.failedRuns,
      recovered: formatTime(t.recoveredAt ?? t.lastChangedAt),
      recoveredRunId: t.recoveredRunId ?? t.lastChangedRunId,
    })),
    regions: group.targets.map((t) => t.region),
    nextSteps: healthNextSteps(group),
  };
}

/** `eu-west-1` / `3 regions` / `any region` (its regions could not be listed): what a group covers. */
function healthScope(group: TargetHealthGroup): string {
  if (group.targets.some((t) => t.region === ALL_REGIONS)) return 'any region';
  const [only] = group.targets;
  return group.targets.length === 1 && only ? only.region : plural(group.targets.length, 'region');
}

/** `AccessDenied` when every target failed with it, else `3 errors`. */
function errorSummary(targets: readonly TargetHealth[]): string {
  const codes = [...new Set(targets.map((t) => t.error.code))];
  return codes.length === 1 ? (codes[0] ?? '') : plural(codes.length, 'error');
}

function healthNextSteps(group: TargetHealthGroup): string[] {
  const denied = group.targets.some((t) =>
    /AccessDenied|AssumeRole|InvalidClientTokenId|UnrecognizedClient|ExpiredToken/.test(
      `${t.error.code} ${t.error.operation}`,
    ),
  );
  return [
    ...(denied
      ? [
          `Check that the member role exists in account ${group.accountId} and trusts the hub's scanning ` +
            "roles and the external id: the member role stack's HubPrincipalArns is the hub stack's output " +
            'MemberRoleHubPrincipalArns.',
        ]
      : []),
    `Search the functions' logs for the run id ${group.runId}: every line of the run carries it.`,
    'An account that should not be scanned any more goes in the excludeAccounts parameter.',
  ];
}

// ---------------------------------------------------------------------------------------------

/** `2026-09-15 06:04 UTC` from an ISO time (as given when it is not one). */
export function formatTime(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const utc = new Date(time).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 16)} UTC`;
}
