import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/s3/s3-bucket-versioning-disabled.ts';
import { defaultRuleSettings, type RuleContext } from '../../../../src/engine/types.ts';
import type { Bucket } from '../../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../../src/lifecycle/catalogue.ts';
import { collectionFailure, failed, makeSnapshot, ok } from '../../../fixtures/snapshot.ts';
import { makeBucket } from '../../../fixtures/storage.ts';

const ctx: RuleContext = {
  now: new Date('2026-11-25T00:00:00Z'),
  settings: defaultRuleSettings,
  lifecycle: lifecycleCatalogue,
};

const evaluate = (...buckets: Bucket[]) => rule.evaluate(makeSnapshot({ 's3.buckets': ok(buckets) }), ctx);

describe('s3-bucket-versioning-disabled', () => {
  it('passes a bucket with versioning enabled', () => {
    expect(evaluate(makeBucket({ versioning: 'Enabled' }))).toEqual([]);
  });

  it('yields nothing for a bucket whose versioning could not be read', () => {
    // Prepare: `versioning` undefined, the GetBucketVersioning error is in the snapshot.
    const bucket = makeBucket({ versioning: undefined });

    // Act + Assess
    expect(evaluate(bucket)).toEqual([]);
  });

  it.each([
    ['Never', 'S3 bucket acme-logs has never had versioning enabled.'],
    ['Suspended', 'S3 bucket acme-logs has versioning suspended: new writes overwrite objects for good.'],
  ] as const)('reports versioning %s', (versioning, message) => {
    // Prepare
    const bucket = makeBucket({ name: 'acme-logs', versioning });

    // Act
    const results = evaluate(bucket);

    // Assess
    expect(results).toEqual([
      {
        resourceId: 'acme-logs',
        resourceArn: 'arn:aws:s3:::acme-logs',
        message,
        evidence: { versioning, region: 'eu-west-1' },
        cli: 'aws s3api put-bucket-versioning --bucket acme-logs --versioning-configuration Status=Enabled',
      },
    ]);
  });

  it('reports only the unversioned buckets among several, in inventory order', () => {
    // Prepare
    const buckets = [
      makeBucket({ name: 'a', versioning: 'Never' }),
      makeBucket({ name: 'b', versioning: 'Enabled' }),
      makeBucket({ name: 'c', versioning: 'Suspended' }),
    ];

    // Act + Assess
    expect(evaluate(...buckets).map((r) => r.resourceId)).toEqual(['a', 'c']);
  });

  it('yields nothing for an empty inventory', () => {
    expect(evaluate()).toEqual([]);
  });

  it('yields nothing, without throwing, when the buckets could not be listed', () => {
    // Prepare
    const snapshot = makeSnapshot({
      's3.buckets': failed(collectionFailure('s3.buckets', 's3:ListBuckets')),
    });

    // Act + Assess
    expect(rule.evaluate(snapshot, ctx)).toEqual([]);
  });

  it('declares the one source it reads', () => {
    expect(rule.requires).toEqual(['s3.buckets']);
    expect(rule.references.securityHub).toBe('S3.14');
  });
});
