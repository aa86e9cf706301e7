/**
 * The demo estate (scripts/demo/estate.ts) set up so that a full inventory makes every call a
 * collector can make: one EC2 container instance (so container instances are described), and the
 * list calls moto lacks answered as AWS would for an account with one add-on and one Outpost of its
 * own (so the calls that follow them are made too, and fail on the emulator). For the tests that
 * check the calls an inventory makes against the collectors' declarations and the member role.
 */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient, RegisterContainerInstanceCommand } from '@aws-sdk/client-ecs';
import { EKSClient } from '@aws-sdk/client-eks';
import { OutpostsClient } from '@aws-sdk/client-outposts';
import {
  DEMO_ACCOUNTS,
  DEMO_HUB_CREDENTIALS,
  DEMO_REGIONS,
  seedDemoEstate,
} from '../../scripts/demo/estate.ts';
import type { ApiCallCounter } from '../../src/aws/api-calls.ts';
import type { AccountClients } from '../../src/aws/clients.ts';
import { defaultAssumeRoleSettings } from '../../src/aws/credentials.ts';
import { ScanSession } from '../../src/aws/session.ts';
import type { Target } from '../../src/inventory/types.ts';
import { clientsFor, emulatorEndpoint, resetEmulator } from './emulator.ts';
import { answerOperation } from './moto-gaps.ts';

/** Calls the hub makes with its own credentials, which the member role does not authorize. */
export const hubOperations: ReadonlySet<string> = new Set(['sts:GetCallerIdentity', 'sts:AssumeRole']);

export const demoAccounts: string[] = Object.values(DEMO_ACCOUNTS);

export const demoTargets: Target[] = demoAccounts.flatMap((accountId) =>
  DEMO_REGIONS.map((region) => ({ accountId, region })),
);

/**
 * The demo estate's ECS clusters have no container instances (moto cannot register ECS Anywhere
 * hosts); an EC2 container instance makes the collector describe container instances too.
 */
async function registerContainerInstance(accountId: string, region: string, cluster: string): Promise<void> {
  const clients = await clientsFor(accountId);
  const reservations = await clients.get(EC2Client, region).send(new DescribeInstancesCommand({}));
  const instanceId = reservations.Reservations?.[0]?.Instances?.[0]?.InstanceId;
  await clients.get(ECSClient, region).send(
    new RegisterContainerInstanceCommand({
      cluster,
      instanceIdentityDocument: JSON.stringify({ instanceId, region }),
    }),
  );
  clients.destroy();
}

/**
 * moto has no EKS add-ons and no Outposts: answer their list calls (and DescribeAddon) as AWS would
 * for an account with one add-on and one Outpost of its own.
 */
function answerAddonsAndOutposts(clients: AccountClients, region: string): void {
  const eks = clients.get(EKSClient, region);
  answerOperation(eks, 'ListAddons', { addons: ['vpc-cni'] });
  answerOperation(eks, 'DescribeAddon', {
    addon: { addonName: 'vpc-cni', clusterName: 'any', status: 'ACTIVE', addonVersion: 'v1.19.2-eksbuild.1' },
  });
  answerOperation(clients.get(OutpostsClient, region), 'ListOutposts', {
    Outposts: [
      { OutpostId: 'op-0a1b2c3d4e5f60001', OwnerId: clients.accountId, SiteId: 'os-0a1b2c3d4e5f60001' },
    ],
  });
}

/**
 * A fresh emulator holding the demo estate, and the hub's credentials in the environment (what a
 * `ScanSession` starts from); `releaseDemoEstate` takes them out again.
 */
export async function prepareDemoEstate(): Promise<void> {
  await resetEmulator();
  process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
  await seedDemoEstate(emulatorEndpoint());
  await registerContainerInstance(DEMO_ACCOUNTS.production, 'eu-west-1', 'payments');
}

export function releaseDemoEstate(): void {
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
}

/**
 * A session that reaches every demo account, the hub's too, through the member role (as the
 * deployed functions do), counting every call, with moto's missing calls answered.
 */
export async function demoSession(counter: ApiCallCounter, sessionName: string): Promise<ScanSession> {
  const session = await ScanSession.create(
    {
      aws: { endpoint: emulatorEndpoint(), maxAttempts: 1, retryMode: 'standard' },
      assumeRole: { ...defaultAssumeRoleSettings, assumeRoleInCallerAccount: true, sessionName },
      homeRegion: 'us-east-1',
    },
    counter,
  );
  for (const { accountId, region } of demoTargets)
    answerAddonsAndOutposts(session.account(accountId), region);
  return session;
}
