/**
 * Suppressions: a finding a team has accepted, with a reason, an owner and an expiry. An expired
 * suppression stops suppressing, so the finding comes back as open.
 */
import type { Finding, Suppression } from '../findings/types.ts';
import { wildcardMatch } from '../text/wildcard.ts';

export interface SuppressionRule {
  /** A rule id, or `*` for every rule. */
  rule: string;
  /** A pattern matched against the resource id and ARN; `*` matches any run of characters. */
  resource: string;
  account?: string;
  region?: string;
  reason: string;
  owner: string;
  /** ISO date (`2027-01-31`) or date-time; the suppression ends at that instant. */
  expiresAt: string;
}

/**
 * A suppression's resource pattern against a resource id or ARN (chosen by the member account), in
 * linear time: `*` is any run of characters, everything else stands for itself.
 */
function resourceMatches(pattern: string, resource: string | undefined): boolean {
  return resource !== undefined && wildcardMatch(pattern, resource, { questionMark: false }) === true;
}

/**
 * The instant a suppression stops applying (epoch ms): a date (`2027-01-31`) lasts to the end of
 * that day in UTC, a date-time ends at that instant. The CLI's scans, the deployment's and
 * `estatescan config push` (which warns of expired ones) all read expiry through this.
 */
export function suppressionEnds(expiresAt: string): number {
  return Date.parse(expiresAt.length === 10 ? `${expiresAt}T23:59:59.999Z` : expiresAt);
}

export class SuppressionMatcher {
  readonly #rules: { rule: SuppressionRule; expires: number }[];

  constructor(rules: readonly SuppressionRule[]) {
    this.#rules = rules.map((rule) => ({ rule, expires: suppressionEnds(rule.expiresAt) }));
  }

  /** The suppression in force for a finding at `now`, if any. */
  match(
    finding: Pick<Finding, 'ruleId' | 'accountId' | 'region' | 'resourceId' | 'resourceArn'>,
    now: Date,
  ): Suppression | undefined {
    for (const { rule, expires } of this.#rules) {
      if (rule.rule !== '*' && rule.rule !== finding.ruleId) continue;
      if (rule.account && rule.account !== finding.accountId) continue;
      if (rule.region && rule.region !== finding.region) continue;
      if (
        !resourceMatches(rule.resource, finding.resourceId) &&
        !resourceMatches(rule.resource, finding.resourceArn)
      )
        continue;
      if (expires <= now.getTime()) continue;
      return { reason: rule.reason, owner: rule.owner, expiresAt: new Date(expires).toISOString() };
    }
    return undefined;
  }
}
