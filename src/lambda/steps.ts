/**
 * The state machine's steps, as its functions run them: plan the run, scan one target, summarize
 * the run. Each wires the dependencies to the shared scan core; the handlers only parse the event
 * and call one of these.
 */
import type { Rule } from '../engine/types.ts';
import { runItemsTtl } from '../findings/dynamodb-store.ts';
import { isPermanentWriteError } from '../findings/errors.ts';
import { keptPlanErrors } from '../findings/store.ts';
import type { Target } from '../inventory/types.ts';
import { planTargets } from '../scan/plan.ts';
import { newRunId, runMode } from '../scan/run-id.ts';
import { enabledRules, planRequest, requestedTargets, ruleOptions } from '../scan/run-settings.ts';
import { type RunDigest, reportOf, summarizeRun } from '../scan/run-summary.ts';
import { runTargetRecordOf, scanResultOf, scanTarget, type TargetScanResult } from '../scan/target-scan.ts';
import type { Dependencies } from './dependencies.ts';
import type { PlanEvent, ScanTargetEvent, SummarizeEvent } from './events.ts';
import { appendRunKeys, logger } from './logger.ts';
import { publishRunMetrics, publishTargetMetrics } from './run-metrics.ts';
import type { RunsBucket } from './runs-bucket.ts';

/**
 * The plan's result, which becomes the state machine's state: a few hundred bytes whatever the
 * run's size. The targets are in S3 (`targetsBucket`/`targetsKey`, read by the Distributed Map's
 * ItemReader), the plan errors in the store (`RUN#<id>`/`PLAN`, read by summarize).
 */
export interface PlanOutput {
  runId: string;
  startedAt: string;
  /** The rule ids every target evaluates, resolved once so all targets agree. */
  rules: string[];
  targetCount: number;
  /** Accounts whose regions could not be listed (recorded with the plan; summarize reports them). */
  planErrorCount: number;
  /** When the run's items expire (DynamoDB TTL, epoch seconds): the map's RecordFailure writes it. */
  ttl: number;
  /** Where the targets are, as one JSON array of `{ accountId, region }` (with `RUNS_BUCKET`). */
  targetsBucket?: string;
  targetsKey?: string;
  /** The targets themselves, only when no runs bucket is configured (in-process use). */
  targets?: Target[];
}

const idsOf = (rules: readonly Rule[]) => new Set(rules.map((r) => r.id));

/**
 * Resolves the run's targets, writes them to the runs bucket (when there is one) and the plan's
 * item to the store, and returns the small state the state machine carries.
 */
export async function planRun(
  input: PlanEvent,
  deps: Dependencies,
  rules: readonly Rule[],
  runsBucket?: RunsBucket,
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
    const started = startedAt.toISOString();
    // The run's own bookkeeping, written for dry runs too: summarize reads it back.
    await deps.store().recordRunPlan({
      runId,
      startedAt: started,
      targetCount: plan.targets.length,
      planErrors: keptPlanErrors(plan.errors),
      planErrorCount: plan.errors.length,
    });
    const location = runsBucket ? await runsBucket.putTargets(runId, plan.targets) : undefined;
    logger.info('Run planned', {
      mode: runMode(runId),
      targets: plan.targets.length,
      planErrors: plan.errors.length,
      rules: selected.length,
      ...(location ? { targetsObject: `s3://${location.bucket}/${location.key}` } : {}),
    });
    return {
      runId,
      startedAt: started,
      rules: selected.map((r) => r.id),
      targetCount: plan.targets.length,
      planErrorCount: plan.errors.length,
      ttl: runItemsTtl(started),
      ...(location
        ? { targetsBucket: location.bucket, targetsKey: location.key }
        : { targets: plan.targets }),
    };
  } finally {
    session.destroy();
  }
}

/**
 * One account × region: scans it, reconciles it with the store, and records its outcome as the
 * run's target item (for summarize), then returns a few numbers. What goes wrong in the target
 * (denied AssumeRole, a throttled or failed source) is in the outcome; only what goes wrong here
 * (STS for the caller, the table) throws, so the state machine retries it, then records the failure.
 * A target whose findings can never be saved (an item over the size budget, a write DynamoDB
 * refuses) is not worth those retries: its outcome is recorded as failed at once, with the error,
 * and counted in the `TargetSaveFailures` metric.
 */
export async function scanOneTarget(
  input: ScanTargetEvent,
  deps: Dependencies,
  rules: readonly Rule[],
): Promise<TargetScanResult> {
  appendRunKeys({ runId: input.runId, ...input.target });
  const config = await deps.scanConfig(idsOf(rules));
  const dryRun = runMode(input.runId) === 'dry-run';
  const session = await deps.openSession(input.runId);
  try {
    const store = deps.store();
    const { report, saveError } = await scanTarget(session, input.target, {
      runId: input.runId,
      startedAt: input.startedAt,
      rules: enabledRules(rules, config, input.rules),
      ruleOptions: ruleOptions(config),
      itemConcurrency: deps.env.performance.itemConcurrency,
      now: deps.now,
      // A dry run writes no findings, states or inventory: only its outcome, below.
      ...(dryRun ? {} : { store }),
    });
    if (saveError !== undefined) {
      // A passing fault (throttling past the SDK's retries, a network error): the state machine
      // retries the target, then RecordFailure records it.
      if (!isPermanentWriteError(saveError)) throw saveError;
      logger.error('Target not saved', { error: saveError as Error });
    }
    // Last: once it is written, the target is done (a retry rescans idempotently).
    await store.recordRunTarget(
      { runId: input.runId, startedAt: input.startedAt },
      runTargetRecordOf(report),
    );
    publishTargetMetrics(report);
    const { errors: _errors, ...outcome } = report;
    logger.info('Target scanned', { ...outcome, dryRun });
    return scanResultOf(report);
  } finally {
    session.destroy();
  }
}

/**
 * Reads the run back from the store (its plan, and every target's outcome, failures the state
 * machine caught included), records its summary (unless it is a dry run), publishes its metrics,
 * and returns its digest.
 */
export async function summarizeRunStep(input: SummarizeEvent, deps: Dependencies): Promise<RunDigest> {
  appendRunKeys({ runId: input.runId });
  const store = deps.store();
  const run = await store.loadRun(input.runId);
  const expected = input.targetCount ?? run.plan?.targetCount;
  const unrecorded = expected === undefined ? 0 : Math.max(0, expected - run.targets.length);
  const { record, digest } = summarizeRun({
    runId: input.runId,
    startedAt: input.startedAt,
    finishedAt: deps.now().toISOString(),
    planErrors: run.plan?.planErrors ?? [],
    ...(run.plan ? { planErrorCount: run.plan.planErrorCount } : {}),
    results: run.targets.map(reportOf),
    unrecordedTargets: unrecorded,
  });
  if (unrecorded) {
    logger.warn('Targets without a recorded outcome', { expected, recorded: run.targets.length, unrecorded });
  }
  if (runMode(input.runId) !== 'dry-run') {
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
  logger.info('Run summarized', { ...digest, mode: runMode(input.runId) });
  return digest;
}

/** Plan errors the run summary item keeps (the plan's item keeps up to `MAX_PLAN_ERRORS`). */
export const MAX_SUMMARY_PLAN_ERRORS = 100;
