/**
 * The result of `estatescan scan`, from which every output format is rendered.
 */
import type { SkippedRule } from '../engine/evaluate.ts';
import type { Finding, Severity } from '../findings/types.ts';
import type { InventoryRow } from '../inventory/rows.ts';
import type { CollectionError } from '../inventory/types.ts';

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
  /** The rules that ran, with their metadata for reports. */
  rules: { id: string; title: string; severity: Severity; service: string }[];
}
