import { describe, expect, it } from 'vitest';
import { newRunId, runMode } from '../../../src/scan/run-id.ts';
import { summarizeRun } from '../../../src/scan/run-summary.ts';
import type { TargetScanReport } from '../../../src/scan/target-scan.ts';

function report(overrides: Partial<TargetScanReport>): TargetScanReport {
  return {
    accountId: '111111111111',
    region: 'eu-west-1',
    status: 'ok',
    findings: 0,
    findingsBySeverity: {},
    suppressed: 0,
    changes: 0,
    baseline: false,
    errors: [],
    errorCount: 0,
    durationMs: 1000,
    apiCalls: { calls: 10, attempts: 10, throttled: 0 },
    ...overrides,
  };
}

describe('summarizeRun', () => {
  it('adds up the targets, and records a caught failure with the Lambda error it carried', () => {
    // Prepare
    const planError = {
      accountId: '333333333333',
      region: 'us-east-1',
      source: 'plan' as const,
      operation: 'ec2:DescribeRegions',
      code: 'UnauthorizedOperation',
      message: 'denied',
    };

    // Act
    const { record, digest } = summarizeRun({
      runId: 'run-1',
      startedAt: '2026-11-25T12:00:00.000Z',
      finishedAt: '2026-11-25T12:03:00.000Z',
      planErrors: [planError],
      results: [
        report({ findings: 3, findingsBySeverity: { critical: 1, high: 2 }, changes: 2, durationMs: 4000 }),
        report({
          region: 'us-east-1',
          status: 'partial',
          findings: 1,
          findingsBySeverity: { high: 1 },
          baseline: true,
        }),
        {
          accountId: '222222222222',
          region: 'eu-west-1',
          status: 'failed',
          error: {
            Error: 'CallerIdentityError',
            Cause: JSON.stringify({
              errorType: 'CallerIdentityError',
              errorMessage: 'Could not tell who the caller is',
            }),
          },
        },
      ],
    });

    // Assess
    expect(digest).toEqual({
      runId: 'run-1',
      startedAt: '2026-11-25T12:00:00.000Z',
      finishedAt: '2026-11-25T12:03:00.000Z',
      durationMs: 180_000,
      targets: 3,
      ok: 1,
      partial: 1,
      failed: 1,
      findings: 4,
      findingsBySeverity: { critical: 1, high: 3 },
      suppressed: 0,
      changes: 2,
      baselines: 1,
      planErrors: 1,
      apiCalls: { calls: 20, attempts: 20, throttled: 0 },
      slowestTargetMs: 4000,
    });
    expect(record.planErrors).toEqual([planError]);
    expect(record.targets[2]).toEqual({
      accountId: '222222222222',
      region: 'eu-west-1',
      status: 'failed',
      durationMs: 0,
      findings: 0,
      changes: 0,
      errors: [
        {
          accountId: '222222222222',
          region: 'eu-west-1',
          source: 'scan-target',
          operation: 'lambda:Invoke',
          code: 'CallerIdentityError',
          message: 'Could not tell who the caller is',
        },
      ],
    });
  });

  it('keeps a States.* error as Step Functions gave it', () => {
    const { record } = summarizeRun({
      runId: 'run-1',
      startedAt: '2026-11-25T12:00:00.000Z',
      finishedAt: '2026-11-25T12:00:00.000Z',
      planErrors: [],
      results: [
        {
          accountId: '111111111111',
          region: 'eu-west-1',
          status: 'failed',
          error: { Error: 'States.Timeout', Cause: 'Task timed out' },
        },
      ],
    });
    expect(record.targets[0]?.errors[0]).toMatchObject({ code: 'States.Timeout', message: 'Task timed out' });
  });
});

describe('run ids', () => {
  it('carry the run mode and name a Step Functions execution', () => {
    const now = new Date('2026-11-25T12:00:00.123Z');
    expect(newRunId(now)).toMatch(/^20261125T120000Z-[0-9a-f]{8}$/);
    expect(runMode(newRunId(now))).toBe('normal');
    expect(runMode(newRunId(now, 'quiet'))).toBe('quiet');
    expect(runMode(newRunId(now, 'dry-run'))).toBe('dry-run');
  });
});
