/**
 * What integration tests need from the emulator: its endpoint, a reset, clients in any account
 * (moto keys state by account; AssumeRole into `arn:aws:iam::<account>:role/<any>` reaches it).
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { inject } from 'vitest';
import { ApiCallCounter } from '../../src/aws/api-calls.ts';
import { AccountClients, type AwsClientSettings } from '../../src/aws/clients.ts';
import { AccountScope, type CollectorContext } from '../../src/inventory/collector.ts';

/** moto's default account, the caller's own account in every test. */
export const HUB_ACCOUNT = '123456789012';
export const MEMBER_A = '111111111111';
export const MEMBER_B = '222222222222';

/** 20-character keys: moto maps keys to accounts and gives unknown ones the default account. */
export const hubCredentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'test-secret' };

export function emulatorEndpoint(): string {
  return inject('emulatorEndpoint');
}

export function emulatorSettings(): AwsClientSettings {
  return { endpoint: emulatorEndpoint(), maxAttempts: 3, retryMode: 'standard' };
}

export async function resetEmulator(): Promise<void> {
  const response = await fetch(`${emulatorEndpoint()}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`reset failed: HTTP ${response.status}`);
}

/** Credentials that land in `accountId`'s state in moto. */
export async function credentialsFor(accountId: string) {
  if (accountId === HUB_ACCOUNT) return hubCredentials;
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: emulatorEndpoint(),
    credentials: hubCredentials,
  });
  const response = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/seed`, RoleSessionName: 'seed' }),
  );
  const c = response.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

/** Clients in an account, for seeding and for collecting. */
export async function clientsFor(accountId: string, counter?: ApiCallCounter): Promise<AccountClients> {
  return new AccountClients(accountId, await credentialsFor(accountId), emulatorSettings(), counter);
}

/** A collector context for one account × region on the emulator. */
export async function collectorContext(
  accountId: string,
  region: string,
  options: { concurrency?: number; counter?: ApiCallCounter; pageSize?: number; details?: boolean } = {},
): Promise<CollectorContext> {
  return {
    accountId,
    region,
    clients: await clientsFor(accountId, options.counter ?? new ApiCallCounter()),
    concurrency: options.concurrency ?? 8,
    account: new AccountScope(),
    errors: [],
    // The collectors' tests read what the inventory shows, the inventory-only fields included.
    details: options.details ?? true,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  };
}
