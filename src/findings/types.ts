/**
 * The finding: one rule's verdict on one resource. JSON output, DynamoDB items and message payloads
 * share this shape.
 */

export const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof severities)[number];

/** Higher is worse: critical 4 … info 0. */
export function severityRank(severity: Severity): number {
  return severities.length - 1 - severities.indexOf(severity);
}

/** One step less severe (info stays info). */
export function lowerSeverity(severity: Severity): Severity {
  return severities[Math.min(severities.indexOf(severity) + 1, severities.length - 1)] as Severity;
}

export type FindingStatus = 'open' | 'resolved' | 'suppressed';

export interface Suppression {
  reason: string;
  owner: string;
  /** ISO date; after it the suppression no longer applies. */
  expiresAt: string;
}

export interface Finding {
  /** Stable: a hash of ruleId, accountId, region and resourceId. */
  findingId: string;
  ruleId: string;
  title: string;
  severity: Severity;
  status: FindingStatus;
  accountId: string;
  region: string;
  resourceType: string;
  resourceId: string;
  resourceArn?: string;
  /** One sentence naming the resource and the problem. */
  message: string;
  /** The facts that triggered it. */
  evidence: Record<string, unknown>;
  /** What to do, with a CLI command where one exists. */
  remediation: string;
  firstSeen: string;
  lastSeen: string;
  resolvedAt?: string;
  suppression?: Suppression;
}
