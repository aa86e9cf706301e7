/**
 * How an SDK client reaches AWS: region, retries and, for an emulator, one endpoint. A leaf module
 * (no SDK client imported), so a function that makes one SNS or SSM client does not bundle the
 * scanner's clients with it.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** How clients reach AWS. Built from the settings by the configuration module. */
export interface AwsClientSettings {
  /** Endpoint for every service (from `AWS_ENDPOINT_URL`), e.g. an emulator. */
  endpoint?: string;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
}

export const defaultAwsClientSettings: AwsClientSettings = { maxAttempts: 8, retryMode: 'adaptive' };

export type CredentialSource = AwsCredentialIdentityProvider | AwsCredentialIdentity | undefined;

export function clientConfig(region: string, credentials: CredentialSource, settings: AwsClientSettings) {
  return {
    region,
    maxAttempts: settings.maxAttempts,
    retryMode: settings.retryMode,
    ...(credentials ? { credentials } : {}),
    ...(settings.endpoint
      ? {
          endpoint: settings.endpoint,
          // Emulators serve every bucket and account on one host: no virtual-hosted buckets, and no
          // `<account-id>.` host prefix (S3 Control adds one to every operation).
          forcePathStyle: true,
          disableHostPrefix: true,
        }
      : {}),
  };
}
