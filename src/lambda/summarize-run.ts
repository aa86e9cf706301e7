/**
 * The state machine's last step, as the `summarize` function runs it: the run read back from the
 * store (its plan, and every target's outcome, failures the map caught included), its summary
 * recorded, its metrics published, and the targets' health moved: a target that cannot be scanned
 * is announced once when it starts failing and once when it is scanned again (target-health.ts).
 */
import { recordTargetHealth } from '../findings/target-health.ts';
import { runMode } from '../scan/run-id.ts';
import { type RunDigest, reportOf, summarizeRun } from '../scan/run-summary.ts';
import type { SummarizeEvent } from './events.ts';
import { appendRunKeys, logger } from './logger.ts';
import { publishRunMetrics, publishTargetHealthMetrics } from './run-metrics.ts';
import type { SummarizeDependencies } from './wiring/summarize.ts';

/** Plan errors the run summary item keeps (the plan's item keeps up to `MAX_PLAN_ERRORS`). */
export const MAX_SUMMARY_PLAN_ERRORS = 100;

export async function summarizeRunStep(
  input: SummarizeEvent,
  deps: SummarizeDependencies,
): Promise<RunDigest> {
  appendRunKeys({ runId: input.runId });
  const store = deps.store();
  const run = await store.loadRun(input.runId);
  const expected = input.targetCount ?? run.plan?.targetCount;
  const unrecorded = expected === undefined ? 0 : Math.max(0, expected - run.targets.length);
  const planErrors = run.plan?.planErrors ?? [];
  const { record, digest } = summarizeRun({
    runId: input.runId,
    startedAt: input.startedAt,
    finishedAt: deps.now().toISOString(),
    planErrors,
    ...(run.plan ? { planErrorCount: run.plan.planErrorCount } : {}),
    results: run.targets.map(reportOf),
    unrecordedTargets: unrecorded,
  });
  if (unrecorded) {
    logger.warn('Targets without a recorded outcome', { expected, recorded: run.targets.length, unrecorded });
  }
  const mode = runMode(input.runId);
  if (mode !== 'dry-run') {
    const { targets, ...summary } = record;
    await store.recordRunSummary({
      ...summary,
      // The summary item is listed with every run: it keeps the first plan errors (the plan's item
      // keeps more), and counts them all.
      ...(summary.planErrors ? { planErrors: summary.planErrors.slice(0, MAX_SUMMARY_PLAN_ERRORS) } : {}),
      targetCount: digest.targets,
      failedTargets: digest.failed,
      partialTargets: digest.partial,
      ...(digest.planErrors ? { planErrorCount: digest.planErrors } : {}),
      ...(unrecorded ? { unrecordedTargets: unrecorded } : {}),
    });
    publishRunMetrics(digest);
  }
  // Only a run that announces its changes moves the targets' health: a quiet run must not take
  // the announcement of a failure away from the next scheduled one.
  if (mode === 'normal') {
    const health = await recordTargetHealth(store, {
      runId: input.runId,
      startedAt: input.startedAt,
      targets: run.targets,
      // The plan item's (its first `MAX_PLAN_ERRORS`): the accounts whose regions could not be listed.
      planErrors,
    });
    publishTargetHealthMetrics(health);
    if (health.failing || health.recovered) logger.info('Targets health changed', { ...health });
  }
  logger.info('Run summarized', { ...digest, mode });
  return digest;
}
