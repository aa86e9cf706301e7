/**
 * The view every renderer reads: labels, counts, numbers and words computed once from a group,
 * values from findings and AWS errors kept as they came (each sink sanitizes its own).
 */
import { describe, expect, it } from 'vitest';
import { groupChangeSet } from '../../../src/alerts/group.ts';
import { renderGroup } from '../../../src/alerts/render.ts';
import { viewOf } from '../../../src/alerts/view.ts';
import type { ChangeKind, FindingChange } from '../../../src/findings/changes.ts';
import type { TargetHealth } from '../../../src/findings/target-health.ts';
import type { Severity } from '../../../src/findings/types.ts';
import { makeFinding, PROD } from '../../fixtures/report.ts';

const RUN = 'run-view';
const AT = '2026-09-15T06:04:12.000Z';
const REMEDIATION = '1. Enable versioning. CLI: aws s3api put-bucket-versioning --bucket b';

function change(kind: ChangeKind, severity: Severity, resourceId: string, title?: string): FindingChange {
  return {
    kind,
    runId: RUN,
    at: AT,
    ...(kind === 'escalated' ? { previousSeverity: 'medium' as const } : {}),
    finding: makeFinding({
      ruleId: 's3-bucket-versioning-disabled',
      severity,
      accountId: PROD,
      region: 'eu-west-1',
      resourceType: 'AwsS3Bucket',
      resourceId,
      message: `S3 bucket ${resourceId} has never had versioning enabled.`,
      evidence: {},
      remediation: REMEDIATION,
      ...(title ? { title } : {}),
    }),
  };
}

function groupOf(changes: FindingChange[]) {
  const [group] = groupChangeSet({ runId: RUN, changes, baselines: [] });
  if (!group) throw new Error('expected a group');
  return group;
}

describe('viewOf', () => {
  it('labels each change once: its kind, severity, number across parts, what changed, what to do', () => {
    // Prepare
    const group = groupOf([
      change('escalated', 'critical', 'a'),
      change('resolved', 'high', 'b'),
      change('suppressed', 'low', 'c'),
    ]);

    // Act
    const view = viewOf(group, { part: { index: 2, total: 3, first: 11, of: 30 } });

    // Assess
    if (view.kind !== 'changes') throw new Error('expected a change view');
    expect(view.items.map((i) => [i.number, i.label, i.severity])).toEqual([
      [11, 'ESCALATED', 'CRITICAL'],
      [12, 'RESOLVED', 'HIGH'],
      [13, 'SUPPRESSED', 'LOW'],
    ]);
    expect(view.items[0]?.explanation).toBe('severity medium -> critical');
    // A resolved finding leaves nothing to do; only a change that asks to act offers its fix.
    expect(view.items.map((i) => i.remediation !== undefined)).toEqual([true, false, true]);
    expect(view.items.map((i) => i.fix)).toEqual([
      'aws s3api put-bucket-versioning --bucket b',
      undefined,
      undefined,
    ]);
    expect(view.part).toEqual({ index: 2, total: 3, first: 11, of: 30, last: 13 });
    expect(view.partLabel).toBe(' (2/3)');
    expect(view.summary).toBe('1 escalated critical, 1 resolved, 1 suppressed');
    expect(view.kinds).toEqual(['escalated', 'resolved', 'suppressed']);
    expect(view.severityKinds).toEqual(['critical:escalated', 'high:resolved', 'low:suppressed']);
  });

  it('names the change in the headline when there is only one, and keeps its text as it came', () => {
    // Prepare
    const title = 'Bucket *open*\n<!channel> https://evil.example';
    const group = groupOf([change('new', 'high', 'b', title)]);

    // Act
    const view = viewOf(group);

    // Assess
    expect(view.headline).toBe(`new high b: ${title}`);
    expect(view.partLabel).toBe('');
    expect(view.part).toBeUndefined();
    // Each sink sanitizes it its own way.
    const rendered = renderGroup(group);
    expect(rendered.subject).toContain('Bucket *open* <!channel> https[:]//evil[.]example');
    expect(rendered.chatbot.content.description).toContain(
      'Bucket ∗open∗ &lt;!channel&gt; https[:]//evil[.]example',
    );
  });

  it('sums first scans by severity and lists them as the baseline kind', () => {
    // Prepare
    const [group] = groupChangeSet({
      runId: RUN,
      changes: [],
      baselines: [
        {
          accountId: PROD,
          region: 'eu-west-1',
          runId: RUN,
          at: AT,
          open: { high: 2 },
          suppressed: 0,
          top: [],
        },
        {
          accountId: PROD,
          region: 'us-east-1',
          runId: RUN,
          at: AT,
          open: { low: 1 },
          suppressed: 0,
          top: [],
        },
      ],
    });

    // Act
    const view = viewOf(group!);

    // Assess
    if (view.kind !== 'baseline') throw new Error('expected a baseline view');
    expect(view.summary).toBe('first scan, 3 open findings (2 high, 1 low)');
    expect(view.open).toBe(3);
    expect(view.kinds).toEqual(['baseline']);
    expect(view.severityKinds).toEqual(['high:baseline', 'low:baseline']);
    expect(view.items.map((i) => i.headline)).toEqual([
      `First scan of ${PROD} eu-west-1: 2 open findings (2 high)`,
      `First scan of ${PROD} us-east-1: 1 open finding (1 low)`,
    ]);
  });

  it('says where targets cannot be scanned and why, with the failed call apart from its message', () => {
    // Prepare
    const failing: TargetHealth = {
      accountId: PROD,
      region: '*',
      status: 'failing',
      failingSince: AT,
      failingSinceRunId: RUN,
      lastFailedAt: AT,
      lastFailedRunId: RUN,
      error: {
        accountId: PROD,
        region: '*',
        source: 'plan',
        operation: 'ec2:DescribeRegions',
        code: 'AccessDenied',
        message: 'not authorized',
      },
      failedRuns: 1,
      lastChange: 'target-failing',
      lastChangedRunId: RUN,
      lastChangedAt: AT,
    };
    const [group] = groupChangeSet({ runId: RUN, changes: [], baselines: [], targetHealth: [failing] });

    // Act
    const view = viewOf(group!);

    // Assess
    if (view.kind !== 'target-health') throw new Error('expected a target health view');
    expect(view.summary).toBe('cannot be scanned in any region (AccessDenied)');
    expect(view.kinds).toEqual(['target-failing']);
    expect(view.severityKinds).toEqual(['high:target-failing']);
    expect(view.items).toEqual([
      expect.objectContaining({
        number: 1,
        where: 'all regions (they could not be listed)',
        status: 'CANNOT BE SCANNED',
        since: '2026-09-15 06:04 UTC',
        call: 'ec2:DescribeRegions AccessDenied',
        message: 'not authorized',
      }),
    ]);
  });
});
