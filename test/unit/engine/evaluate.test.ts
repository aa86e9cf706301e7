import { describe, expect, it } from 'vitest';
import { rule as openIngress } from '../../../rules/ec2/ec2-security-group-open-ingress.ts';
import { evaluateSnapshot, requiredSources } from '../../../src/engine/evaluate.ts';
import { SuppressionMatcher } from '../../../src/engine/suppressions.ts';
import { defaultRuleSettings, type Rule } from '../../../src/engine/types.ts';
import { findingBudget } from '../../../src/findings/budget.ts';
import { findingId } from '../../../src/findings/finding-id.ts';
import { reconcile } from '../../../src/findings/reconcile.ts';
import type { Bucket } from '../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../src/lifecycle/catalogue.ts';
import { makeNetworkInterface, makeSecurityGroup, permission } from '../../fixtures/network.ts';
import { collectionFailure, failed, makeSnapshot, ok } from '../../fixtures/snapshot.ts';

const now = new Date('2026-11-25T10:00:00Z');
const ctx = { now, settings: defaultRuleSettings, lifecycle: lifecycleCatalogue };

const bucket = (name: string): Bucket => ({ name, region: 'eu-west-1', versioning: 'Never' });

/** A rule that reports every bucket, for exercising the engine. */
const everyBucket: Rule = {
  id: 'test-every-bucket',
  title: 'Every bucket is reported',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  severity: 'medium',
  description: 'Reports every bucket.',
  risk: 'None: it exists to test the engine.',
  remediation: { console: ['Open the console.', 'Do nothing.'], cli: 'aws s3api list-buckets' },
  references: { docs: ['https://example.com'] },
  requires: ['s3.buckets'],
  evaluate(snapshot) {
    const buckets = snapshot.sources['s3.buckets'];
    return buckets?.ok
      ? buckets.items.map((b) => ({
          resourceId: b.name,
          message: `Bucket ${b.name}.`,
          evidence: { name: b.name },
        }))
      : [];
  },
};

const throwing: Rule = {
  ...everyBucket,
  id: 'test-throwing',
  evaluate() {
    throw new Error('boom');
  },
};

describe('evaluateSnapshot', () => {
  it('turns rule results into open findings with stable ids, metadata and numbered remediation', () => {
    // Prepare
    const snapshot = makeSnapshot({ 's3.buckets': ok([bucket('logs')]) });

    // Act
    const { findings, evaluatedRules, skippedRules } = evaluateSnapshot(snapshot, {
      rules: [everyBucket],
      ctx,
    });

    // Assess
    expect(evaluatedRules).toEqual(['test-every-bucket']);
    expect(skippedRules).toEqual([]);
    expect(findings).toEqual([
      {
        findingId: findingId('test-every-bucket', snapshot.accountId, snapshot.region, 'logs'),
        ruleId: 'test-every-bucket',
        title: 'Every bucket is reported',
        severity: 'medium',
        status: 'open',
        accountId: snapshot.accountId,
        region: snapshot.region,
        resourceType: 'AwsS3Bucket',
        resourceId: 'logs',
        message: 'Bucket logs.',
        evidence: { name: 'logs' },
        remediation: '1. Open the console. 2. Do nothing. CLI: aws s3api list-buckets',
        firstSeen: now.toISOString(),
        lastSeen: now.toISOString(),
      },
    ]);
  });

  it('skips a rule whose source failed or was not collected, and says which source', () => {
    // Prepare
    const failedSnapshot = makeSnapshot({
      's3.buckets': failed(collectionFailure('s3.buckets', 's3:ListBuckets')),
    });
    const emptySnapshot = makeSnapshot({});

    // Act
    const onFailed = evaluateSnapshot(failedSnapshot, { rules: [everyBucket], ctx });
    const onMissing = evaluateSnapshot(emptySnapshot, { rules: [everyBucket], ctx });

    // Assess
    expect(onFailed.findings).toEqual([]);
    expect(onFailed.evaluatedRules).toEqual([]);
    expect(onFailed.skippedRules).toEqual([
      expect.objectContaining({
        ruleId: 'test-every-bucket',
        reason: 'source-failed',
        sources: ['s3.buckets'],
      }),
    ]);
    expect(onMissing.skippedRules[0]).toMatchObject({ reason: 'source-missing', sources: ['s3.buckets'] });
  });

  it('names the resources a rule could not see whole: per-resource call failures of its sources, and its own', () => {
    // Prepare: logs' versioning could not be read; a cluster's error is another source's; the rule
    // itself names a bucket it could not judge.
    const snapshot = makeSnapshot(
      { 's3.buckets': ok([bucket('logs'), bucket('site')]) },
      {
        errors: [
          { ...collectionFailure('s3.buckets', 's3:GetBucketVersioning'), resourceId: 'logs' },
          { ...collectionFailure('eks.clusters', 'eks:DescribeCluster'), resourceId: 'prod' },
        ],
      },
    );
    const naming: Rule = { ...everyBucket, id: 'test-naming', unevaluated: () => ['site'] };

    // Act
    const evaluation = evaluateSnapshot(snapshot, { rules: [everyBucket, naming], ctx });

    // Assess: both rules ran; each lists what it could not see; no other rule is listed.
    expect(evaluation.evaluatedRules).toEqual(['test-every-bucket', 'test-naming']);
    expect(evaluation.unevaluatedResources).toEqual({
      'test-every-bucket': ['logs'],
      'test-naming': ['logs', 'site'],
    });
    expect(
      evaluateSnapshot(makeSnapshot({ 's3.buckets': ok([]) }), { rules: [everyBucket], ctx }),
    ).toMatchObject({ unevaluatedResources: {} });
  });

  it('records a rule that throws as skipped and goes on with the others', () => {
    // Prepare
    const snapshot = makeSnapshot({ 's3.buckets': ok([bucket('a')]) });

    // Act
    const result = evaluateSnapshot(snapshot, { rules: [throwing, everyBucket], ctx });

    // Assess
    expect(result.skippedRules).toEqual([
      expect.objectContaining({ ruleId: 'test-throwing', reason: 'rule-error' }),
    ]);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['test-every-bucket']);
  });

  it.each<[string, Partial<Rule>]>([
    [
      'its evaluation throws',
      {
        evaluate() {
          throw new Error('boom');
        },
      },
    ],
    [
      'naming what it could not see throws',
      {
        unevaluated() {
          throw new Error('boom');
        },
      },
    ],
    ['a result names no resource', { evaluate: () => [{ resourceId: '', message: 'x', evidence: {} }] }],
  ])('keeps a rule not evaluated when %s, so reconcile resolves none of its findings', (_name, broken) => {
    // Prepare: the rule had an open finding for bucket a; the bucket is still there.
    const rule: Rule = { ...everyBucket, ...broken };
    const snapshot = makeSnapshot({ 's3.buckets': ok([bucket('a')]) });
    const before = evaluateSnapshot(snapshot, { rules: [everyBucket], ctx });
    const first = reconcile({
      runId: 'run-1',
      at: now.toISOString(),
      accountId: before.accountId,
      region: before.region,
      previous: { findings: [] },
      current: { findings: before.findings, evaluatedRules: before.evaluatedRules },
    });

    // Act
    const result = evaluateSnapshot(snapshot, { rules: [rule], ctx });
    const second = reconcile({
      runId: 'run-2',
      at: new Date(now.getTime() + 60_000).toISOString(),
      accountId: result.accountId,
      region: result.region,
      previous: { state: first.state, findings: first.writes.map((w) => ({ ...w })) },
      current: {
        findings: result.findings,
        evaluatedRules: result.evaluatedRules,
        unevaluatedResources: result.unevaluatedResources,
      },
    });

    // Assess: not evaluated, no findings of its own, and nothing resolved or written about them.
    expect(result.evaluatedRules).toEqual([]);
    expect(result.findings).toEqual([]);
    expect(result.skippedRules).toEqual([expect.objectContaining({ ruleId: rule.id, reason: 'rule-error' })]);
    expect(second.changes).toEqual([]);
    expect(second.writes).toEqual([]);
  });

  it('applies a severity override and says so in the evidence', () => {
    const snapshot = makeSnapshot({ 's3.buckets': ok([bucket('a')]) });
    const { findings } = evaluateSnapshot(snapshot, {
      rules: [everyBucket],
      ctx,
      severityOverrides: { 'test-every-bucket': 'critical' },
    });
    expect(findings[0]).toMatchObject({
      severity: 'critical',
      evidence: { severityOverriddenTo: 'critical' },
    });
  });

  it('suppresses a matching finding until its suppression expires', () => {
    // Prepare
    const snapshot = makeSnapshot({ 's3.buckets': ok([bucket('acme-logs'), bucket('acme-data')]) });
    const suppressions = new SuppressionMatcher([
      { rule: '*', resource: 'acme-l*', reason: 'accepted', owner: 'me', expiresAt: '2026-11-25' },
    ]);

    // Act
    const today = evaluateSnapshot(snapshot, { rules: [everyBucket], ctx, suppressions });
    const tomorrow = evaluateSnapshot(snapshot, {
      rules: [everyBucket],
      ctx: { ...ctx, now: new Date('2026-11-26T00:00:00Z') },
      suppressions,
    });

    // Assess
    expect(today.findings.map((f) => [f.resourceId, f.status])).toEqual([
      ['acme-logs', 'suppressed'],
      ['acme-data', 'open'],
    ]);
    expect(today.findings[0]?.suppression).toEqual({
      reason: 'accepted',
      owner: 'me',
      expiresAt: '2026-11-25T23:59:59.999Z',
    });
    expect(tomorrow.findings.map((f) => f.status)).toEqual(['open', 'open']);
  });

  it('names the sources the rules need', () => {
    expect([...requiredSources([everyBucket])]).toEqual(['s3.buckets']);
  });
});

describe('evaluateSnapshot within the finding budgets', () => {
  /** A group at the raised quota: 1,000 rules open to the internet, each with a 255-character description. */
  const bigGroupSnapshot = () =>
    makeSnapshot({
      'ec2.securityGroups': ok([
        makeSecurityGroup({
          ingress: Array.from({ length: 1_000 }, (_, i) =>
            permission('tcp', 10_000 + i, {
              kind: 'ipv4',
              value: '0.0.0.0/0',
              description: `rule ${i} `.padEnd(255, 'd'),
            }),
          ),
        }),
      ]),
      'ec2.networkInterfaces': ok([makeNetworkInterface({ securityGroupIds: ['sg-0a1b2c3d4e5f60001'] })]),
    });

  it('caps the evidence of a group with 1,000 open rules: the first 20 and a count, under 32 KB', () => {
    // Prepare
    const snapshot = bigGroupSnapshot();
    const raw = openIngress.evaluate(snapshot, ctx)[0]?.evidence;

    // Act
    const { findings } = evaluateSnapshot(snapshot, { rules: [openIngress], ctx });

    // Assess: what the rule says is over the store's 350 KB item budget (about 400 KB with the rest
    // of a finding item); what the engine lets out is a small fraction of it.
    expect(Buffer.byteLength(JSON.stringify(raw))).toBeGreaterThan(350 * 1024);
    const [finding] = findings;
    const evidence = finding?.evidence as { permissions: unknown[]; groupName: string };
    expect(Buffer.byteLength(JSON.stringify(evidence))).toBeLessThanOrEqual(findingBudget.evidence.bytes);
    expect(evidence.groupName).toBe('web');
    expect(evidence.permissions).toHaveLength(findingBudget.evidence.listEntries + 1);
    expect(evidence.permissions.at(-1)).toBe('… [980 more entries, 1000 in all]');
    expect(finding?.message).toMatch(/and 999 more open permissions/);
  });

  it('gives the same evidence on every scan, so reconcile sees no change', () => {
    // Prepare
    const first = evaluateSnapshot(bigGroupSnapshot(), { rules: [openIngress], ctx });
    const baseline = reconcile({
      runId: 'run-1',
      at: now.toISOString(),
      accountId: first.accountId,
      region: first.region,
      previous: { findings: [] },
      current: { findings: first.findings, evaluatedRules: first.evaluatedRules },
    });

    // Act
    const second = evaluateSnapshot(bigGroupSnapshot(), { rules: [openIngress], ctx });
    const rescan = reconcile({
      runId: 'run-2',
      at: new Date(now.getTime() + 3_600_000).toISOString(),
      accountId: second.accountId,
      region: second.region,
      previous: { state: baseline.state, findings: baseline.writes },
      current: { findings: second.findings, evaluatedRules: second.evaluatedRules },
    });

    // Assess
    expect(second.findings[0]?.evidence).toEqual(first.findings[0]?.evidence);
    expect(rescan.changes).toEqual([]);
    expect(rescan.writes).toEqual([]);
  });

  it('cuts a long message and remediation with a marker', () => {
    // Prepare
    const verbose: Rule = {
      ...everyBucket,
      id: 'test-verbose',
      evaluate: () => [
        { resourceId: 'b', message: 'm'.repeat(50_000), evidence: {}, cli: `aws ${'c'.repeat(50_000)}` },
      ],
    };

    // Act
    const [finding] = evaluateSnapshot(makeSnapshot({ 's3.buckets': ok([]) }), {
      rules: [verbose],
      ctx,
    }).findings;

    // Assess
    expect(finding?.message.length).toBeLessThanOrEqual(findingBudget.message);
    expect(finding?.message).toMatch(/… \[\d+ more characters\]$/);
    expect(finding?.remediation.length).toBeLessThanOrEqual(findingBudget.remediation);
    expect(finding?.remediation).toMatch(
      /^1\. Open the console\. 2\. Do nothing\. CLI: aws c+… \[\d+ more characters\]$/,
    );
  });
});

describe('SuppressionMatcher', () => {
  const base = { ruleId: 'r-x', accountId: '111111111111', region: 'eu-west-1', resourceId: 'sg-1' };

  it.each([
    [{ rule: 'r-x', resource: 'sg-1' }, true],
    [{ rule: 'r-y', resource: 'sg-1' }, false],
    [{ rule: '*', resource: 'sg-*' }, true],
    [{ rule: '*', resource: 'sg-1', account: '222222222222' }, false],
    [{ rule: '*', resource: 'sg-1', region: 'us-east-1' }, false],
    [{ rule: '*', resource: 'arn:aws:ec2:*:security-group/sg-1' }, true],
    [{ rule: '*', resource: 'sg-1.' }, false],
  ])('%o matches: %s', (partial, expected) => {
    const matcher = new SuppressionMatcher([
      { reason: 'r', owner: 'o', expiresAt: '2030-01-01', ...partial },
    ]);
    const finding = { ...base, resourceArn: 'arn:aws:ec2:eu-west-1:111111111111:security-group/sg-1' };
    expect(Boolean(matcher.match(finding, now))).toBe(expected);
  });
});
