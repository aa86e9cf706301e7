import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/ec2/ec2-instance-imdsv1-allowed.ts';
import type { Instance, MetadataOptions } from '../../../../src/inventory/types.ts';
import { makeRuleContext } from '../../../fixtures/network.ts';
import {
  collectionFailure,
  FIXTURE_ACCOUNT,
  FIXTURE_REGION,
  failed,
  makeInstance,
  makeSnapshot,
  ok,
} from '../../../fixtures/snapshot.ts';

const ctx = makeRuleContext();
const evaluate = (instances: Instance[]) =>
  rule.evaluate(makeSnapshot({ 'ec2.instances': ok(instances) }), ctx);

describe('ec2-instance-imdsv1-allowed', () => {
  it('reports nothing for an instance that requires tokens (passing case)', () => {
    expect(
      evaluate([makeInstance({ metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled' } })]),
    ).toEqual([]);
  });

  it('reports an instance with optional tokens, with its evidence and command (failing case)', () => {
    // Prepare
    const instance = makeInstance({
      tags: { Name: 'web-1' },
      iamInstanceProfileArn: `arn:aws:iam::${FIXTURE_ACCOUNT}:instance-profile/web`,
      metadataOptions: { httpTokens: 'optional', httpEndpoint: 'enabled', httpPutResponseHopLimit: 2 },
    });

    // Act
    const results = evaluate([instance]);

    // Assess
    expect(results).toEqual([
      {
        resourceId: 'i-0123456789abcdef0',
        resourceArn: `arn:aws:ec2:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:instance/i-0123456789abcdef0`,
        message:
          'EC2 instance web-1 (i-0123456789abcdef0) accepts IMDSv1 metadata requests without a session token (HttpTokens is optional).',
        evidence: {
          state: 'running',
          httpTokens: 'optional',
          httpEndpoint: 'enabled',
          httpPutResponseHopLimit: 2,
          iamInstanceProfileArn: `arn:aws:iam::${FIXTURE_ACCOUNT}:instance-profile/web`,
        },
        cli: 'aws ec2 modify-instance-metadata-options --instance-id i-0123456789abcdef0 --http-tokens required --http-endpoint enabled',
      },
    ]);
  });

  it.each<[string, MetadataOptions, boolean]>([
    ['optional tokens', { httpTokens: 'optional' }, true],
    ['optional tokens, endpoint enabled', { httpTokens: 'optional', httpEndpoint: 'enabled' }, true],
    ['tokens not reported (the endpoint defaults to on)', {}, true],
    ['required tokens', { httpTokens: 'required' }, false],
    [
      'optional tokens but the endpoint disabled',
      { httpTokens: 'optional', httpEndpoint: 'disabled' },
      false,
    ],
  ])('%s → finding: %s', (_label, metadataOptions, expected) => {
    expect(evaluate([makeInstance({ metadataOptions })])).toHaveLength(expected ? 1 : 0);
  });

  it.each([
    ['running', 1],
    ['pending', 1],
    ['stopped', 1],
    ['stopping', 1],
    ['shutting-down', 0],
    ['terminated', 0],
  ])('an IMDSv1 instance that is %s yields %i finding(s)', (state, count) => {
    expect(evaluate([makeInstance({ state, metadataOptions: { httpTokens: 'optional' } })])).toHaveLength(
      count,
    );
  });

  it('says when tokens were not reported at all', () => {
    const [result] = evaluate([makeInstance({ metadataOptions: {} })]);
    expect(result?.message).toBe(
      'EC2 instance i-0123456789abcdef0 accepts IMDSv1 metadata requests without a session token (HttpTokens is not set).',
    );
    expect(result?.evidence).toEqual({ state: 'running', httpTokens: null, httpEndpoint: 'enabled' });
  });

  it('reports nothing for an empty inventory', () => {
    expect(evaluate([])).toEqual([]);
  });

  it('yields nothing, without throwing, when ec2.instances failed', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'ec2.instances': failed(
        collectionFailure('ec2.instances', 'ec2:DescribeInstances', 'RequestLimitExceeded'),
      ),
    });

    // Act
    const results = rule.evaluate(snapshot, ctx);

    // Assess
    expect(results).toEqual([]);
  });
});
