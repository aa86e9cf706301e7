import {
  CreateClusterCommand,
  CreateFargateProfileCommand,
  CreateNodegroupCommand,
  EKSClient,
} from '@aws-sdk/client-eks';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../../src/aws/api-calls.ts';
import { eksCollector } from '../../../src/inventory/collectors/eks.ts';
import type { SourceId } from '../../../src/inventory/types.ts';
import {
  clientsFor,
  collectorContext,
  HUB_ACCOUNT,
  MEMBER_A,
  resetEmulator,
} from '../../support/emulator.ts';
import { denyOperation } from '../../support/faults.ts';

const both = new Set<SourceId>(['eks.clusters', 'eks.nodegroups']);

async function eksIn(account: string, region: string): Promise<EKSClient> {
  return (await clientsFor(account)).get(EKSClient, region);
}

function roleArn(account: string, name: string): string {
  return `arn:aws:iam::${account}:role/${name}`;
}

async function createCluster(
  eks: EKSClient,
  account: string,
  input: Omit<ConstructorParameters<typeof CreateClusterCommand>[0], 'roleArn' | 'resourcesVpcConfig'> &
    Partial<Pick<ConstructorParameters<typeof CreateClusterCommand>[0], 'resourcesVpcConfig'>>,
): Promise<void> {
  await eks.send(
    new CreateClusterCommand({
      roleArn: roleArn(account, 'eks-cluster'),
      resourcesVpcConfig: { subnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'] },
      ...input,
    }),
  );
}

async function createNodegroup(
  eks: EKSClient,
  account: string,
  clusterName: string,
  nodegroupName: string,
  extra: Partial<ConstructorParameters<typeof CreateNodegroupCommand>[0]> = {},
): Promise<void> {
  await eks.send(
    new CreateNodegroupCommand({
      clusterName,
      nodegroupName,
      nodeRole: roleArn(account, 'eks-node'),
      subnets: ['subnet-0a1b2c3d'],
      ...extra,
    }),
  );
}

describe('EKS collector against the emulator', () => {
  beforeAll(async () => {
    await resetEmulator();
    const hub = await eksIn(HUB_ACCOUNT, 'eu-west-1');
    await createCluster(hub, HUB_ACCOUNT, {
      name: 'alpha',
      version: '1.29',
      resourcesVpcConfig: {
        subnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
        securityGroupIds: ['sg-0123456789abcdef0'],
        endpointPublicAccess: true,
        endpointPrivateAccess: false,
        publicAccessCidrs: ['0.0.0.0/0'],
      },
      tags: { env: 'prod' },
    });
    // No version: moto defaults to 1.19, a long-dead Kubernetes version.
    await createCluster(hub, HUB_ACCOUNT, { name: 'beta' });
    await createCluster(hub, HUB_ACCOUNT, {
      name: 'hybrid',
      version: '1.31',
      remoteNetworkConfig: {
        remoteNodeNetworks: [{ cidrs: ['10.80.0.0/16', '10.81.0.0/16'] }, { cidrs: ['192.168.10.0/24'] }],
        remotePodNetworks: [{ cidrs: ['10.90.0.0/16'] }],
      },
    });
    for (const name of ['ng-a', 'ng-b', 'ng-c']) await createNodegroup(hub, HUB_ACCOUNT, 'alpha', name);
    await createNodegroup(hub, HUB_ACCOUNT, 'beta', 'spot', {
      amiType: 'AL2023_x86_64_STANDARD',
      capacityType: 'SPOT',
      instanceTypes: ['m6i.large', 'm5.large'],
      scalingConfig: { minSize: 1, maxSize: 5, desiredSize: 2 },
      version: '1.19',
      releaseVersion: '1.19.15-20211206',
      tags: { pool: 'spot' },
    });

    await createCluster(await eksIn(HUB_ACCOUNT, 'us-east-1'), HUB_ACCOUNT, {
      name: 'east-only',
      version: '1.30',
    });
    const member = await eksIn(MEMBER_A, 'eu-west-1');
    await createCluster(member, MEMBER_A, { name: 'member-prod', version: '1.28' });
    await createNodegroup(member, MEMBER_A, 'member-prod', 'workers');
  });

  it('collects clusters and node groups across several pages', async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const ctx = await collectorContext(HUB_ACCOUNT, 'eu-west-1', { pageSize: 2, counter });

    // Act
    const sources = await eksCollector.collect(ctx, both);

    // Assess
    const clusters = sources['eks.clusters']?.ok ? sources['eks.clusters'].items : [];
    expect(clusters.map((c) => c.name).sort()).toEqual(['alpha', 'beta', 'hybrid']);
    expect(clusters.find((c) => c.name === 'alpha')).toEqual({
      name: 'alpha',
      arn: `arn:aws:eks:eu-west-1:${HUB_ACCOUNT}:cluster/alpha`,
      version: '1.29',
      platformVersion: expect.any(String),
      status: 'ACTIVE',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      connected: false,
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
      publicAccessCidrs: ['0.0.0.0/0'],
      subnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
      securityGroupIds: ['sg-0123456789abcdef0'],
      remoteNodeNetworks: [],
      remotePodNetworks: [],
      tags: { env: 'prod' },
    });
    expect(clusters.find((c) => c.name === 'beta')?.version).toBe('1.19');
    expect(clusters.find((c) => c.name === 'hybrid')).toMatchObject({
      connected: false,
      remoteNodeNetworks: ['10.80.0.0/16', '10.81.0.0/16', '192.168.10.0/24'],
      remotePodNetworks: ['10.90.0.0/16'],
    });

    const nodegroups = sources['eks.nodegroups']?.ok ? sources['eks.nodegroups'].items : [];
    expect(nodegroups.map((n) => `${n.clusterName}/${n.nodegroupName}`).sort()).toEqual([
      'alpha/ng-a',
      'alpha/ng-b',
      'alpha/ng-c',
      'beta/spot',
    ]);
    expect(nodegroups.find((n) => n.nodegroupName === 'spot')).toEqual({
      clusterName: 'beta',
      nodegroupName: 'spot',
      nodegroupArn: expect.stringMatching(
        new RegExp(`^arn:aws:eks:eu-west-1:${HUB_ACCOUNT}:nodegroup/beta/spot/`),
      ),
      status: 'ACTIVE',
      version: '1.19',
      releaseVersion: '1.19.15-20211206',
      amiType: 'AL2023_x86_64_STANDARD',
      capacityType: 'SPOT',
      instanceTypes: ['m6i.large', 'm5.large'],
      scaling: { minSize: 1, maxSize: 5, desiredSize: 2 },
      subnetIds: ['subnet-0a1b2c3d'],
      tags: { pool: 'spot' },
    });
    // 3 clusters at 2 a page; alpha's 3 node groups take 2 pages, beta's and hybrid's 1 each.
    expect(counter.get('eks:ListClusters')?.calls).toBe(2);
    expect(counter.get('eks:DescribeCluster')?.calls).toBe(3);
    expect(counter.get('eks:ListNodegroups')?.calls).toBe(4);
    expect(counter.get('eks:DescribeNodegroup')?.calls).toBe(4);
    expect(ctx.errors).toEqual([]);
  });

  it('keeps accounts and regions apart (assume-role into a member account)', async () => {
    // Prepare
    const eastCtx = await collectorContext(HUB_ACCOUNT, 'us-east-1', { pageSize: 2 });
    const memberCtx = await collectorContext(MEMBER_A, 'eu-west-1', { pageSize: 2 });
    const emptyCtx = await collectorContext(MEMBER_A, 'us-east-1');

    // Act
    const [east, member, empty] = await Promise.all([
      eksCollector.collect(eastCtx, both),
      eksCollector.collect(memberCtx, both),
      eksCollector.collect(emptyCtx, both),
    ]);

    // Assess
    expect(east['eks.clusters']).toMatchObject({ ok: true, items: [{ name: 'east-only', version: '1.30' }] });
    expect(east['eks.nodegroups']).toEqual({ ok: true, items: [] });
    expect(member['eks.clusters']).toMatchObject({
      ok: true,
      items: [{ name: 'member-prod', arn: `arn:aws:eks:eu-west-1:${MEMBER_A}:cluster/member-prod` }],
    });
    expect(member['eks.clusters']?.ok && member['eks.clusters'].items).toHaveLength(1);
    expect(member['eks.nodegroups']).toMatchObject({
      ok: true,
      items: [{ clusterName: 'member-prod', nodegroupName: 'workers' }],
    });
    expect(member['eks.nodegroups']?.ok && member['eks.nodegroups'].items).toHaveLength(1);
    expect(empty).toEqual({
      'eks.clusters': { ok: true, items: [] },
      'eks.nodegroups': { ok: true, items: [] },
    });
  });

  it("records a denied DescribeNodegroup as that source's error while clusters succeed", async () => {
    // Prepare: moto answers every call the collector makes, so the denial is injected in the client.
    const ctx = await collectorContext(HUB_ACCOUNT, 'eu-west-1');
    denyOperation(ctx.clients.get(EKSClient, 'eu-west-1'), 'DescribeNodegroup', 'AccessDeniedException');

    // Act
    const sources = await eksCollector.collect(ctx, both);

    // Assess
    expect(sources['eks.nodegroups']).toEqual({
      ok: false,
      error: expect.objectContaining({
        accountId: HUB_ACCOUNT,
        region: 'eu-west-1',
        source: 'eks.nodegroups',
        operation: 'eks:DescribeNodegroup',
        code: 'AccessDeniedException',
      }),
    });
    expect(sources['eks.clusters']?.ok && sources['eks.clusters'].items).toHaveLength(3);
  });

  it('lists no node groups when only clusters are wanted', async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const ctx = await collectorContext(HUB_ACCOUNT, 'eu-west-1', { counter });

    // Act
    const sources = await eksCollector.collect(ctx, new Set<SourceId>(['eks.clusters']));

    // Assess
    expect(Object.keys(sources)).toEqual(['eks.clusters']);
    expect(counter.get('eks:ListClusters')?.calls).toBe(1);
    expect(counter.get('eks:ListNodegroups')).toBeUndefined();
  });
});

describe('EKS collector against the emulator: Fargate profiles and add-ons', () => {
  const REGION = 'eu-central-1';
  const placement = new Set<SourceId>(['eks.fargateProfiles', 'eks.addons']);

  beforeAll(async () => {
    await resetEmulator();
    const eks = await eksIn(HUB_ACCOUNT, REGION);
    await createCluster(eks, HUB_ACCOUNT, { name: 'serverless', version: '1.31' });
    await createCluster(eks, HUB_ACCOUNT, { name: 'classic', version: '1.30' });
    const profiles: [string, string, Record<string, string>][] = [
      ['batch', 'batch', { tier: 'jobs' }],
      ['system', 'kube-system', {}],
      ['web', 'web', { app: 'storefront', fargate: 'yes' }],
    ];
    for (const [name, namespace, labels] of profiles) {
      await eks.send(
        new CreateFargateProfileCommand({
          clusterName: 'serverless',
          fargateProfileName: name,
          podExecutionRoleArn: roleArn(HUB_ACCOUNT, 'eks-fargate-pods'),
          subnets: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
          selectors: [{ namespace, labels }],
          tags: { team: 'platform' },
        }),
      );
    }
  });

  it('collects every Fargate profile with its selectors and subnets, over pages', async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const ctx = await collectorContext(HUB_ACCOUNT, REGION, { pageSize: 2, counter });

    // Act
    const sources = await eksCollector.collect(ctx, new Set<SourceId>(['eks.fargateProfiles']));

    // Assess
    const profiles = sources['eks.fargateProfiles']?.ok ? sources['eks.fargateProfiles'].items : [];
    expect(profiles.map((p) => p.fargateProfileName).sort()).toEqual(['batch', 'system', 'web']);
    expect(profiles.find((p) => p.fargateProfileName === 'web')).toEqual({
      clusterName: 'serverless',
      fargateProfileName: 'web',
      fargateProfileArn: expect.stringMatching(
        new RegExp(`^arn:aws:eks:${REGION}:${HUB_ACCOUNT}:fargateprofile/serverless/web/`),
      ),
      status: 'ACTIVE',
      podExecutionRoleArn: roleArn(HUB_ACCOUNT, 'eks-fargate-pods'),
      subnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
      selectors: [{ namespace: 'web', labels: { app: 'storefront', fargate: 'yes' } }],
      tags: { team: 'platform' },
    });
    // Per cluster: serverless's 3 profiles take 2 pages of 2, classic's none 1.
    expect(counter.get('eks:ListFargateProfiles')?.calls).toBe(3);
    expect(counter.get('eks:DescribeFargateProfile')?.calls).toBe(3);
    expect(ctx.errors).toEqual([]);
  });

  it('reports the add-ons as failed, with the operation, since moto has no add-ons API; the profiles are unaffected', async () => {
    // Prepare
    const ctx = await collectorContext(HUB_ACCOUNT, REGION);

    // Act
    const sources = await eksCollector.collect(ctx, placement);

    // Assess: the unit tests read add-ons from responses shaped like the API reference.
    expect(sources['eks.addons']).toEqual({
      ok: false,
      error: expect.objectContaining({ source: 'eks.addons', operation: 'eks:ListAddons' }),
    });
    expect(sources['eks.fargateProfiles']?.ok && sources['eks.fargateProfiles'].items).toHaveLength(3);
  });
});
