/**
 * The functions' CloudWatch metrics (embedded metric format, namespace `Estatescan`, dimensions
 * `service` and `stage`; see logger.ts). The run-level ones come from the run's digest, once per run (the `summarize`
 * function, or the on-demand function when it scans inline); `scan-target` adds one data point per
 * target, so CloudWatch's statistics (p90, max) describe targets. Dry runs publish nothing.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { TargetHealthOutcome } from '../findings/target-health.ts';
import { severities } from '../findings/types.ts';
import type { RunDigest } from '../scan/run-summary.ts';
import type { TargetScanReport } from '../scan/target-scan.ts';
import { metrics } from './logger.ts';

export const runMetricNames = [
  'TargetsScanned',
  'TargetsFailed',
  'TargetsPartial',
  'PlanErrors',
  'OpenFindings',
  'FindingChanges',
  'ApiCalls',
  'ApiThrottles',
  'RunDuration',
  'SlowestTargetDuration',
] as const;

export function publishRunMetrics(digest: RunDigest): void {
  metrics.addMetric('TargetsScanned', MetricUnit.Count, digest.targets);
  metrics.addMetric('TargetsFailed', MetricUnit.Count, digest.failed);
  metrics.addMetric('TargetsPartial', MetricUnit.Count, digest.partial);
  metrics.addMetric('PlanErrors', MetricUnit.Count, digest.planErrors);
  metrics.addMetric('OpenFindings', MetricUnit.Count, digest.findings);
  metrics.addMetric('FindingChanges', MetricUnit.Count, digest.changes);
  metrics.addMetric('ApiCalls', MetricUnit.Count, digest.apiCalls.calls);
  metrics.addMetric('ApiThrottles', MetricUnit.Count, digest.apiCalls.throttled);
  metrics.addMetric('RunDuration', MetricUnit.Milliseconds, digest.durationMs);
  metrics.addMetric('SlowestTargetDuration', MetricUnit.Milliseconds, digest.slowestTargetMs);
  // One series per severity (zeros included, so a graph drops to zero rather than stopping).
  for (const severity of severities) {
    const bySeverity = metrics.singleMetric();
    bySeverity.addDimension('severity', severity);
    bySeverity.addMetric(
      'OpenFindingsBySeverity',
      MetricUnit.Count,
      digest.findingsBySeverity[severity] ?? 0,
    );
  }
}

export function publishTargetMetrics(report: TargetScanReport): void {
  metrics.addMetric('TargetDuration', MetricUnit.Milliseconds, report.durationMs);
  metrics.addMetric('TargetApiCalls', MetricUnit.Count, report.apiCalls.calls);
  metrics.addMetric('TargetApiThrottles', MetricUnit.Count, report.apiCalls.throttled);
  metrics.addMetric('TargetCollectionErrors', MetricUnit.Count, report.errorCount);
  // 1 when the target's findings could not be saved (it is also counted in the run's TargetsFailed).
  const unsaved = report.errors.some((e) => e.source === 'store');
  metrics.addMetric('TargetSaveFailures', MetricUnit.Count, unsaved ? 1 : 0);
}

export function publishNotifyMetrics(result: { messages: number; failedSets: number }): void {
  metrics.addMetric('MessagesPublished', MetricUnit.Count, result.messages);
  metrics.addMetric('PublishFailures', MetricUnit.Count, result.failedSets);
}

/**
 * 1 when a run could not start because the deployed configuration is invalid or unreadable
 * (serverless.yml's InvalidConfigurationAlarm sends it to the alerts topic).
 */
export function publishInvalidConfiguration(): void {
  metrics.addMetric('InvalidConfiguration', MetricUnit.Count, 1);
}

/** Targets that started failing with the run, still fail, or were scanned again (one point per run). */
export function publishTargetHealthMetrics(outcome: TargetHealthOutcome): void {
  metrics.addMetric('TargetsStartedFailing', MetricUnit.Count, outcome.failing);
  metrics.addMetric('TargetsStillFailing', MetricUnit.Count, outcome.stillFailing);
  metrics.addMetric('TargetsRecovered', MetricUnit.Count, outcome.recovered);
}
