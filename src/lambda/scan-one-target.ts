/**
 * One item of the state machine's map, as the `scan-target` function runs it: one account × region,
 * scanned with the configuration version the run's plan chose, reconciled with the store, its
 * outcome recorded as the run's target item (for summarize).
 */
import type { Rule } from '../engine/types.ts';
import { isPermanentWriteError } from '../findings/errors.ts';
import { runMode } from '../scan/run-id.ts';
import { enabledRules, ruleOptions } from '../scan/run-settings.ts';
import { runTargetRecordOf, scanResultOf, scanTarget, type TargetScanResult } from '../scan/target-scan.ts';
import type { ScanTargetEvent } from './events.ts';
import { appendRunKeys, logger } from './logger.ts';
import { ruleIdsOf } from './run-config.ts';
import { publishTargetMetrics } from './run-metrics.ts';
import type { ScanTargetDependencies } from './wiring/scan-target.ts';

/**
 * Scans the target, reconciles it with the store, and records its outcome as the run's target
 * item, then returns a few numbers. What goes wrong in the target (denied AssumeRole, a throttled
 * or failed source) is in the outcome; only what goes wrong here (STS for the caller, the table,
 * the configuration) throws, so the state machine retries it, then records the failure.
 * A target whose findings can never be saved (an item over the size budget, a write DynamoDB
 * refuses) is not worth those retries: its outcome is recorded as failed at once, with the error,
 * and counted in the `TargetSaveFailures` metric.
 */
export async function scanOneTarget(
  input: ScanTargetEvent,
  deps: ScanTargetDependencies,
  rules: readonly Rule[],
): Promise<TargetScanResult> {
  appendRunKeys({ runId: input.runId, ...input.target });
  // The version the plan chose (absent from items made before it carried one: the current one).
  const { config } = await deps.scanConfig(ruleIdsOf(rules), input.configVersion);
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
      // Security Hub mirrors what the store holds: not for a dry run.
      securityHub: deps.env.securityHub && !dryRun,
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
