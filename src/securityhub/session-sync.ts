/**
 * Security Hub through a scan's session: each target's findings go to that account's own Security
 * Hub with that account's credentials (the default product accepts nothing else). Shared by the
 * CLI's `--security-hub` and the deployment's `SECURITY_HUB` setting.
 */
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { ScanSession } from '../aws/session.ts';
import type { TargetEvaluation } from '../engine/evaluate.ts';
import type { CollectionError } from '../inventory/types.ts';
import type { ScanReport } from '../report/types.ts';
import { SdkSecurityHub } from './sdk-hub.ts';
import { syncReport, type TargetSyncResult } from './sync.ts';

export function syncThroughSession(
  session: ScanSession,
  report: ScanReport,
  evaluations: readonly TargetEvaluation[],
  options: { concurrency: number; now: string },
): Promise<TargetSyncResult[]> {
  return syncReport(report, evaluations, {
    hubFor: (accountId, region) =>
      new SdkSecurityHub(session.account(accountId).get(SecurityHubClient, region), accountId, region),
    ...options,
  });
}

/** A target's refused findings and failed calls, as errors of its outcome (`source: 'securityhub'`). */
export function syncErrorsOf(result: TargetSyncResult): CollectionError[] {
  const { accountId, region } = result;
  return [
    ...result.errors.map((e) => ({
      accountId,
      region,
      source: 'securityhub' as const,
      operation: e.operation,
      code: e.code,
      message: e.message,
    })),
    ...result.rejected.map((r) => ({
      accountId,
      region,
      source: 'securityhub' as const,
      operation: r.operation,
      code: r.code,
      message: r.message,
      resourceId: r.id,
    })),
  ];
}
