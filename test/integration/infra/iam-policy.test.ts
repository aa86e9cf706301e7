import { readFileSync } from 'node:fs';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient, RegisterContainerInstanceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asArray, parseCloudFormationYaml, roleStatements } from '../../../scripts/cloudformation.ts';
import {
  DEMO_ACCOUNTS,
  DEMO_HUB_CREDENTIALS,
  DEMO_REGIONS,
  seedDemoEstate,
} from '../../../scripts/demo/estate.ts';
import { ApiCallCounter } from '../../../src/aws/api-calls.ts';
import { defaultAssumeRoleSettings } from '../../../src/aws/credentials.ts';
import { iamActionFor, memberAccountOperations } from '../../../src/aws/iam-actions.ts';
import { ScanSession } from '../../../src/aws/session.ts';
import { allSources } from '../../../src/inventory/collect.ts';
import { enabledRegions } from '../../../src/scan/plan.ts';
import { collectTargets } from '../../../src/scan/run-inventory.ts';
import { clientsFor, emulatorEndpoint, resetEmulator } from '../../support/emulator.ts';

/** Calls the hub makes with its own credentials, which the member role does not authorize. */
const hubOperations = new Set(['sts:GetCallerIdentity', 'sts:AssumeRole']);

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

function memberRoleActions(): string[] {
  const template = parseCloudFormationYaml(
    readFileSync(new URL('../../../infra/member-role.yml', import.meta.url), 'utf8'),
  );
  const roleId = Object.keys(template.Resources).find(
    (id) => template.Resources[id]?.Type === 'AWS::IAM::Role',
  )!;
  return roleStatements(template, roleId).flatMap((s) => asArray(s.Action));
}

describe('the member role against the calls a full inventory makes (demo estate, every source)', () => {
  let counted: string[] = [];

  beforeAll(async () => {
    // Prepare: the demo estate; a session that reaches every account, the hub's too, through the
    // member role (as the deployed functions do), counting every call.
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
    await registerContainerInstance(DEMO_ACCOUNTS.production, 'eu-west-1', 'payments');
    const counter = new ApiCallCounter();
    const session = await ScanSession.create(
      {
        aws: { endpoint: emulatorEndpoint(), maxAttempts: 1, retryMode: 'standard' },
        assumeRole: {
          ...defaultAssumeRoleSettings,
          assumeRoleInCallerAccount: true,
          sessionName: 'iam-policy',
        },
        homeRegion: 'us-east-1',
      },
      counter,
    );
    const accounts = Object.values(DEMO_ACCOUNTS);

    // Act: the planner's region listing (regions: all), then every source of every target.
    await enabledRegions(session, accounts[0]!);
    await collectTargets(session, {
      targets: accounts.flatMap((accountId) => DEMO_REGIONS.map((region) => ({ accountId, region }))),
      wanted: allSources,
      details: true,
      targetConcurrency: 3,
      itemConcurrency: 4,
      now: () => new Date(),
    });
    session.destroy();
    counted = Object.keys(counter.snapshot()).filter((key) => !hubOperations.has(key));
  });

  afterAll(() => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
  });

  it('calls exactly the operations memberAccountOperations lists (those moto lacks are attempted too)', () => {
    // Assess
    expect(counted.sort()).toEqual([...memberAccountOperations].sort());
  });

  it('finds every action it calls in the policy, and every action of the policy called', () => {
    // Prepare
    const used = new Set(counted.map(iamActionFor));
    const granted = new Set(memberRoleActions());

    // Act
    const missing = [...used].filter((a) => !granted.has(a)).sort();
    const unused = [...granted].filter((a) => !used.has(a)).sort();

    // Assess
    expect({ missing, unused }).toEqual({ missing: [], unused: [] });
  });
});
