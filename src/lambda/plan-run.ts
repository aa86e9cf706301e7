/**
 * The state machine's first step, as the `plan` function runs it: resolve the run's targets, write
 * them to the runs bucket and the plan's item to the store, and return the small state the state
 * machine carries, with the configuration version every target of the run evaluates.
 */
import type { Rule } from '../engine/types.ts';
import { runItemsTtl } from '../findings/dynamodb-store.ts';
import { keptPlanErrors } from '../findings/store.ts';
import type { Target } from '../inventory/types.ts';
import { planTargets } from '../scan/plan.ts';
import { newRunId, runMode } from '../scan/run-id.ts';
import { enabledRules, planRequest, requestedTargets } from '../scan/run-settings.ts';
import type { PlanEvent } from './events.ts';
import { appendRunKeys, logger } from './logger.ts';
import { configForRun } from './run-config.ts';
import type { PlanDependencies } from './wiring/plan.ts';

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
  /**
   * The deployed configuration's version the run evaluates (an S3 version id; `none` for the
   * defaults): the map hands it to every scan-target, so a push during the run changes nothing.
   */
  configVersion: string;
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

export async function planRun(
  input: PlanEvent,
  deps: PlanDependencies,
  rules: readonly Rule[],
): Promise<PlanOutput> {
  const startedAt = deps.now();
  const runId = input.runId ?? newRunId(startedAt);
  const started = startedAt.toISOString();
  appendRunKeys({ runId });
  const { config, version } = await configForRun(deps, rules, {
    runId,
    startedAt: started,
    mode: runMode(runId),
  });
  const selected = enabledRules(rules, config, input.rules);
  const session = await deps.openSession(runId);
  try {
    const targets = requestedTargets(deps.env.targets, input);
    const plan = await planTargets(session, planRequest(targets, deps.region()));
    // The run's own bookkeeping, written for dry runs too: summarize reads it back.
    await deps.store().recordRunPlan({
      runId,
      startedAt: started,
      targetCount: plan.targets.length,
      planErrors: keptPlanErrors(plan.errors),
      planErrorCount: plan.errors.length,
    });
    const runsBucket = deps.runsBucket();
    const location = runsBucket ? await runsBucket.putTargets(runId, plan.targets) : undefined;
    logger.info('Run planned', {
      mode: runMode(runId),
      targets: plan.targets.length,
      planErrors: plan.errors.length,
      rules: selected.length,
      configVersion: version,
      ...(location ? { targetsObject: `s3://${location.bucket}/${location.key}` } : {}),
    });
    return {
      runId,
      startedAt: started,
      rules: selected.map((r) => r.id),
      configVersion: version,
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
