/**
 * The external id the scanning functions (plan, scan-target, scan) pass on every AssumeRole into a
 * member account. The deployment keeps it in an SSM SecureString named by `EXTERNAL_ID_PARAMETER`,
 * read at run time, so it is in no function's environment, no template and no deployment
 * artifact; the functions that assume no role are not even told where it is. Like the webhook
 * URL, it never appears in a log line or an error message.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { errorCode } from '../aws/errors.ts';
import {
  type CachedParameter,
  cacheForAtMost,
  DEFAULT_PARAMETER_MAX_AGE_MS,
} from '../aws/parameter-cache.ts';
import { ConfigurationError } from '../config/errors.ts';
import { EstatescanError } from '../errors.ts';

/** What infra/member-role.yml's `ExternalId` accepts (MinLength 16, MaxLength 1224, its pattern). */
export const externalIdPattern = /^[\w+=,.@:/-]{16,1224}$/;

const misconfigured = new Set([
  'ParameterNotFound',
  'AccessDeniedException',
  'AccessDenied',
  'KMSAccessDeniedException',
  'NotFoundException',
  'InvalidKeyId',
]);

export async function readExternalId(ssm: Pick<SSMClient, 'send'>, parameterName: string): Promise<string> {
  let value: string | undefined;
  try {
    const output = await ssm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
    value = output.Parameter?.Value;
  } catch (error) {
    const message =
      `Could not read the external id from SSM parameter ${parameterName} (${errorCode(error)}). Check ` +
      "that it exists as a SecureString and that the function's role may ssm:GetParameter it and " +
      'kms:Decrypt with its key (the externalIdParameter deployment parameter names it).';
    // A missing parameter or a denied read fails the same way again; anything else (throttling, a
    // network error) is worth Step Functions' retry.
    if (misconfigured.has(errorCode(error))) throw new ConfigurationError(message);
    throw new EstatescanError(message, { cause: error });
  }
  if (!value || !externalIdPattern.test(value)) {
    // Never quote the value: it is the secret, maybe stored with a typo.
    throw new ConfigurationError(
      `SSM parameter ${parameterName} does not hold a valid external id: 16 to 1224 letters, digits ` +
        'or +=,.@:/-_ (what the member role template accepts). Store one, e.g. `openssl rand -hex 24`, ' +
        "and the same value as the member role's ExternalId.",
    );
  }
  return value;
}

/** The external id, read on first use and again after `maxAgeMs` (a rotation takes effect within minutes). */
export function cachedExternalId(
  ssm: Pick<SSMClient, 'send'>,
  parameterName: string,
  options: { maxAgeMs?: number; now?: () => number } = {},
): CachedParameter<string> {
  return cacheForAtMost(() => readExternalId(ssm, parameterName), {
    maxAgeMs: options.maxAgeMs ?? DEFAULT_PARAMETER_MAX_AGE_MS,
    ...(options.now ? { now: options.now } : {}),
  });
}
