import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/s3/s3-bucket-public-access-not-blocked.ts';
import { defaultRuleSettings, type RuleContext } from '../../../../src/engine/types.ts';
import type { Bucket, PublicAccessBlock, Sources } from '../../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../../src/lifecycle/catalogue.ts';
import { collectionFailure, failed, makeSnapshot, ok } from '../../../fixtures/snapshot.ts';
import { fullBlock, makeAccountPublicAccessBlock, makeBucket, noBlock } from '../../../fixtures/storage.ts';

const ctx: RuleContext = {
  now: new Date('2026-11-25T00:00:00Z'),
  settings: defaultRuleSettings,
  lifecycle: lifecycleCatalogue,
};

const evaluate = (account: PublicAccessBlock | null, ...buckets: Bucket[]) =>
  rule.evaluate(
    makeSnapshot({
      's3.buckets': ok(buckets),
      's3.accountPublicAccessBlock': ok([makeAccountPublicAccessBlock(account)]),
    }),
    ctx,
  );

const only = (settings: Partial<PublicAccessBlock>): PublicAccessBlock => ({ ...noBlock, ...settings });

describe('s3-bucket-public-access-not-blocked', () => {
  it.each([
    ['the bucket blocks everything, the account nothing', fullBlock, null],
    ['the account blocks everything, the bucket has no block', null, fullBlock],
    [
      'the two levels together cover all four settings',
      only({ blockPublicAcls: true, ignorePublicAcls: true }),
      only({ blockPublicPolicy: true, restrictPublicBuckets: true }),
    ],
  ] as const)('passes when %s', (_label, bucketBlock, accountBlock) => {
    // Prepare
    const bucket = makeBucket({ publicAccessBlock: bucketBlock });

    // Act + Assess
    expect(evaluate(accountBlock, bucket)).toEqual([]);
  });

  it('reports a bucket with no block in an account with none, with both levels as evidence', () => {
    // Prepare
    const bucket = makeBucket({ name: 'acme-open', publicAccessBlock: null });

    // Act
    const results = evaluate(null, bucket);

    // Assess
    expect(results).toEqual([
      {
        resourceId: 'acme-open',
        resourceArn: 'arn:aws:s3:::acme-open',
        message:
          'S3 bucket acme-open is not fully protected by Block Public Access: blockPublicAcls, ' +
          'ignorePublicAcls, blockPublicPolicy, restrictPublicBuckets are off at both the bucket and the account level.',
        evidence: {
          region: 'eu-west-1',
          bucketPublicAccessBlock: null,
          accountPublicAccessBlock: null,
          missing: ['blockPublicAcls', 'ignorePublicAcls', 'blockPublicPolicy', 'restrictPublicBuckets'],
        },
        cli:
          'aws s3api put-public-access-block --bucket acme-open --public-access-block-configuration ' +
          'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
      },
    ]);
  });

  it.each([
    [
      'blockPublicAcls',
      only({ ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true }),
    ],
    [
      'ignorePublicAcls',
      only({ blockPublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true }),
    ],
    [
      'blockPublicPolicy',
      only({ blockPublicAcls: true, ignorePublicAcls: true, restrictPublicBuckets: true }),
    ],
    [
      'restrictPublicBuckets',
      only({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true }),
    ],
  ] as const)('reports a single missing setting: %s', (missing, account) => {
    // Prepare: the bucket has a block with everything off; the account covers three of four.
    const bucket = makeBucket({ publicAccessBlock: noBlock });

    // Act
    const [result] = evaluate(account, bucket);

    // Assess
    expect(result?.evidence.missing).toEqual([missing]);
    expect(result?.message).toContain(`${missing} is off`);
  });

  it('yields nothing for a bucket whose block could not be read, and still checks the others', () => {
    // Prepare
    const unreadable = makeBucket({ name: 'acme-unreadable', publicAccessBlock: undefined });
    const open = makeBucket({ name: 'acme-open', publicAccessBlock: null });

    // Act + Assess
    expect(evaluate(null, unreadable, open).map((r) => r.resourceId)).toEqual(['acme-open']);
  });

  it('treats an account block source with no item as no account block', () => {
    // Prepare
    const snapshot = makeSnapshot({
      's3.buckets': ok([makeBucket({ publicAccessBlock: null })]),
      's3.accountPublicAccessBlock': ok([]),
    });

    // Act + Assess
    expect(rule.evaluate(snapshot, ctx)).toHaveLength(1);
  });

  it('yields nothing for an empty inventory', () => {
    expect(evaluate(null)).toEqual([]);
  });

  it.each([
    [
      'the buckets',
      {
        's3.buckets': failed(collectionFailure('s3.buckets', 's3:ListBuckets')),
        's3.accountPublicAccessBlock': ok([makeAccountPublicAccessBlock(null)]),
      },
    ],
    [
      'the account block',
      {
        's3.buckets': ok([makeBucket({ publicAccessBlock: null })]),
        's3.accountPublicAccessBlock': failed(
          collectionFailure('s3.accountPublicAccessBlock', 's3control:GetPublicAccessBlock'),
        ),
      },
    ],
  ] satisfies [string, Sources][])(
    'yields nothing, without throwing, when %s could not be read',
    (_label, sources) => {
      expect(rule.evaluate(makeSnapshot(sources), ctx)).toEqual([]);
    },
  );

  it('declares both sources it reads and is high severity', () => {
    expect(rule.requires).toEqual(['s3.buckets', 's3.accountPublicAccessBlock']);
    expect(rule.severity).toBe('high');
  });
});
