/**
 * What changed about a finding between two scans of a target. Reconcile produces these; the
 * notifier turns them into messages, with the targets that started or stopped failing
 * (target-health.ts). Nothing else is ever announced.
 */
import type { TargetHealth } from './target-health.ts';
import type { Finding, Severity } from './types.ts';

export const changeKinds = [
  /** First seen (after the target's baseline). */
  'new',
  /** Was resolved, is back. */
  'reopened',
  /** Same finding, worse severity (e.g. an end of life that passed). */
  'escalated',
  /** Same finding, milder severity. */
  'deescalated',
  /** Same finding and severity, different facts (another port opened, another statement). */
  'evidence-changed',
  /** Gone from a scan whose rule ran on complete data. */
  'resolved',
  /** A suppression now covers it. */
  'suppressed',
  /** Its suppression expired or was removed: open again. */
  'suppression-expired',
] as const;
export type ChangeKind = (typeof changeKinds)[number];

export interface FindingChange {
  kind: ChangeKind;
  /** The finding as it is now (for `resolved`: as it was last seen, with status `resolved`). */
  finding: Finding;
  /** The severity before, for `escalated` / `deescalated`. */
  previousSeverity?: Severity;
  runId: string;
  /** ISO time of the scan that saw the change. */
  at: string;
}

/**
 * The first scan of a target: its findings are recorded and summarized once, not announced one by
 * one.
 */
export interface BaselineSummary {
  accountId: string;
  region: string;
  runId: string;
  at: string;
  /** Open findings by severity. */
  open: Partial<Record<Severity, number>>;
  suppressed: number;
  /**
   * The most severe few, for the summary message, without their evidence (`{}`): the summary is
   * stored in the target's state item, which must stay small whatever the findings hold.
   */
  top: Finding[];
  /**
   * The rules of every open finding, most severe first, for the message's `ruleId` attribute.
   * Absent from summaries stored before it existed (the stream may replay them).
   */
  ruleIds?: string[];
  /**
   * Set when the target was scanned before and this summary covers only the findings of rules
   * evaluated on it for the first time (newly enabled or released, or never readable until now).
   */
  newRules?: string[];
}

/** The changes of one run, across targets, as the notifier receives them. */
export interface ChangeSet {
  runId: string;
  changes: FindingChange[];
  baselines: BaselineSummary[];
  /**
   * Targets this run found failing for the first time, or scanned again after they failed
   * (`lastChange` `target-failing` / `target-recovered`; see target-health.ts).
   */
  targetHealth?: TargetHealth[];
}
