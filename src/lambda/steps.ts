/**
 * The state machine's steps, as its functions run them: plan the run, scan one target, summarize
 * the run. Each wires the dependencies to the shared scan core; the handlers only parse the event
 * and call one of these.
 */
import type { Rule } from '../engine/types.ts';
import type { CollectionError, Target } from '../inventory/types.ts';
import { planTargets } from '../scan/plan.ts';
import { newRunId, runMode } from '../scan/run-id.ts';
import { enabledRules, planRequest, requestedTargets, ruleOptions } from '../scan/run-settings.ts';
import { type RunDigest, summarizeRun } from '../scan/run-summary.ts';
import { scanTarget, type TargetScanReport } from '../scan/target-scan.ts';
import type { Dependencies } from './dependencies.ts';
import type { PlanEvent, ScanTargetEvent, SummarizeEvent } from './events.ts';
import { appendRunKeys, logger } from './logger.ts';
import { publishRunMetrics, publishTargetMetrics } from './run-metrics.ts';

/** The plan's result: the Distributed Map iterates `targets`, passing the rest to each item. */
export interface PlanOutput {
  runId: string;
  startedAt: string;
  /** The rule ids every target evaluates, resolved once so all targets agree. */
  rules: string[];
  targets: Target[];
  /** Accounts whose regions could not be listed; summarize records them with the run. */
  planErrors: CollectionError[];
}

const idsOf = (rules: readonly Rule[]) => new Set(rules.map((r) => r.id));

export async function planRun(
  input: PlanEvent,
  deps: Dependencies,
  rules: readonly Rule[],
): Promise<PlanOutput> {
  const startedAt = deps.now();
  const runId = input.runId ?? newRunId(startedAt);
  appendRunKeys({ runId });
  const config = await deps.scanConfig(idsOf(rules));
  const selected = enabledRules(rules, config, input.rules);
  const session = await deps.openSession(runId);
  try {
    const targets = requestedTargets(deps.env.targets, input);
    const plan = await planTargets(session, planRequest(targets, deps.region()));
    logger.info('Run planned', {
      mode: runMode(runId),
      targets: plan.targets.length,
      planErrors: plan.errors.length,
      rules: selected.length,
    });
    return {
      runId,
      startedAt: startedAt.toISOString(),
      rules: selected.map((r) => r.id),
      targets: plan.targets,
      planErrors: plan.errors,
    };
  } finally {
    session.destroy();
  }
}

/**
 * One account × region. What goes wrong in the target (denied AssumeRole, a throttled or failed
 * source) is in the report; only what goes wrong here (STS for the caller, the table) throws, so the
 * state machine retries it.
 */
export async function scanOneTarget(
  input: ScanTargetEvent,
  deps: Dependencies,
  rules: readonly Rule[],
): Promise<TargetScanReport> {
  appendRunKeys({ runId: input.runId, ...input.target });
  const config = await deps.scanConfig(idsOf(rules));
  const dryRun = runMode(input.runId) === 'dry-run';
  const session = await deps.openSession(input.runId);
  try {
    const report = await scanTarget(session, input.target, {
      runId: input.runId,
      startedAt: input.startedAt,
      rules: enabledRules(rules, config, input.rules),
      ruleOptions: ruleOptions(config),
      itemConcurrency: deps.env.performance.itemConcurrency,
      now: deps.now,
      ...(dryRun ? {} : { store: deps.store() }),
    });
    publishTargetMetrics(report);
    const { errors: _errors, ...outcome } = report;
    logger.info('Target scanned', { ...outcome, dryRun });
    return report;
  } finally {
    session.destroy();
  }
}

/** Records the run (unless it is a dry run), publishes its metrics, and returns its digest. */
export async function summarizeRunStep(input: SummarizeEvent, deps: Dependencies): Promise<RunDigest> {
  appendRunKeys({ runId: input.runId });
  const { record, digest } = summarizeRun({
    runId: input.runId,
    startedAt: input.startedAt,
    finishedAt: deps.now().toISOString(),
    planErrors: input.planErrors,
    results: input.results,
  });
  if (runMode(input.runId) !== 'dry-run') {
    await deps.store().recordRun(record);
    publishRunMetrics(digest);
  }
  logger.info('Run summarized', { ...digest, mode: runMode(input.runId) });
  return digest;
}
