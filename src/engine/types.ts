/**
 * The rule contract. A rule is one file under `rules/<service>/<rule-id>.ts` exporting a `Rule`:
 * its metadata, the snapshot sources it reads, and a pure `evaluate`. Rules never call AWS, read the
 * clock or the environment: time, settings and the lifecycle catalogue come in `RuleContext`.
 */

import type { Severity } from '../findings/types.ts';
import type { Snapshot, SourceId, Tags } from '../inventory/types.ts';
import type { LifecycleCatalogue } from '../lifecycle/catalogue.ts';

export interface RuleMetadata {
  /** Kebab-case, equal to the file name, e.g. `s3-bucket-versioning-disabled`. */
  id: string;
  title: string;
  /** The service folder under rules/. */
  service: 'ec2' | 'vpc' | 'ecs' | 'eks' | 'ecr' | 's3' | 'ssm';
  /** The resource type findings carry, e.g. `AwsS3Bucket` (Security Hub's names). */
  resourceType: string;
  /** The default (worst) severity; a rule may report a lower one for a given resource. */
  severity: Severity;
  description: string;
  /** Why it matters. */
  risk: string;
  remediation: {
    /** Console steps, in order. */
    console: string[];
    /** A CLI command with `<placeholders>`. */
    cli?: string;
  };
  references: {
    securityHub?: string;
    cis?: string;
    /** Vendor documentation or lifecycle pages. */
    docs: string[];
  };
  /** Snapshot sources the rule reads; when one failed, the rule yields nothing for the target. */
  requires: readonly SourceId[];
}

/** Settings rules read, validated by the configuration module. */
export interface RuleSettings {
  /** Ports open to the internet that are not findings (default 80, 443). */
  authorizedPorts: number[];
  /** Days before an end of life when it becomes a (low) finding. */
  warningDays: number;
  /** How long a hybrid host may go without reporting before it is "lost". */
  connectionLostHours: number;
}

export const defaultRuleSettings: RuleSettings = {
  authorizedPorts: [80, 443],
  warningDays: 90,
  connectionLostHours: 24,
};

export interface RuleContext {
  now: Date;
  settings: RuleSettings;
  /** End-of-support dates of operating systems, EKS versions and node group AMI types. */
  lifecycle: LifecycleCatalogue;
}

/** What a rule reports for one resource; the engine turns it into a `Finding`. */
export interface RuleResult {
  resourceId: string;
  resourceArn?: string;
  /** Defaults to the rule's severity. */
  severity?: Severity;
  message: string;
  evidence: Record<string, unknown>;
  /** The remediation command for this very resource; defaults to the rule's `remediation.cli`. */
  cli?: string;
}

/** A resource a rule judges, with its tags (which reports show beside its finding). */
export interface ScopedResource {
  /** The `resourceId` a finding about it carries. */
  id: string;
  tags?: Tags;
}

export interface Rule extends RuleMetadata {
  evaluate(snapshot: Snapshot, ctx: RuleContext): RuleResult[];
  /**
   * Every resource the rule judges in the snapshot, failing or not: the "40" of "3 of 40 buckets
   * failed". Resources it cannot judge (an instance whose OS is unknown, a connected cluster for an
   * endpoint rule) are left out. Every registered rule declares it (a test checks).
   */
  scope?(snapshot: Snapshot, ctx: RuleContext): ScopedResource[];
  /**
   * Resources the rule could not judge although its sources were read, because data about them
   * that it needs is missing for a failure (beyond the per-resource call failures the engine
   * already knows from `Snapshot.errors`): their findings are kept as they are, neither reported
   * anew nor resolved.
   */
  unevaluated?(snapshot: Snapshot): string[];
}
