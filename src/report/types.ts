/**
 * The result of `estatescan scan`, from which every output format is rendered.
 */
import type { RuleCoverage, SkippedRule } from '../engine/evaluate.ts';
import type { RuleMetadata } from '../engine/types.ts';
import type { Finding, Severity } from '../findings/types.ts';
import type { InventoryRow } from '../inventory/rows.ts';
import type { CollectionError, Tags } from '../inventory/types.ts';
import type { SupportAccess } from '../lifecycle/catalogue.ts';
import type { LifecycleStatus } from '../lifecycle/status.ts';

export interface TargetSummary {
  accountId: string;
  region: string;
  status: 'ok' | 'partial' | 'failed';
  durationMs: number;
  findings: number;
  errors: number;
}

/** A host or cluster with a known lifecycle, for the end-of-life timeline. */
export interface LifecycleEntry {
  accountId: string;
  region: string;
  /** `ec2.instances`, `ssm.managedInstances`, `eks.clusters`, `eks.nodegroups`. */
  resourceType: string;
  resourceId: string;
  name: string;
  /** Where it runs: `cloud`, `on-premises`, `connected`. */
  location: string;
  /** e.g. `CentOS Linux 7`, `Kubernetes 1.28 on EKS`. */
  product: string;
  endOfStandard: string;
  endOfExtended?: string;
  /**
   * Set when the version is not catalogued but older than this catalogued release, which has ended:
   * `endOfStandard` is then that release's last day of support, a latest possible end.
   */
  inferredFrom?: string;
  /**
   * Where its support stood at scan time, within the configured warning window: the same status the
   * end-of-life rules judge by, so the report and the findings never disagree.
   */
  status: LifecycleStatus;
  /** After standard support: whether security fixes still flow for free, or only for those who pay. */
  extendedAccess?: SupportAccess;
}

export interface ScanReport {
  runId: string;
  startedAt: string;
  finishedAt: string;
  /** The tool and catalogue versions that produced it. */
  generator: { name: 'estatescan'; version: string; catalogueDate: string };
  targets: TargetSummary[];
  findings: Finding[];
  errors: CollectionError[];
  skippedRules: (SkippedRule & { accountId: string; region: string })[];
  inventory: InventoryRow[];
  lifecycle: LifecycleEntry[];
  /** The warning window the lifecycle statuses were judged with, in days. */
  lifecycleWarningDays?: number;
  /** The rules that ran, with their metadata for reports. */
  rules: ReportRule[];
  /** Per rule and target: how many resources the rule judged, and how many failed or passed. */
  coverage?: RuleCoverageRow[];
  /**
   * The scanned accounts' names (and organization) by account id, from AWS Organizations when the
   * caller may read them; an account missing here is shown by its id.
   */
  accounts?: Record<string, AccountInfo>;
  /** The tags of each finding's resource, by finding id (untagged resources are absent). */
  resourceTags?: Record<string, Tags>;
}

export interface AccountInfo {
  name: string;
  /** `o-…`, read from the account's ARN. */
  organizationId?: string;
}

/** A rule as reports show it: its identity, and what formats quote beside its findings. */
export interface ReportRule {
  id: string;
  title: string;
  severity: Severity;
  service: string;
  resourceType?: string;
  /** Security Hub control, CIS control and documentation pages. */
  references?: RuleMetadata['references'];
  /** The console steps, so a format can rebuild remediation text around a finding's own command. */
  consoleSteps?: string[];
}

export interface RuleCoverageRow extends RuleCoverage {
  ruleId: string;
  accountId: string;
  region: string;
}
