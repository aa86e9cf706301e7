import { describe, expect, it } from 'vitest';
import { judgeCall, type RolePolicies } from '../../../../scripts/rehearsal/policy-check.ts';

const ROLE = 'arn:aws:iam::123456789012:role/estatescan/estatescan-ci-us-east-1-notify';
const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/estatescan-ci-findings';

function policies(...statements: RolePolicies['statements'][number]['statement'][]): RolePolicies {
  return { roleArn: ROLE, statements: statements.map((statement) => ({ policy: 'notify', statement })) };
}

describe('judgeCall', () => {
  it('allows a call an Allow statement names, its action case-insensitively and its resource by wildcard', () => {
    // Prepare
    const role = policies({
      Sid: 'ReadTheChangeStream',
      Effect: 'Allow',
      Action: ['dynamodb:GetRecords'],
      Resource: `${TABLE}/stream/*`,
    });

    // Act
    const verdict = judgeCall(role, {
      action: 'DynamoDB:getrecords',
      resource: `${TABLE}/stream/2026-12-06T11:23`,
    });

    // Assess
    expect(verdict).toMatchObject({ verdict: 'allowed', statement: 'notify/ReadTheChangeStream' });
  });

  it('denies a call on another resource than the statement names', () => {
    // Prepare
    const role = policies({ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE });

    // Act
    const verdict = judgeCall(role, { action: 'dynamodb:PutItem', resource: `${TABLE}-copy` });

    // Assess
    expect(verdict.verdict).toBe('denied');
  });

  it('lets an explicit Deny win over an Allow, and honours NotAction', () => {
    // Prepare
    const role = policies(
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Sid: 'NoWrites', Effect: 'Deny', NotAction: ['dynamodb:Get*', 'dynamodb:Query'], Resource: TABLE },
    );

    // Act
    const read = judgeCall(role, { action: 'dynamodb:GetItem', resource: TABLE });
    const write = judgeCall(role, { action: 'dynamodb:PutItem', resource: TABLE });

    // Assess
    expect(read.verdict).toBe('allowed');
    expect(write).toMatchObject({ verdict: 'denied', statement: 'notify/NoWrites' });
  });

  it('says when the allowing statement has conditions, which it does not evaluate', () => {
    // Prepare
    const role = policies({
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: TABLE,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RUN#*'] } },
    });

    // Act
    const verdict = judgeCall(role, { action: 'dynamodb:PutItem', resource: TABLE });

    // Assess
    expect(verdict).toMatchObject({ verdict: 'allowed', conditional: true });
  });

  it('allows sts:GetCallerIdentity without a grant, and cannot judge a call whose resource or route is unknown', () => {
    // Prepare
    const role = policies({ Effect: 'Allow', Action: '*', Resource: '*' });

    // Act
    const identity = judgeCall(policies(), { action: 'sts:GetCallerIdentity', resource: '*' });
    const noResource = judgeCall(role, { action: 'dynamodb:GetRecords' });
    const unknownRoute = judgeCall(role, { action: 'eks:UnknownGET', resource: '*' });

    // Assess
    expect(identity.verdict).toBe('allowed');
    expect(noResource.verdict).toBe('unknown-resource');
    expect(unknownRoute.verdict).toBe('unknown-operation');
  });
});
