/**
 * Credentials per account: the caller's own account uses the default chain (unless told to assume
 * the role there too); every other account is reached by `sts:AssumeRole` into
 * `arn:aws:iam::<account>:role/<role-name>`, cached and refreshed before it expires.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { AssumeRoleSettings } from './assume-role-settings.ts';
import { AssumeRoleError, errorCode } from './errors.ts';

export { type AssumeRoleSettings, defaultAssumeRoleSettings } from './assume-role-settings.ts';

export function roleArn(
  accountId: string,
  settings: Pick<AssumeRoleSettings, 'roleName' | 'partition'>,
): string {
  return `arn:${settings.partition}:iam::${accountId}:role/${settings.roleName}`;
}

/** Session names allow `[\w+=,.@-]` and at most 64 characters. */
export function sessionName(raw: string): string {
  return raw.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

export class CredentialBroker {
  readonly #providers = new Map<string, AwsCredentialIdentityProvider>();

  constructor(
    private readonly sts: STSClient,
    readonly callerAccountId: string,
    private readonly settings: AssumeRoleSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** A provider for the account, or undefined to use the default credential chain. */
  forAccount(accountId: string): AwsCredentialIdentityProvider | undefined {
    if (accountId === this.callerAccountId && !this.settings.assumeRoleInCallerAccount) return undefined;
    let provider = this.#providers.get(accountId);
    if (!provider) {
      provider = this.#assumeRoleProvider(accountId);
      this.#providers.set(accountId, provider);
    }
    return provider;
  }

  #assumeRoleProvider(accountId: string): AwsCredentialIdentityProvider {
    const arn = roleArn(accountId, this.settings);
    let cached: AwsCredentialIdentity | undefined;
    let pending: Promise<AwsCredentialIdentity> | undefined;
    const fresh = (c: AwsCredentialIdentity | undefined) =>
      c !== undefined &&
      (!c.expiration || c.expiration.getTime() - this.settings.refreshMarginMs > this.now());
    const assume = async (): Promise<AwsCredentialIdentity> => {
      try {
        const response = await this.sts.send(
          new AssumeRoleCommand({
            RoleArn: arn,
            RoleSessionName: sessionName(this.settings.sessionName),
            DurationSeconds: this.settings.durationSeconds,
            ...(this.settings.externalId ? { ExternalId: this.settings.externalId } : {}),
          }),
        );
        const c = response.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
          accountId,
        };
      } catch (error) {
        throw new AssumeRoleError(accountId, arn, errorCode(error), { cause: error });
      }
    };
    return async () => {
      if (fresh(cached)) return cached!;
      // Concurrent calls for the same account share one AssumeRole request.
      pending ??= assume().finally(() => {
        pending = undefined;
      });
      cached = await pending;
      return cached;
    };
  }
}
