/**
 * The configuration a run evaluates with, loaded where a run starts (plan, the on-demand scan).
 * An invalid (or unreadable) deployed configuration fails the run loudly, never falls back to the
 * defaults: an `InvalidConfiguration` metric (its alarm goes to the alerts topic), the run recorded
 * with the error (so the run history shows it), and a `ConfigurationError`, which the state machine
 * does not retry: the execution fails, and the failed-runs alarm fires too.
 */
import type { LoadedConfig } from '../config/deployed-config.ts';
import { ConfigurationError } from '../config/errors.ts';
import type { Rule } from '../engine/types.ts';
import type { RunMode } from '../scan/run-id.ts';
import { logger } from './logger.ts';
import { publishInvalidConfiguration } from './run-metrics.ts';
import type { ScanningDependencies } from './wiring/scanning.ts';

export const ruleIdsOf = (rules: readonly Rule[]) => new Set(rules.map((r) => r.id));

export async function configForRun(
  deps: ScanningDependencies,
  rules: readonly Rule[],
  run: { runId: string; startedAt: string; mode: RunMode },
): Promise<LoadedConfig> {
  let loaded: LoadedConfig;
  try {
    loaded = await deps.scanConfig(ruleIdsOf(rules));
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    // A dry run writes and measures nothing; it still fails.
    if (run.mode !== 'dry-run') {
      publishInvalidConfiguration();
      await recordFailedRun(deps, run, error).catch((recordError: unknown) => {
        logger.error('Could not record the failed run', {
          error: recordError instanceof Error ? recordError : String(recordError),
        });
      });
    }
    throw error;
  }
  if (loaded.ignoredSections.length) {
    // Targets and performance are the deployment's parameters: one source of truth for them.
    logger.warn('The deployed configuration has sections the functions ignore', {
      configuration: loaded.source,
      ignoredSections: loaded.ignoredSections,
    });
  }
  logger.info('Configuration loaded', { configuration: loaded.source, configVersion: loaded.version });
  return loaded;
}

async function recordFailedRun(
  deps: ScanningDependencies,
  run: { runId: string; startedAt: string },
  error: ConfigurationError,
): Promise<void> {
  await deps.store().recordRunSummary({
    runId: run.runId,
    startedAt: run.startedAt,
    finishedAt: deps.now().toISOString(),
    apiCalls: { calls: 0, attempts: 0, throttled: 0 },
    changes: 0,
    targetCount: 0,
    failedTargets: 0,
    partialTargets: 0,
    // The item stays small whatever the file held: its first problems.
    error: error.message.length > 4_000 ? `${error.message.slice(0, 3_999)}…` : error.message,
  });
}
