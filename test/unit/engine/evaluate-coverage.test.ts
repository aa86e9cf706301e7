/**
 * The engine's counts per rule ("3 of 40 buckets failed") and the tags it keeps beside findings,
 * from each rule's declared scope. Kept apart from evaluate.test.ts, which covers findings.
 */
import { describe, expect, it } from 'vitest';
import { rule as openIngress } from '../../../rules/ec2/ec2-security-group-open-ingress.ts';
import { rule as versioning } from '../../../rules/s3/s3-bucket-versioning-disabled.ts';
import { evaluateSnapshot } from '../../../src/engine/evaluate.ts';
import { SuppressionMatcher } from '../../../src/engine/suppressions.ts';
import { defaultRuleSettings, type Rule } from '../../../src/engine/types.ts';
import { lifecycleCatalogue } from '../../../src/lifecycle/catalogue.ts';
import { makeNetworkInterface, makeSecurityGroup, permission } from '../../fixtures/network.ts';
import { collectionFailure, FIXTURE_REGION, failed, makeSnapshot, ok } from '../../fixtures/snapshot.ts';
import { makeBucket } from '../../fixtures/storage.ts';

const ctx = {
  now: new Date('2026-11-25T10:00:00Z'),
  settings: defaultRuleSettings,
  lifecycle: lifecycleCatalogue,
};

const buckets = (names: string[], never: string[]) =>
  names.map((name) => makeBucket({ name, versioning: never.includes(name) ? 'Never' : 'Enabled' }));

describe('evaluateSnapshot: coverage and tags', () => {
  it('counts the resources a rule judged, failed and passed, suppressed findings counted as failed', () => {
    // Prepare: 40 buckets, 3 without versioning, one of those suppressed.
    const names = Array.from({ length: 40 }, (_, i) => `bucket-${String(i).padStart(2, '0')}`);
    const snapshot = makeSnapshot({
      's3.buckets': ok(buckets(names, ['bucket-01', 'bucket-02', 'bucket-03'])),
    });
    const suppressions = new SuppressionMatcher([
      {
        rule: versioning.id,
        resource: 'bucket-03',
        reason: 'scratch',
        owner: 'data@example.com',
        expiresAt: '2027-01-31',
      },
    ]);

    // Act
    const evaluation = evaluateSnapshot(snapshot, { rules: [versioning], ctx, suppressions });

    // Assess
    expect(evaluation.findings).toHaveLength(3);
    expect(evaluation.coverage).toEqual({
      [versioning.id]: { evaluated: 40, failed: 3, passed: 37, unevaluated: 0 },
    });
  });

  it('leaves resources it could not see whole out of every count', () => {
    // Prepare: the versioning of one bucket could not be read.
    const snapshot = makeSnapshot(
      {
        's3.buckets': ok([
          ...buckets(['a', 'b', 'c'], ['a']),
          makeBucket({ name: 'd', versioning: undefined }),
        ]),
      },
      {
        errors: [
          collectionFailure('s3.buckets', 's3:GetBucketVersioning', 'AccessDenied', { resourceId: 'd' }),
        ],
      },
    );

    // Act
    const { coverage } = evaluateSnapshot(snapshot, { rules: [versioning], ctx });

    // Assess
    expect(coverage?.[versioning.id]).toEqual({ evaluated: 3, failed: 1, passed: 2, unevaluated: 1 });
  });

  it('counts nothing for a rule whose source failed, and zero of zero for an empty inventory', () => {
    // Prepare
    const broken = makeSnapshot({ 's3.buckets': failed(collectionFailure('s3.buckets', 's3:ListBuckets')) });
    const empty = makeSnapshot({ 's3.buckets': ok([]) });

    // Act
    const a = evaluateSnapshot(broken, { rules: [versioning], ctx });
    const b = evaluateSnapshot(empty, { rules: [versioning], ctx });

    // Assess
    expect(a.coverage).toEqual({});
    expect(b.coverage).toEqual({ [versioning.id]: { evaluated: 0, failed: 0, passed: 0, unevaluated: 0 } });
  });

  it("keeps the tags of each finding's resource, by finding id, and none for untagged ones", () => {
    // Prepare
    const open = makeSecurityGroup({
      groupId: 'sg-open',
      tags: { Name: 'web', team: 'payments' },
      ingress: [permission('tcp', 22, '0.0.0.0/0')],
    });
    const bare = makeSecurityGroup({
      groupId: 'sg-bare',
      tags: {},
      ingress: [permission('tcp', 3389, '0.0.0.0/0')],
    });
    const closed = makeSecurityGroup({ groupId: 'sg-closed', tags: { Name: 'db' }, ingress: [] });
    const snapshot = makeSnapshot({
      'ec2.securityGroups': ok([open, bare, closed]),
      'ec2.networkInterfaces': ok([makeNetworkInterface({ securityGroupIds: ['sg-open'] })]),
    });

    // Act
    const evaluation = evaluateSnapshot(snapshot, { rules: [openIngress], ctx });

    // Assess
    const byResource = Object.fromEntries(evaluation.findings.map((f) => [f.resourceId, f.findingId]));
    expect(evaluation.resourceTags).toEqual({
      [byResource['sg-open'] as string]: { Name: 'web', team: 'payments' },
    });
    expect(evaluation.coverage?.[openIngress.id]).toMatchObject({ evaluated: 3, failed: 2, passed: 1 });
  });

  it('reports no count for a rule that declares no scope, or whose scope throws, and keeps its findings', () => {
    // Prepare
    const { scope: _scope, ...unscoped } = versioning;
    const throwing: Rule = {
      ...versioning,
      id: 'test-scope-throws',
      scope() {
        throw new Error('boom');
      },
    };
    const snapshot = makeSnapshot({ 's3.buckets': ok(buckets(['a'], ['a'])) }, { region: FIXTURE_REGION });

    // Act
    const evaluation = evaluateSnapshot(snapshot, { rules: [unscoped as Rule, throwing], ctx });

    // Assess
    expect(evaluation.coverage).toEqual({});
    expect(evaluation.findings).toHaveLength(2);
  });
});
