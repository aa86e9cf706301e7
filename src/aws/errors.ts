import { EstatescanError } from '../errors.ts';

/** AssumeRole into a member account failed: the whole account's targets are recorded as failed. */
export class AssumeRoleError extends EstatescanError {
  override name = 'AssumeRoleError';
  constructor(
    readonly accountId: string,
    readonly roleArn: string,
    readonly code: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      `Could not assume ${roleArn} (${code}). Check that the role exists in account ${accountId} and ` +
        'trusts the scanning principal (and the external id, if one is set).',
      options,
    );
  }
}

const throttlingCodes = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
]);

/** The AWS error code of an SDK error, or a short description of a non-AWS failure. */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as {
      name?: string;
      Code?: string;
      code?: string;
      $metadata?: { httpStatusCode?: number };
    };
    if (e.Code) return e.Code;
    if (e.name && e.name !== 'Error') {
      // An operation the emulator lacks answers HTML, which the SDK reports as a parse error.
      if (e.name === 'SyntaxError' || /Deserialization/i.test(e.name)) return 'UnparseableResponse';
      return e.name;
    }
    if (e.code) return e.code;
  }
  return 'UnknownError';
}

export function isThrottlingError(error: unknown): boolean {
  return throttlingCodes.has(errorCode(error));
}

const accessDeniedCodes = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'AuthorizationError',
  'AuthFailure',
  'OptInRequired',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'SubscriptionRequiredException',
]);

export function isAccessDeniedError(error: unknown): boolean {
  return accessDeniedCodes.has(errorCode(error));
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] || error.name;
  return String(error);
}
