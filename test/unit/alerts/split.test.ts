import { describe, expect, it, vi } from 'vitest';
import { publishBytes, snsMessageBody } from '../../../src/alerts/envelope.ts';
import { NotificationError } from '../../../src/alerts/errors.ts';
import { groupChangeSet } from '../../../src/alerts/group.ts';
import { InMemoryNotifier, planMessages, SnsNotifier } from '../../../src/alerts/notifier.ts';
import { SNS_MAX_PUBLISH_BYTES, splitGroup } from '../../../src/alerts/split.ts';
import type { ChangeSet, FindingChange } from '../../../src/findings/changes.ts';
import { makeFinding, PROD } from '../../fixtures/report.ts';

const RUN = 'run-split';
const AT = '2026-09-15T06:04:12.000Z';

/** `count` new findings with long evidence (a policy statement, a list of ports), mixed severities. */
function manyChanges(count: number): FindingChange[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: i % 7 === 0 ? 'resolved' : 'new',
    runId: RUN,
    at: AT,
    finding: makeFinding({
      ruleId: 'ecr-repository-public',
      severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4]!,
      accountId: PROD,
      region: 'eu-west-1',
      resourceType: 'AwsEcrRepository',
      resourceId: `repository-${String(i).padStart(5, '0')}`,
      message: `ECR repository repository-${i} lets anyone pull images — ünïcödé included.`,
      evidence: {
        statement: { Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage'], Sid: 'é'.repeat(200) },
        ports: Array.from({ length: 40 }, (_, p) => 1000 + p),
        note: '"quoted" \\ text '.repeat(10),
      },
      remediation: `1. Remove the public statement. CLI: aws ecr delete-repository-policy --repository-name repository-${i}`,
    }),
  }));
}

/** What SNS counts for a Publish, computed from the request as it is sent. */
function requestBytes(message: ReturnType<typeof planMessages>[number]): number {
  const r = message.rendered;
  const attributes = Object.entries(r.attributes).reduce(
    (n, [name, v]) =>
      n +
      Buffer.byteLength(name) +
      Buffer.byteLength(v.DataType ?? '') +
      Buffer.byteLength(v.StringValue ?? ''),
    0,
  );
  return Buffer.byteLength(snsMessageBody(r)) + Buffer.byteLength(r.subject) + attributes;
}

describe('splitGroup', () => {
  it('splits 3,000 changes into messages under 256 KB, every change exactly once, in order', () => {
    // Prepare
    const changes = manyChanges(3_000);
    const changeSet: ChangeSet = { runId: RUN, changes, baselines: [] };

    // Act
    const messages = planMessages(changeSet, { table: 'findings' });

    // Assess
    expect(messages.length).toBeGreaterThan(1);
    const total = messages.length;
    messages.forEach((m, i) => {
      expect(requestBytes(m)).toBe(m.bytes);
      expect(m.bytes).toBeLessThanOrEqual(SNS_MAX_PUBLISH_BYTES);
      expect(m.rendered.subject).toMatch(new RegExp(`\\(${i + 1}/${total}\\)$`));
      expect(m.rendered.subject.length).toBeLessThan(100);
      expect(m.rendered.email).toContain(`Part ${i + 1} of ${total}: changes ${m.part?.first}-`);
    });
    const sentIds = messages
      .flatMap((m) => (m.group.kind === 'changes' ? m.group.changes : []))
      .map((c) => c.finding.findingId);
    const sortedInput = groupChangeSet(changeSet).flatMap((g) => (g.kind === 'changes' ? g.changes : []));
    expect(sentIds).toEqual(sortedInput.map((c) => c.finding.findingId));
    expect(new Set(sentIds).size).toBe(3_000);
    // Every change is whole in exactly one email: its block header and its id line are together.
    const seen = new Map<string, number>();
    for (const m of messages) {
      for (const [, id] of m.rendered.email.matchAll(/Finding id: +(\S+)/g))
        seen.set(id!, (seen.get(id!) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual([...sentIds].sort());
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    for (const m of messages) {
      const blocks = m.rendered.email.match(/^\[\d+\] /gm) ?? [];
      const ids = m.rendered.email.match(/Finding id: /g) ?? [];
      expect(blocks.length).toBe(ids.length);
    }
  });

  it('numbers changes across parts', () => {
    // Prepare
    const [group] = groupChangeSet({ runId: RUN, changes: manyChanges(40), baselines: [] });

    // Act
    const parts = splitGroup(group!, { maxBytes: 60_000 });

    // Assess
    expect(parts.length).toBeGreaterThan(1);
    const numbers = parts.flatMap((p) =>
      [...p.rendered.email.matchAll(/^\[(\d+)\] /gm)].map((m) => Number(m[1])),
    );
    expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const p of parts) expect(publishBytes(p.rendered)).toBeLessThanOrEqual(60_000);
  });

  it('sends a group that fits as one message without a part label', () => {
    // Prepare
    const [group] = groupChangeSet({ runId: RUN, changes: manyChanges(3), baselines: [] });

    // Act
    const parts = splitGroup(group!);

    // Assess
    expect(parts).toHaveLength(1);
    expect(parts[0]?.part).toBeUndefined();
    expect(parts[0]?.rendered.subject).not.toMatch(/\(\d+\/\d+\)/);
  });
});

describe('notifiers', () => {
  it('publish nothing for an empty change set', async () => {
    // Prepare
    const memory = new InMemoryNotifier();
    const sns = { send: vi.fn() };

    // Act
    const recorded = await memory.publish({ runId: RUN, changes: [], baselines: [] });
    const published = await new SnsNotifier(sns, 'arn:aws:sns:eu-west-1:123456789012:alerts').publish({
      runId: RUN,
      changes: [],
      baselines: [],
    });

    // Assess
    expect(recorded).toEqual({ messages: 0 });
    expect(memory.sent).toEqual([]);
    expect(published).toEqual({ messages: 0 });
    expect(sns.send).not.toHaveBeenCalled();
  });

  it('records what it would send, split like SNS sends it', async () => {
    // Prepare
    const memory = new InMemoryNotifier({ table: 'findings', maxBytes: 60_000 });

    // Act
    const result = await memory.publish({ runId: RUN, changes: manyChanges(40), baselines: [] });

    // Assess
    expect(result.messages).toBe(memory.sent.length);
    expect(memory.sent.length).toBeGreaterThan(1);
    expect(memory.sent.every((m) => m.bytes <= 60_000)).toBe(true);
  });

  it('wraps a failed Publish in a NotificationError saying how many messages went out', async () => {
    // Prepare
    const denied = Object.assign(new Error('User is not authorized to perform: SNS:Publish'), {
      name: 'AuthorizationError',
    });
    const sns = { send: vi.fn().mockResolvedValueOnce({ MessageId: '1' }).mockRejectedValueOnce(denied) };
    const notifier = new SnsNotifier(sns, 'arn:aws:sns:eu-west-1:123456789012:alerts', { maxBytes: 60_000 });

    // Act
    const error = (await notifier
      .publish({ runId: RUN, changes: manyChanges(40), baselines: [] })
      .catch((e: unknown) => e)) as NotificationError;

    // Assess
    expect(error).toBeInstanceOf(NotificationError);
    expect(error.cause).toBe(denied);
    expect(error.context).toMatchObject({ destination: 'sns', accountId: PROD, runId: RUN, published: 1 });
    expect(error.context.part).toMatch(/^2\/\d+$/);
    expect(error.message).toMatch(
      /part 2\/\d+\) to arn:aws:sns:eu-west-1:123456789012:alerts; 1 of \d+ messages went out/,
    );
    const input = sns.send.mock.calls[0]?.[0].input;
    expect(input).toMatchObject({
      TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
      MessageStructure: 'json',
    });
    expect(Object.keys(JSON.parse(input.Message))).toEqual(['default', 'email', 'https', 'lambda']);
  });
});
