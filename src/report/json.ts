/**
 * `--format json`: the scan's result for machines. Inventory rows, the lifecycle timeline and rule
 * metadata stay out: they are report decoration, and `estatescan inventory --format json` carries the
 * full snapshots for anyone who wants them.
 */
import type { ScanReport } from './types.ts';

export function renderJson(report: ScanReport): string {
  const { runId, startedAt, finishedAt, generator, targets, findings, errors, skippedRules } = report;
  return `${JSON.stringify({ runId, startedAt, finishedAt, generator, targets, findings, errors, skippedRules }, null, 2)}\n`;
}
