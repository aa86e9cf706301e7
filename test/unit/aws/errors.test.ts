import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  AssumeRoleError,
  errorCode,
  errorMessage,
  isAccessDeniedError,
  isThrottlingError,
} from '../../../src/aws/errors.ts';
import { EstatescanError } from '../../../src/errors.ts';

function ec2Error(name: string): EC2ServiceException {
  return new EC2ServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: `${name} from EC2`,
  });
}

describe('errorCode', () => {
  it('reads the name of an SDK service exception', () => {
    // Prepare
    const error = ec2Error('UnauthorizedOperation');

    // Act
    const code = errorCode(error);

    // Assess
    expect(code).toBe('UnauthorizedOperation');
  });

  it('prefers an explicit Code over the name', () => {
    // Prepare
    const error = Object.assign(
      new S3ServiceException({ name: 'S3ServiceException', $fault: 'client', $metadata: {} }),
      {
        Code: 'NoSuchPublicAccessBlockConfiguration',
      },
    );

    // Act
    const code = errorCode(error);

    // Assess
    expect(code).toBe('NoSuchPublicAccessBlockConfiguration');
  });

  it('reports a response the SDK could not parse as UnparseableResponse', () => {
    // Prepare
    const syntax = new SyntaxError('Unexpected token < in JSON at position 0');
    const deserialization = Object.assign(new Error('Deserialization error'), {
      name: 'DeserializationError',
    });

    // Act
    const codes = [errorCode(syntax), errorCode(deserialization)];

    // Assess
    expect(codes).toEqual(['UnparseableResponse', 'UnparseableResponse']);
  });

  it('falls back to a Node error code when the name is the generic Error', () => {
    // Prepare
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });

    // Act
    const code = errorCode(error);

    // Assess
    expect(code).toBe('ECONNREFUSED');
  });

  it('keeps a specific built-in error name', () => {
    // Act
    const code = errorCode(new TypeError('fetch failed'));

    // Assess
    expect(code).toBe('TypeError');
  });

  it('answers UnknownError for a bare Error and for values that are not errors', () => {
    // Prepare
    const values: unknown[] = [new Error('boom'), 'boom', 42, undefined, null, {}];

    // Act
    const codes = values.map(errorCode);

    // Assess
    expect(codes).toEqual(Array(values.length).fill('UnknownError'));
  });
});

describe('isThrottlingError', () => {
  it('recognizes the throttling codes of the services estatescan calls', () => {
    // Prepare
    const codes = [
      'RequestLimitExceeded', // EC2
      'ThrottlingException', // ECS, EKS, ECR, SSM
      'Throttling', // STS, Organizations (query protocol)
      'TooManyRequestsException', // Organizations
      'SlowDown', // S3
    ];

    // Act
    const results = codes.map((code) => isThrottlingError(ec2Error(code)));

    // Assess
    expect(results).toEqual(codes.map(() => true));
  });

  it('does not take access denials, missing resources or non-errors for throttling', () => {
    // Prepare
    const values: unknown[] = [
      ec2Error('UnauthorizedOperation'),
      ec2Error('InvalidInstanceID.NotFound'),
      new Error('socket hang up'),
      undefined,
    ];

    // Act
    const results = values.map(isThrottlingError);

    // Assess
    expect(results).toEqual([false, false, false, false]);
  });
});

describe('isAccessDeniedError', () => {
  it('recognizes denials, disabled regions and bad credentials', () => {
    // Prepare
    const codes = [
      'AccessDenied',
      'AccessDeniedException',
      'UnauthorizedOperation',
      'AuthFailure',
      'OptInRequired',
      'InvalidClientTokenId',
      'ExpiredToken',
    ];

    // Act
    const results = codes.map((code) => isAccessDeniedError(ec2Error(code)));

    // Assess
    expect(results).toEqual(codes.map(() => true));
  });

  it('does not take throttling, missing resources or non-errors for a denial', () => {
    // Prepare
    const values: unknown[] = [
      ec2Error('RequestLimitExceeded'),
      ec2Error('NoSuchBucket'),
      'AccessDenied',
      null,
    ];

    // Act
    const results = values.map(isAccessDeniedError);

    // Assess
    expect(results).toEqual([false, false, false, false]);
  });
});

describe('errorMessage', () => {
  it('keeps the first line of an error message and stringifies anything else', () => {
    // Prepare
    const multiline = new Error(
      'User is not authorized to perform: ec2:DescribeInstances\nEncoded message: xyz',
    );

    // Act
    const messages = [errorMessage(multiline), errorMessage('plain text'), errorMessage(404)];

    // Assess
    expect(messages).toEqual([
      'User is not authorized to perform: ec2:DescribeInstances',
      'plain text',
      '404',
    ]);
  });
});

describe('AssumeRoleError', () => {
  it('names the role and account, keeps the code and cause, and is an EstatescanError', () => {
    // Prepare
    const cause = ec2Error('AccessDenied');

    // Act
    const error = new AssumeRoleError(
      '222222222222',
      'arn:aws:iam::222222222222:role/EstatescanReadOnly',
      'AccessDenied',
      {
        cause,
      },
    );

    // Assess
    expect(error).toBeInstanceOf(EstatescanError);
    expect(error.name).toBe('AssumeRoleError');
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('arn:aws:iam::222222222222:role/EstatescanReadOnly (AccessDenied)');
    expect(error.message).toContain('account 222222222222');
  });
});
