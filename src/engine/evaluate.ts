/**
 * Evaluation: runs the selected rules over one target's snapshot and turns their results into
 * findings. A rule whose sources failed is skipped (and said so), never run on partial data: the
 * reconciler must not resolve findings it could not see. Every finding leaves within the finding
 * budgets (`findings/budget.ts`), whatever its rule put in it.
 */
import { boundedEvidence, boundedText, findingBudget } from '../findings/budget.ts';
import { findingId } from '../findings/finding-id.ts';
import type { Finding, Severity } from '../findings/types.ts';
import type { Snapshot, SourceId, Tags } from '../inventory/types.ts';
import type { SuppressionMatcher } from './suppressions.ts';
import type { Rule, RuleContext, RuleResult } from './types.ts';

export interface SkippedRule {
  ruleId: string;
  /** `source-failed` (listed in `sources`), `source-missing`, or `rule-error`. */
  reason: 'source-failed' | 'source-missing' | 'rule-error';
  sources: SourceId[];
  message: string;
}

export interface TargetEvaluation {
  accountId: string;
  region: string;
  findings: Finding[];
  /** Rules that ran on complete sources: only their findings may be resolved by this scan. */
  evaluatedRules: string[];
  /**
   * Per evaluated rule, the resources it could not see whole (a per-resource call failed, or the
   * rule said so): their findings are neither reported nor resolved by this scan. Only rules with
   * such resources are listed.
   */
  unevaluatedResources: Record<string, string[]>;
  skippedRules: SkippedRule[];
  /**
   * Per evaluated rule that declares its scope, how many resources it judged and how many of them
   * failed (findings, suppressed ones included) or passed. Always set by `evaluateSnapshot`.
   */
  coverage?: Record<string, RuleCoverage>;
  /**
   * The tags of each finding's resource, by finding id (untagged ones absent). Always set by
   * `evaluateSnapshot`; kept out of the finding itself, so the store and messages do not carry them.
   */
  resourceTags?: Record<string, Tags>;
}

/**
 * One rule on one target: `evaluated` = `failed` + `passed`. Resources it could not see whole
 * (`unevaluated`) count in none of them: they neither failed nor passed this scan.
 */
export interface RuleCoverage {
  evaluated: number;
  failed: number;
  passed: number;
  unevaluated: number;
}

export interface EvaluationOptions {
  rules: readonly Rule[];
  ctx: RuleContext;
  severityOverrides?: Readonly<Record<string, Severity>>;
  suppressions?: SuppressionMatcher;
}

/** Console steps, then the command (the resource's own when the rule gave one). Link-free. */
export function remediationText(rule: Rule, cli = rule.remediation.cli): string {
  const steps = rule.remediation.console.map((step, i) => `${i + 1}. ${step}`).join(' ');
  return cli ? `${steps} CLI: ${cli}` : steps;
}

export function evaluateSnapshot(snapshot: Snapshot, options: EvaluationOptions): TargetEvaluation {
  const now = options.ctx.now.toISOString();
  const findings: Finding[] = [];
  const evaluatedRules: string[] = [];
  const unevaluatedResources: Record<string, string[]> = {};
  const skippedRules: SkippedRule[] = [];
  const coverage: Record<string, RuleCoverage> = {};
  const resourceTags: Record<string, Tags> = {};
  for (const rule of options.rules) {
    const failed = rule.requires.filter((s) => snapshot.sources[s]?.ok === false);
    const missing = rule.requires.filter((s) => snapshot.sources[s] === undefined);
    if (failed.length || missing.length) {
      skippedRules.push({
        ruleId: rule.id,
        reason: failed.length ? 'source-failed' : 'source-missing',
        sources: failed.length ? failed : missing,
        message: failed.length
          ? `not evaluated: ${failed.join(', ')} could not be read`
          : `not evaluated: ${missing.join(', ')} was not collected`,
      });
      continue;
    }
    // Everything about one rule succeeds or the rule is not evaluated: a rule counted as evaluated
    // with findings missing would have reconcile resolve them, a crash announced as "all clear".
    let ruleFindings: Finding[];
    let unseen: string[];
    try {
      const results = rule.evaluate(snapshot, options.ctx);
      unseen = unevaluatedOf(rule, snapshot);
      ruleFindings = results.map((result) => findingOf(rule, result, snapshot, options, now));
    } catch (error) {
      skippedRules.push({
        ruleId: rule.id,
        reason: 'rule-error',
        sources: [],
        message: `rule failed: ${(error as Error).message}`,
      });
      continue;
    }
    evaluatedRules.push(rule.id);
    if (unseen.length) unevaluatedResources[rule.id] = unseen;
    const scope = scopeOf(rule, snapshot, options);
    if (scope) {
      coverage[rule.id] = coverageOf(scope, ruleFindings, unseen);
      for (const f of ruleFindings) {
        const tags = scope.get(f.resourceId);
        if (tags && Object.keys(tags).length) resourceTags[f.findingId] = tags;
      }
    }
    findings.push(...ruleFindings);
  }
  return {
    accountId: snapshot.accountId,
    region: snapshot.region,
    findings,
    evaluatedRules,
    unevaluatedResources,
    skippedRules,
    coverage,
    resourceTags,
  };
}

/** The rule's scope as resource id → tags, or undefined when it declares none (or it throws). */
function scopeOf(rule: Rule, snapshot: Snapshot, options: EvaluationOptions): Map<string, Tags> | undefined {
  if (!rule.scope) return undefined;
  try {
    return new Map(rule.scope(snapshot, options.ctx).map((r) => [r.id, r.tags ?? {}]));
  } catch {
    // The findings stand on their own; only the count is lost, and a missing count says so.
    return undefined;
  }
}

function coverageOf(
  scope: ReadonlyMap<string, Tags>,
  results: readonly { resourceId: string }[],
  unseen: readonly string[],
): RuleCoverage {
  const failed = new Set(results.map((r) => r.resourceId));
  // A finding about a resource outside the declared scope still counts as judged.
  const judged = new Set([...scope.keys(), ...failed]);
  const unevaluated = unseen.filter((id) => judged.has(id) && !failed.has(id)).length;
  const evaluated = judged.size - unevaluated;
  return { evaluated, failed: failed.size, passed: evaluated - failed.size, unevaluated };
}

/** One rule result as a finding within the finding budgets, suppressed when a suppression matches. */
function findingOf(
  rule: Rule,
  result: RuleResult,
  snapshot: Snapshot,
  options: EvaluationOptions,
  now: string,
): Finding {
  if (typeof result.resourceId !== 'string' || result.resourceId === '') {
    throw new TypeError(`a result of ${rule.id} names no resource`);
  }
  const override = options.severityOverrides?.[rule.id];
  const finding: Finding = {
    findingId: findingId(rule.id, snapshot.accountId, snapshot.region, result.resourceId),
    ruleId: rule.id,
    title: rule.title,
    severity: override ?? result.severity ?? rule.severity,
    status: 'open',
    accountId: snapshot.accountId,
    region: snapshot.region,
    resourceType: rule.resourceType,
    resourceId: result.resourceId,
    ...(result.resourceArn ? { resourceArn: result.resourceArn } : {}),
    message: boundedText(result.message, findingBudget.message),
    evidence: boundedEvidence({
      ...result.evidence,
      ...(override ? { severityOverriddenTo: override } : {}),
    }),
    remediation: boundedText(remediationText(rule, result.cli), findingBudget.remediation),
    firstSeen: now,
    lastSeen: now,
  };
  const suppression = options.suppressions?.match(finding, options.ctx.now);
  return suppression ? { ...finding, status: 'suppressed', suppression } : finding;
}

/**
 * The resources a rule that ran could not see whole: those a per-resource call of one of its
 * sources failed for (a bucket's versioning, a repository's policy), and those it names itself.
 */
function unevaluatedOf(rule: Rule, snapshot: Snapshot): string[] {
  const ids = new Set<string>();
  for (const error of snapshot.errors) {
    if (error.resourceId && (rule.requires as readonly string[]).includes(error.source)) {
      ids.add(error.resourceId);
    }
  }
  for (const id of rule.unevaluated?.(snapshot) ?? []) ids.add(id);
  return [...ids].sort();
}

/** The sources the rules need: a scan collects only these. */
export function requiredSources(rules: readonly Rule[]): Set<SourceId> {
  return new Set(rules.flatMap((r) => r.requires));
}
