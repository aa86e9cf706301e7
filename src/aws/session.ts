/**
 * A scan session: the hub's identity, credentials per account, one `AccountClients` per account
 * (so one client per account × region × service), and the API call counter. Built once per run.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { EstatescanError } from '../errors.ts';
import { ApiCallCounter } from './api-calls.ts';
import { type AwsClientSettings, clientConfig } from './client-config.ts';
import { AccountClients, type ClientHook } from './clients.ts';
import { type AssumeRoleSettings, CredentialBroker } from './credentials.ts';
import { errorCode } from './errors.ts';

export class CallerIdentityError extends EstatescanError {
  override name = 'CallerIdentityError';
}

export interface SessionSettings {
  aws: AwsClientSettings;
  assumeRole: AssumeRoleSettings;
  /** The region for global calls (STS, Organizations). */
  homeRegion: string;
  /** The clock credentials are refreshed by (epoch ms); `Date.now` unless a test moves time. */
  now?: () => number;
  /**
   * Called with every client the session makes (STS, the hub's and every member account's), e.g.
   * the tracer's `captureAWSv3Client` in the functions.
   */
  onClient?: ClientHook;
}

export class ScanSession {
  readonly counter: ApiCallCounter;
  readonly #accounts = new Map<string, AccountClients>();

  private constructor(
    readonly callerAccountId: string,
    readonly settings: SessionSettings,
    readonly broker: CredentialBroker,
    readonly hub: AccountClients,
    /** The hub's STS client, which every AssumeRole goes through. */
    readonly sts: STSClient,
    counter: ApiCallCounter,
  ) {
    this.counter = counter;
  }

  /** Asks STS who the caller is and prepares credentials for the accounts it will reach. */
  static async create(settings: SessionSettings, counter = new ApiCallCounter()): Promise<ScanSession> {
    const sts = new STSClient(clientConfig(settings.homeRegion, undefined, settings.aws));
    counter.instrument(sts, 'sts');
    settings.onClient?.(sts);
    let accountId: string | undefined;
    try {
      accountId = (await sts.send(new GetCallerIdentityCommand({}))).Account;
    } catch (error) {
      throw new CallerIdentityError(
        `Could not tell who the caller is (sts:GetCallerIdentity: ${errorCode(error)}). Check your AWS ` +
          'credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID…) and, for an emulator, AWS_ENDPOINT_URL.',
        { cause: error },
      );
    }
    if (!accountId) throw new CallerIdentityError('sts:GetCallerIdentity returned no account id.');
    const broker = new CredentialBroker(sts, accountId, settings.assumeRole, settings.now);
    const hub = new AccountClients(accountId, undefined, settings.aws, counter, settings.onClient);
    return new ScanSession(accountId, settings, broker, hub, sts, counter);
  }

  /** The clients of an account, reached by AssumeRole unless it is the caller's own. */
  account(accountId: string): AccountClients {
    let clients = this.#accounts.get(accountId);
    if (!clients) {
      clients = new AccountClients(
        accountId,
        this.broker.forAccount(accountId),
        this.settings.aws,
        this.counter,
        this.settings.onClient,
      );
      this.#accounts.set(accountId, clients);
    }
    return clients;
  }

  /** Resolves the account's credentials now, so a denied AssumeRole fails its targets up front. */
  async checkAccess(accountId: string): Promise<void> {
    await this.broker.forAccount(accountId)?.();
  }

  destroy(): void {
    for (const clients of this.#accounts.values()) clients.destroy();
    this.hub.destroy();
    this.sts.destroy();
  }
}
