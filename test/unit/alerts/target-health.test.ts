/**
 * The messages of targets that cannot be scanned, and scanned again: one per run, account and
 * kind, before (failing) or after (recovered) the findings' changes; attributes to filter on; every
 * error text, written by whoever controls the member account, through the sanitizer; split like
 * any message past SNS's limit. And how the notifier gets them: the health item's stream record.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { publishBytes } from '../../../src/alerts/envelope.ts';
import { groupChangeSet } from '../../../src/alerts/group.ts';
import { planMessages } from '../../../src/alerts/notifier.ts';
import type { FindingChange } from '../../../src/findings/changes.ts';
import { changeSetsFromStream } from '../../../src/findings/stream.ts';
import type { TargetHealth } from '../../../src/findings/target-health.ts';
import { makeFinding, PROD } from '../../fixtures/report.ts';

const DEV = '222222222222';
const RUN = 'run-health';
const AT = '2026-11-26T00:00:00.000Z';

function health(overrides: Partial<TargetHealth> = {}): TargetHealth {
  const accountId = overrides.accountId ?? PROD;
  const region = overrides.region ?? 'eu-west-1';
  return {
    accountId,
    region,
    status: 'failing',
    failingSince: AT,
    failingSinceRunId: RUN,
    lastFailedAt: AT,
    lastFailedRunId: RUN,
    error: {
      accountId,
      region,
      source: 'credentials',
      operation: 'sts:AssumeRole',
      code: 'AccessDenied',
      message: 'not authorized to perform: sts:AssumeRole',
    },
    failedRuns: 1,
    lastChange: 'target-failing',
    lastChangedRunId: RUN,
    lastChangedAt: AT,
    ...overrides,
  };
}

const recovered = (overrides: Partial<TargetHealth> = {}) =>
  health({
    status: 'recovered',
    failedRuns: 3,
    recoveredAt: '2026-11-27T00:00:00.000Z',
    recoveredRunId: 'run-later',
    lastChange: 'target-recovered',
    lastChangedRunId: RUN,
    ...overrides,
  });

const newFinding: FindingChange = {
  kind: 'new',
  runId: RUN,
  at: AT,
  finding: makeFinding({
    ruleId: 's3-bucket-versioning-disabled',
    severity: 'critical',
    accountId: PROD,
    region: 'eu-west-1',
    resourceType: 'AwsS3Bucket',
    resourceId: 'acme-prod-logs',
    message: 'S3 bucket acme-prod-logs has never had versioning enabled.',
    evidence: {},
    remediation: '1. Enable versioning.',
  }),
};

describe('messages of targets that cannot be scanned', () => {
  it('groups per account and kind: failing first, then the findings, then the targets scanned again', () => {
    // Act
    const groups = groupChangeSet({
      runId: RUN,
      changes: [newFinding],
      baselines: [],
      targetHealth: [
        recovered({ accountId: DEV }),
        health({ region: 'us-east-1' }),
        health(),
        health({ accountId: DEV, region: 'eu-west-1', lastChange: 'still-failing' }),
      ],
    });

    // Assess
    expect(groups.map((g) => [g.kind, 'change' in g ? g.change : '', g.accountId])).toEqual([
      ['target-health', 'target-failing', PROD],
      ['changes', '', PROD],
      ['target-health', 'target-recovered', DEV],
    ]);
    const [failing] = groups;
    expect(failing?.kind === 'target-health' && failing.targets.map((t) => t.region)).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
  });

  it('says where, since when and why, with attributes a subscription filters on', () => {
    // Act
    const [message] = planMessages({ runId: RUN, changes: [], baselines: [], targetHealth: [health()] });

    // Assess
    const r = message!.rendered;
    expect(r.subject).toBe(`[estatescan] ${PROD}: cannot be scanned in eu-west-1 (AccessDenied)`);
    expect(r.attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      accountId: { DataType: 'String', StringValue: PROD },
      change: { DataType: 'String.Array', StringValue: '["target-failing"]' },
      severityChange: { DataType: 'String.Array', StringValue: '["high:target-failing"]' },
    });
    expect(r.email).toContain('[1] eu-west-1 - CANNOT BE SCANNED');
    expect(r.email).toContain('    Since:      2026-11-26 00:00 UTC (run run-health)');
    expect(r.email).toContain(
      '    Error:      sts:AssumeRole AccessDenied: not authorized to perform: sts:AssumeRole',
    );
    expect(r.email).toMatch(/You hear once more when it is scanned again, not on every run in between/);
    expect(r.email).toMatch(/Check that the member role exists in account 111111111111/);
    expect(r.chatbot.metadata?.eventType).toBe('estatescan.target-failing');
  });

  it('announces the recovery with how long it lasted, under the same severity (a severity filter hears both)', () => {
    // Act
    const [message] = planMessages({ runId: RUN, changes: [], baselines: [], targetHealth: [recovered()] });

    // Assess
    const r = message!.rendered;
    expect(r.subject).toBe(`[estatescan] ${PROD}: scanned again in eu-west-1`);
    expect(r.attributes.change?.StringValue).toBe('["target-recovered"]');
    expect(r.attributes.severity?.StringValue).toBe('high');
    expect(r.email).toContain('    Recovered:  2026-11-27 00:00 UTC (run run-later)');
    expect(r.email).toContain('    Failed:     3 runs in a row');
    expect(r.chatbot.content.title).toMatch(/^:white_check_mark: /);
  });

  it('names an account whose regions could not be listed as failing in any region', () => {
    // Act
    const [message] = planMessages({
      runId: RUN,
      changes: [],
      baselines: [],
      targetHealth: [health({ region: '*' })],
    });

    // Assess
    expect(message!.rendered.subject).toBe(
      `[estatescan] ${PROD}: cannot be scanned in any region (AccessDenied)`,
    );
    expect(message!.rendered.email).toContain(
      '[1] all regions (they could not be listed) - CANNOT BE SCANNED',
    );
  });

  it("shows an error's control characters and defuses its links and chat formatting, in every form", () => {
    // Prepare: error text a member account controls (an SCP's message, a role name…)
    const hostile = health({
      error: {
        ...health().error,
        code: 'AccessDenied\u202e',
        message: 'denied\n[2] eu-west-1 - SCANNED AGAIN <!channel> *see* https://evil.example/fix \u001b[31m',
      },
    });

    // Act
    const [message] = planMessages({ runId: RUN, changes: [], baselines: [], targetHealth: [hostile] });

    // Assess
    const r = message!.rendered;
    expect(r.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(r.email).not.toMatch(/\n\[2\] eu-west-1/);
    expect(r.email).toContain('\\u202e');
    expect(r.email).toContain('\\x1b');
    expect(r.email).not.toContain('https://evil.example');
    const chat = JSON.stringify(r.chatbot);
    expect(chat).not.toContain('<!channel>');
    expect(chat).not.toContain('evil.example');
    expect(chat).not.toContain('\u202e');
  });

  it('splits a message past the size limit between targets, each part within it', () => {
    // Prepare: an organization-wide outage with long error texts
    const many = Array.from({ length: 200 }, (_, i) =>
      health({
        region: `eu-west-${i}`,
        error: { ...health().error, message: `${'the role was deleted; '.repeat(80)}${i}` },
      }),
    );

    // Act
    const messages = planMessages(
      { runId: RUN, changes: [], baselines: [], targetHealth: many },
      { maxBytes: 64 * 1024 },
    );

    // Assess
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(publishBytes(m.rendered)).toBeLessThanOrEqual(64 * 1024);
    expect(messages[0]?.rendered.subject).toMatch(/\(1\/\d+\)$/);
    const regions = messages.flatMap((m) => (m.group.kind === 'target-health' ? m.group.targets : []));
    expect(regions).toHaveLength(200);
  });
});

describe('the notifier reads them from the health item written to the table', () => {
  const record = (eventName: string, item: TargetHealth) => ({
    eventName,
    dynamodb: {
      NewImage: marshall(
        {
          PK: 'TARGET-HEALTH',
          SK: `${item.accountId}#${item.region}`,
          itemType: 'target-health',
          ttl: 1,
          ...item,
        },
        { removeUndefinedValues: true },
      ),
    },
  });

  it('announces target-failing and target-recovered writes, in the run that made them, and nothing else', () => {
    // Act
    const sets = changeSetsFromStream([
      record('INSERT', health()),
      record('MODIFY', health({ region: 'us-east-1', lastChange: 'still-failing' })),
      record('MODIFY', recovered({ accountId: DEV, lastChangedRunId: 'run-later' })),
      { eventName: 'REMOVE', dynamodb: { OldImage: record('INSERT', health()).dynamodb.NewImage } },
    ]);

    // Assess
    expect(sets.map((s) => [s.runId, s.targetHealth?.map((h) => [h.accountId, h.lastChange])])).toEqual([
      [RUN, [[PROD, 'target-failing']]],
      ['run-later', [[DEV, 'target-recovered']]],
    ]);
    expect(sets[0]?.targetHealth?.[0]).toEqual(health());
  });
});
