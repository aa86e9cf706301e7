import {
  AccessDeniedException,
  type AddonInfo,
  type Cluster,
  DescribeAddonCommand,
  DescribeAddonVersionsCommand,
  DescribeClusterCommand,
  DescribeClusterVersionsCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  EKSClient,
  ListAddonsCommand,
  ListClustersCommand,
  ListFargateProfilesCommand,
  ListNodegroupsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountClients } from '../../../../src/aws/clients.ts';
import { AccountScope, type CollectorContext } from '../../../../src/inventory/collector.ts';
import {
  addonCompatibility,
  compareVersions,
  eksCollector,
  kubernetesMinor,
  nextKubernetesMinor,
} from '../../../../src/inventory/collectors/eks.ts';
import type { SourceId } from '../../../../src/inventory/types.ts';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const clusterArn = (name: string) => `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`;

const eksMock = mockClient(EKSClient);

function makeContext(options: { pageSize?: number } = {}): CollectorContext {
  return {
    accountId: ACCOUNT,
    region: REGION,
    clients: new AccountClients(
      ACCOUNT,
      { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' },
      { maxAttempts: 1, retryMode: 'standard' },
    ),
    concurrency: 4,
    account: new AccountScope(),
    errors: [],
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  };
}

const both: ReadonlySet<SourceId> = new Set(['eks.clusters', 'eks.nodegroups']);

/** An EKS-run cluster shaped like the DescribeCluster API reference. */
function eksRunCluster(name: string, overrides: Partial<Cluster> = {}): Cluster {
  return {
    name,
    arn: clusterArn(name),
    createdAt: new Date('2023-05-10T08:00:00.000Z'),
    version: '1.29',
    endpoint: `https://ABCDEF0123456789.gr7.${REGION}.eks.amazonaws.com`,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/eks-cluster`,
    resourcesVpcConfig: {
      subnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
      securityGroupIds: ['sg-0123456789abcdef0'],
      clusterSecurityGroupId: 'sg-0fedcba9876543210',
      vpcId: 'vpc-0abc1234',
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
      publicAccessCidrs: ['0.0.0.0/0'],
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: '172.20.0.0/16', ipFamily: 'ipv4' },
    status: 'ACTIVE',
    platformVersion: 'eks.7',
    tags: { env: 'prod' },
    ...overrides,
  };
}

describe('eksCollector', () => {
  afterEach(() => {
    eksMock.reset();
  });

  it('(client mock: moto cannot emulate EKS connected clusters) maps an EKS Anywhere cluster as connected and never lists its node groups', async () => {
    // Prepare
    eksMock.on(ListClustersCommand).resolves({ clusters: ['onprem', 'prod'] });
    eksMock
      .on(DescribeClusterCommand, { name: 'prod' })
      .resolves({ cluster: eksRunCluster('prod') })
      .on(DescribeClusterCommand, { name: 'onprem' })
      .resolves({
        cluster: {
          name: 'onprem',
          arn: clusterArn('onprem'),
          createdAt: new Date('2024-01-15T09:30:00.000Z'),
          status: 'ACTIVE',
          connectorConfig: {
            activationId: '7d1ab2c3-0000-4e5f-8a9b-0c1d2e3f4a5b',
            activationExpiry: new Date('2024-01-18T09:30:00.000Z'),
            provider: 'EKS_ANYWHERE',
            roleArn: `arn:aws:iam::${ACCOUNT}:role/eks-connector-agent`,
          },
          tags: { site: 'dc-paris' },
        },
      });
    eksMock.on(ListNodegroupsCommand).resolves({ nodegroups: ['workers'] });
    eksMock.on(DescribeNodegroupCommand).resolves({
      nodegroup: {
        nodegroupName: 'workers',
        nodegroupArn: `arn:aws:eks:${REGION}:${ACCOUNT}:nodegroup/prod/workers/1ec5a1b2-3c4d-5e6f-7a8b-9c0d1e2f3a4b`,
        clusterName: 'prod',
        version: '1.29',
        releaseVersion: '1.29.0-20240129',
        createdAt: new Date('2023-05-10T09:00:00.000Z'),
        status: 'ACTIVE',
        capacityType: 'SPOT',
        scalingConfig: { minSize: 1, maxSize: 6, desiredSize: 3 },
        instanceTypes: ['m6i.large', 'm5.large'],
        subnets: ['subnet-0a1b2c3d'],
        amiType: 'AL2_x86_64',
        nodeRole: `arn:aws:iam::${ACCOUNT}:role/eks-node`,
        diskSize: 20,
        health: { issues: [] },
        tags: { env: 'prod' },
      },
    });

    // Act
    const sources = await eksCollector.collect(makeContext(), both);

    // Assess
    expect(sources['eks.clusters']).toEqual({
      ok: true,
      items: [
        {
          name: 'onprem',
          arn: clusterArn('onprem'),
          status: 'ACTIVE',
          createdAt: '2024-01-15T09:30:00.000Z',
          connectorProvider: 'EKS_ANYWHERE',
          connected: true,
          publicAccessCidrs: [],
          subnetIds: [],
          securityGroupIds: [],
          remoteNodeNetworks: [],
          remotePodNetworks: [],
          tags: { site: 'dc-paris' },
        },
        {
          name: 'prod',
          arn: clusterArn('prod'),
          version: '1.29',
          platformVersion: 'eks.7',
          status: 'ACTIVE',
          createdAt: '2023-05-10T08:00:00.000Z',
          connected: false,
          endpointPublicAccess: true,
          endpointPrivateAccess: false,
          publicAccessCidrs: ['0.0.0.0/0'],
          vpcId: 'vpc-0abc1234',
          subnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
          securityGroupIds: ['sg-0123456789abcdef0'],
          remoteNodeNetworks: [],
          remotePodNetworks: [],
          tags: { env: 'prod' },
        },
      ],
    });
    expect(sources['eks.nodegroups']).toEqual({
      ok: true,
      items: [
        {
          clusterName: 'prod',
          nodegroupName: 'workers',
          nodegroupArn: `arn:aws:eks:${REGION}:${ACCOUNT}:nodegroup/prod/workers/1ec5a1b2-3c4d-5e6f-7a8b-9c0d1e2f3a4b`,
          status: 'ACTIVE',
          version: '1.29',
          releaseVersion: '1.29.0-20240129',
          amiType: 'AL2_x86_64',
          capacityType: 'SPOT',
          instanceTypes: ['m6i.large', 'm5.large'],
          scaling: { minSize: 1, maxSize: 6, desiredSize: 3 },
          subnetIds: ['subnet-0a1b2c3d'],
          tags: { env: 'prod' },
        },
      ],
    });
    expect(eksMock.commandCalls(ListClustersCommand)[0]?.args[0].input).toEqual({
      include: ['all'],
      maxResults: 100,
    });
    expect(eksMock.commandCalls(ListNodegroupsCommand).map((call) => call.args[0].input.clusterName)).toEqual(
      ['prod'],
    );
  });

  it('collects only clusters when node groups are not wanted, flattening every remote network of a hybrid-nodes cluster', async () => {
    // Prepare
    eksMock.on(ListClustersCommand).resolves({ clusters: ['hybrid'] });
    eksMock.on(DescribeClusterCommand).resolves({
      cluster: eksRunCluster('hybrid', {
        remoteNetworkConfig: {
          remoteNodeNetworks: [{ cidrs: ['10.80.0.0/16', '10.81.0.0/16'] }, { cidrs: ['192.168.10.0/24'] }],
          remotePodNetworks: [{ cidrs: ['10.90.0.0/16'] }],
        },
      }),
    });
    eksMock.on(ListNodegroupsCommand).resolves({ nodegroups: [] });

    // Act
    const sources = await eksCollector.collect(makeContext(), new Set(['eks.clusters']));

    // Assess
    expect(sources['eks.clusters']).toMatchObject({
      ok: true,
      items: [
        {
          name: 'hybrid',
          remoteNodeNetworks: ['10.80.0.0/16', '10.81.0.0/16', '192.168.10.0/24'],
          remotePodNetworks: ['10.90.0.0/16'],
        },
      ],
    });
    // Only clusters were wanted: no node group calls.
    expect(Object.keys(sources)).toEqual(['eks.clusters']);
    expect(eksMock.commandCalls(ListNodegroupsCommand)).toHaveLength(0);
  });

  it('follows nextToken for clusters and node groups with the page size asked for, skipping what was deleted meanwhile', async () => {
    // Prepare
    eksMock
      .on(ListClustersCommand)
      .resolves({ clusters: ['a', 'b'], nextToken: 'clusters-2' })
      .on(ListClustersCommand, { nextToken: 'clusters-2' })
      .resolves({ clusters: ['c'] });
    eksMock
      .on(DescribeClusterCommand)
      .callsFake((input: { name: string }) => ({ cluster: eksRunCluster(input.name) }))
      .on(DescribeClusterCommand, { name: 'b' })
      .rejects(new ResourceNotFoundException({ $metadata: {}, message: 'No cluster found for name: b.' }));
    eksMock
      .on(ListNodegroupsCommand)
      .resolves({ nodegroups: [] })
      .on(ListNodegroupsCommand, { clusterName: 'a' })
      .resolves({ nodegroups: ['ng1', 'ng2'], nextToken: 'ng-2' })
      .on(ListNodegroupsCommand, { clusterName: 'a', nextToken: 'ng-2' })
      .resolves({ nodegroups: ['ng3'] });
    eksMock
      .on(DescribeNodegroupCommand)
      .callsFake((input: { clusterName: string; nodegroupName: string }) => ({
        nodegroup: {
          clusterName: input.clusterName,
          nodegroupName: input.nodegroupName,
          amiType: 'AL2023_x86_64_STANDARD',
        },
      }))
      .on(DescribeNodegroupCommand, { nodegroupName: 'ng2' })
      .rejects(
        new ResourceNotFoundException({ $metadata: {}, message: 'No node group found for name: ng2.' }),
      );

    // Act
    const sources = await eksCollector.collect(makeContext({ pageSize: 2 }), both);

    // Assess
    expect(sources['eks.clusters']?.ok && sources['eks.clusters'].items.map((c) => c.name)).toEqual([
      'a',
      'c',
    ]);
    expect(sources['eks.nodegroups']).toEqual({
      ok: true,
      items: [
        {
          clusterName: 'a',
          nodegroupName: 'ng1',
          amiType: 'AL2023_x86_64_STANDARD',
          instanceTypes: [],
          scaling: {},
          subnetIds: [],
          tags: {},
        },
        {
          clusterName: 'a',
          nodegroupName: 'ng3',
          amiType: 'AL2023_x86_64_STANDARD',
          instanceTypes: [],
          scaling: {},
          subnetIds: [],
          tags: {},
        },
      ],
    });
    // The paginators reuse one input object per listing, so only what every call shares is asserted.
    const clusterCalls = eksMock.commandCalls(ListClustersCommand).map((call) => call.args[0].input);
    expect(clusterCalls).toHaveLength(2);
    expect(clusterCalls.every((input) => input.maxResults === 2 && input.include?.[0] === 'all')).toBe(true);
    const nodegroupCalls = eksMock.commandCalls(ListNodegroupsCommand).map((call) => call.args[0].input);
    expect(nodegroupCalls.map((input) => input.clusterName).sort()).toEqual(['a', 'a', 'c']);
    expect(nodegroupCalls.every((input) => input.maxResults === 2)).toBe(true);
  });

  it('fails both sources when ListClusters is denied', async () => {
    // Prepare
    eksMock.on(ListClustersCommand).rejects(
      new AccessDeniedException({
        $metadata: { httpStatusCode: 403 },
        message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/estatescan/scan is not authorized to perform: eks:ListClusters`,
      }),
    );

    // Act
    const sources = await eksCollector.collect(makeContext(), both);

    // Assess
    for (const source of ['eks.clusters', 'eks.nodegroups'] as const) {
      expect(sources[source]).toEqual({
        ok: false,
        error: {
          accountId: ACCOUNT,
          region: REGION,
          source,
          operation: 'eks:ListClusters',
          code: 'AccessDeniedException',
          message: expect.stringContaining('not authorized to perform: eks:ListClusters'),
        },
      });
    }
    expect(eksMock.commandCalls(DescribeClusterCommand)).toHaveLength(0);
  });

  it('fails both sources under eks:DescribeCluster when a cluster cannot be described (node groups need to know which clusters are connected)', async () => {
    // Prepare
    eksMock.on(ListClustersCommand).resolves({ clusters: ['prod'] });
    eksMock
      .on(DescribeClusterCommand)
      .rejects(new AccessDeniedException({ $metadata: {}, message: 'not authorized: eks:DescribeCluster' }));

    // Act
    const sources = await eksCollector.collect(makeContext(), both);

    // Assess
    expect(sources['eks.clusters']).toMatchObject({
      ok: false,
      error: { operation: 'eks:DescribeCluster', code: 'AccessDeniedException' },
    });
    expect(sources['eks.nodegroups']).toMatchObject({
      ok: false,
      error: { operation: 'eks:DescribeCluster', code: 'AccessDeniedException' },
    });
    expect(eksMock.commandCalls(ListNodegroupsCommand)).toHaveLength(0);
  });

  it('records a denied DescribeNodegroup as the node group source failing while clusters succeed', async () => {
    // Prepare
    eksMock.on(ListClustersCommand).resolves({ clusters: ['prod'] });
    eksMock.on(DescribeClusterCommand).resolves({ cluster: eksRunCluster('prod') });
    eksMock.on(ListNodegroupsCommand).resolves({ nodegroups: ['workers'] });
    eksMock
      .on(DescribeNodegroupCommand)
      .rejects(
        new AccessDeniedException({ $metadata: {}, message: 'not authorized: eks:DescribeNodegroup' }),
      );

    // Act
    const sources = await eksCollector.collect(makeContext(), both);

    // Assess
    expect(sources['eks.clusters']?.ok && sources['eks.clusters'].items.map((c) => c.name)).toEqual(['prod']);
    expect(sources['eks.nodegroups']).toMatchObject({
      ok: false,
      error: { source: 'eks.nodegroups', operation: 'eks:DescribeNodegroup', code: 'AccessDeniedException' },
    });
  });

  it("(client mock: moto lacks DescribeClusterVersions) attaches each cluster's live version support dates, across pages", async () => {
    // Prepare: a response shaped like the DescribeClusterVersions API reference.
    eksMock.on(ListClustersCommand).resolves({ clusters: ['old', 'current', 'onprem'] });
    eksMock
      .on(DescribeClusterCommand)
      .callsFake((input: { name: string }) => ({
        cluster: eksRunCluster(input.name, { version: input.name === 'old' ? '1.29' : '1.33' }),
      }))
      .on(DescribeClusterCommand, { name: 'onprem' })
      .resolves({
        cluster: {
          name: 'onprem',
          arn: clusterArn('onprem'),
          status: 'ACTIVE',
          connectorConfig: { provider: 'EKS_ANYWHERE' },
        },
      });
    eksMock
      .on(DescribeClusterVersionsCommand)
      .resolves({
        clusterVersions: [
          {
            clusterVersion: '1.33',
            clusterType: 'eks',
            defaultPlatformVersion: 'eks.9',
            defaultVersion: true,
            releaseDate: new Date('2025-05-29T00:00:00.000Z'),
            endOfStandardSupportDate: new Date('2026-07-29T00:00:00.000Z'),
            endOfExtendedSupportDate: new Date('2027-07-29T00:00:00.000Z'),
            status: 'standard-support',
            versionStatus: 'STANDARD_SUPPORT',
            kubernetesPatchVersion: '1.33.5',
          },
          {
            clusterVersion: '1.32',
            clusterType: 'eks',
            endOfStandardSupportDate: new Date('2026-03-23T00:00:00.000Z'),
            endOfExtendedSupportDate: new Date('2027-03-23T00:00:00.000Z'),
            versionStatus: 'EXTENDED_SUPPORT',
          },
        ],
        nextToken: 'page-2',
      })
      .on(DescribeClusterVersionsCommand, { nextToken: 'page-2' })
      .resolves({
        clusterVersions: [
          {
            clusterVersion: '1.29',
            clusterType: 'eks',
            endOfStandardSupportDate: new Date('2025-03-23T00:00:00.000Z'),
            endOfExtendedSupportDate: new Date('2026-03-23T00:00:00.000Z'),
            // Only the deprecated field: its kebab-case value is read the same way.
            status: 'unsupported',
          },
        ],
      });
    const ctx = makeContext({ pageSize: 2 });

    // Act
    const sources = await eksCollector.collect(ctx, new Set(['eks.clusters']));

    // Assess
    const clusters = sources['eks.clusters']?.ok ? sources['eks.clusters'].items : [];
    expect(clusters.map((c) => [c.name, c.versionSupport])).toEqual([
      [
        'old',
        {
          endOfStandardSupport: '2025-03-23',
          endOfExtendedSupport: '2026-03-23',
          status: 'UNSUPPORTED',
          source: 'eks:DescribeClusterVersions',
        },
      ],
      [
        'current',
        {
          endOfStandardSupport: '2026-07-29',
          endOfExtendedSupport: '2027-07-29',
          status: 'STANDARD_SUPPORT',
          source: 'eks:DescribeClusterVersions',
        },
      ],
      // A connected cluster without a version has nothing to look up.
      ['onprem', undefined],
    ]);
    const versionCalls = eksMock.commandCalls(DescribeClusterVersionsCommand).map((c) => c.args[0].input);
    expect(versionCalls).toHaveLength(2);
    expect(versionCalls.every((input) => input.includeAll === true && input.maxResults === 2)).toBe(true);
    expect(ctx.errors).toEqual([]);
  });

  it.each([
    [
      'denied (an older read-only policy)',
      new AccessDeniedException({
        $metadata: { httpStatusCode: 403 },
        message: 'not authorized to perform: eks:DescribeClusterVersions',
      }),
    ],
    [
      'not implemented (the emulator answers HTML)',
      Object.assign(new SyntaxError('Unexpected token < in JSON'), { $metadata: { httpStatusCode: 500 } }),
    ],
  ])('falls back silently to the catalogue when DescribeClusterVersions is %s', async (_, error) => {
    // Prepare
    eksMock.on(ListClustersCommand).resolves({ clusters: ['prod'] });
    eksMock.on(DescribeClusterCommand).resolves({ cluster: eksRunCluster('prod') });
    eksMock.on(DescribeClusterVersionsCommand).rejects(error);
    const ctx = makeContext();

    // Act
    const sources = await eksCollector.collect(ctx, new Set(['eks.clusters']));

    // Assess: the clusters are complete, just without live dates, and no error is recorded.
    expect(sources['eks.clusters']).toMatchObject({ ok: true, items: [{ name: 'prod', version: '1.29' }] });
    expect(sources['eks.clusters']?.ok && sources['eks.clusters'].items[0]).not.toHaveProperty(
      'versionSupport',
    );
    expect(ctx.errors).toEqual([]);
    expect(eksMock.commandCalls(DescribeClusterVersionsCommand)).toHaveLength(1);
  });

  it('does not ask for version support dates when no cluster has a version, or only node groups are wanted', async () => {
    // Prepare
    eksMock.on(ListClustersCommand).resolves({ clusters: ['prod'] });
    eksMock.on(DescribeClusterCommand).resolves({ cluster: eksRunCluster('prod') });
    eksMock.on(ListNodegroupsCommand).resolves({ nodegroups: [] });

    // Act
    const versioned = await eksCollector.collect(makeContext(), both);
    eksMock.on(ListClustersCommand).resolves({ clusters: [] });
    const none = await eksCollector.collect(makeContext(), both);
    eksMock.on(ListClustersCommand).resolves({ clusters: ['prod'] });
    const nodegroupsOnly = await eksCollector.collect(makeContext(), new Set(['eks.nodegroups']));

    // Assess: only the first collection, with a versioned cluster and clusters wanted, asked.
    expect(versioned['eks.clusters']?.ok).toBe(true);
    expect(none['eks.clusters']).toEqual({ ok: true, items: [] });
    expect(nodegroupsOnly['eks.nodegroups']).toEqual({ ok: true, items: [] });
    expect(eksMock.commandCalls(DescribeClusterVersionsCommand)).toHaveLength(1);
  });

  it('makes no call when no EKS source is wanted', async () => {
    // Act
    const sources = await eksCollector.collect(makeContext(), new Set(['ecs.clusters']));

    // Assess
    expect(sources).toEqual({});
    expect(eksMock.calls()).toHaveLength(0);
  });
});

/** The VPC CNI's versions as DescribeAddonVersions lists them (newest first), for every Kubernetes version. */
const vpcCniVersions: AddonInfo = {
  addonName: 'vpc-cni',
  type: 'networking',
  owner: 'aws',
  publisher: 'eks',
  addonVersions: [
    {
      addonVersion: 'v1.19.2-eksbuild.5',
      architecture: ['amd64', 'arm64'],
      compatibilities: ['1.29', '1.30', '1.31', '1.32'].map((v) => ({
        clusterVersion: v,
        platformVersions: ['*'],
        defaultVersion: v === '1.32',
      })),
      requiresConfiguration: false,
    },
    {
      addonVersion: 'v1.18.3-eksbuild.1',
      architecture: ['amd64', 'arm64'],
      compatibilities: ['1.28', '1.29', '1.30', '1.31'].map((v) => ({
        clusterVersion: v,
        platformVersions: ['*'],
        defaultVersion: v !== '1.28',
      })),
      requiresConfiguration: false,
    },
    {
      addonVersion: 'v1.15.1-eksbuild.1',
      architecture: ['amd64', 'arm64'],
      compatibilities: ['1.26', '1.27', '1.28'].map((v) => ({
        clusterVersion: v,
        platformVersions: ['*'],
        defaultVersion: v === '1.28',
      })),
      requiresConfiguration: false,
    },
  ],
};

describe('eksCollector: Fargate profiles and add-ons', () => {
  const placement: ReadonlySet<SourceId> = new Set(['eks.fargateProfiles', 'eks.addons']);

  afterEach(() => {
    eksMock.reset();
  });

  /** Two EKS-run clusters (1.31 and 1.28) and a connected one. */
  function clusters(): void {
    eksMock.on(ListClustersCommand).resolves({ clusters: ['prod', 'legacy', 'onprem'] });
    eksMock
      .on(DescribeClusterCommand, { name: 'prod' })
      .resolves({ cluster: eksRunCluster('prod', { version: '1.31' }) })
      .on(DescribeClusterCommand, { name: 'legacy' })
      .resolves({ cluster: eksRunCluster('legacy', { version: '1.28' }) })
      .on(DescribeClusterCommand, { name: 'onprem' })
      .resolves({
        cluster: {
          name: 'onprem',
          arn: clusterArn('onprem'),
          status: 'ACTIVE',
          connectorConfig: {
            provider: 'EKS_ANYWHERE',
            roleArn: `arn:aws:iam::${ACCOUNT}:role/eks-connector-agent`,
          },
        },
      });
  }

  it('(client mock: moto cannot emulate EKS add-ons) reads each add-on and its compatibility, asking DescribeAddonVersions once per add-on name', async () => {
    // Prepare
    clusters();
    eksMock
      .on(ListAddonsCommand, { clusterName: 'prod' })
      .resolves({ addons: ['vpc-cni', 'coredns'] })
      .on(ListAddonsCommand, { clusterName: 'legacy' })
      .resolves({ addons: ['vpc-cni'] });
    eksMock
      .on(DescribeAddonCommand, { clusterName: 'prod', addonName: 'vpc-cni' })
      .resolves({
        addon: {
          addonName: 'vpc-cni',
          clusterName: 'prod',
          status: 'ACTIVE',
          addonVersion: 'v1.18.3-eksbuild.1',
          addonArn: `arn:aws:eks:${REGION}:${ACCOUNT}:addon/prod/vpc-cni/a1b2c3d4-0000-4e5f-8a9b-0c1d2e3f4a5b`,
          health: { issues: [] },
          createdAt: new Date('2024-06-01T10:00:00.000Z'),
          modifiedAt: new Date('2024-06-01T10:00:00.000Z'),
          tags: { team: 'platform' },
        },
      })
      .on(DescribeAddonCommand, { clusterName: 'prod', addonName: 'coredns' })
      .rejects(new ResourceNotFoundException({ $metadata: { httpStatusCode: 404 }, message: 'gone' }))
      .on(DescribeAddonCommand, { clusterName: 'legacy', addonName: 'vpc-cni' })
      .resolves({
        addon: {
          addonName: 'vpc-cni',
          clusterName: 'legacy',
          status: 'ACTIVE',
          addonVersion: 'v1.15.1-eksbuild.1',
        },
      });
    eksMock.on(DescribeAddonVersionsCommand).resolves({ addons: [vpcCniVersions] });
    eksMock.on(ListFargateProfilesCommand).resolves({ fargateProfileNames: [] });

    // Act
    const sources = await eksCollector.collect(makeContext(), placement);

    // Assess
    expect(sources['eks.addons']).toEqual({
      ok: true,
      items: [
        {
          clusterName: 'prod',
          clusterVersion: '1.31',
          addonName: 'vpc-cni',
          addonVersion: 'v1.18.3-eksbuild.1',
          addonArn: `arn:aws:eks:${REGION}:${ACCOUNT}:addon/prod/vpc-cni/a1b2c3d4-0000-4e5f-8a9b-0c1d2e3f4a5b`,
          status: 'ACTIVE',
          compatibility: {
            listed: true,
            kubernetesVersions: ['1.28', '1.29', '1.30', '1.31'],
            nextKubernetesVersion: '1.32',
            defaultVersion: 'v1.18.3-eksbuild.1',
            bridgeVersion: 'v1.19.2-eksbuild.5',
          },
          tags: { team: 'platform' },
        },
        {
          clusterName: 'legacy',
          clusterVersion: '1.28',
          addonName: 'vpc-cni',
          addonVersion: 'v1.15.1-eksbuild.1',
          status: 'ACTIVE',
          compatibility: {
            listed: true,
            kubernetesVersions: ['1.26', '1.27', '1.28'],
            nextKubernetesVersion: '1.29',
            defaultVersion: 'v1.15.1-eksbuild.1',
            bridgeVersion: 'v1.18.3-eksbuild.1',
          },
          tags: {},
        },
      ],
    });
    // Once for the name, with no Kubernetes version: one answer covers both clusters and their next versions.
    expect(eksMock.commandCalls(DescribeAddonVersionsCommand).map((c) => c.args[0].input)).toEqual([
      { addonName: 'vpc-cni', maxResults: 100 },
    ]);
    // A connected cluster has no add-ons or Fargate profiles EKS could list.
    expect(
      eksMock
        .commandCalls(ListAddonsCommand)
        .map((c) => c.args[0].input.clusterName)
        .sort(),
    ).toEqual(['legacy', 'prod']);
    expect(sources['eks.fargateProfiles']).toEqual({ ok: true, items: [] });
  });

  it('(client mock) keeps add-ons whose versions cannot be read, compatibility unknown and the failure recorded once per name', async () => {
    // Prepare
    clusters();
    eksMock.on(ListAddonsCommand).resolves({ addons: ['kube-proxy'] });
    eksMock.on(DescribeAddonCommand).callsFake((input: { clusterName: string; addonName: string }) => ({
      addon: {
        addonName: input.addonName,
        clusterName: input.clusterName,
        addonVersion: 'v1.31.3-eksbuild.2',
      },
    }));
    eksMock
      .on(DescribeAddonVersionsCommand)
      .rejects(new AccessDeniedException({ $metadata: { httpStatusCode: 403 }, message: 'not authorized' }));
    const ctx = makeContext();

    // Act
    const sources = await eksCollector.collect(ctx, new Set<SourceId>(['eks.addons']));

    // Assess
    const items = sources['eks.addons']?.ok ? sources['eks.addons'].items : [];
    expect(items.map((a) => [a.clusterName, a.addonName, a.compatibility])).toEqual([
      ['prod', 'kube-proxy', undefined],
      ['legacy', 'kube-proxy', undefined],
    ]);
    expect(ctx.errors).toEqual([
      expect.objectContaining({
        source: 'eks.addons',
        operation: 'eks:DescribeAddonVersions',
        code: 'AccessDeniedException',
        resourceId: 'kube-proxy',
      }),
    ]);
  });

  it('(client mock) fails the add-on source when ListAddons is denied, and the profiles with the clusters when they cannot be listed', async () => {
    // Prepare
    clusters();
    eksMock
      .on(ListAddonsCommand)
      .rejects(new AccessDeniedException({ $metadata: { httpStatusCode: 403 }, message: 'not authorized' }));
    eksMock.on(ListFargateProfilesCommand).resolves({ fargateProfileNames: [] });

    // Act
    const denied = await eksCollector.collect(makeContext(), placement);
    eksMock.reset();
    eksMock
      .on(ListClustersCommand)
      .rejects(new AccessDeniedException({ $metadata: { httpStatusCode: 403 }, message: 'not authorized' }));
    const noClusters = await eksCollector.collect(makeContext(), placement);

    // Assess
    expect(denied['eks.addons']).toEqual({
      ok: false,
      error: expect.objectContaining({ operation: 'eks:ListAddons', code: 'AccessDeniedException' }),
    });
    expect(denied['eks.fargateProfiles']).toEqual({ ok: true, items: [] });
    expect(noClusters['eks.fargateProfiles']).toEqual({
      ok: false,
      error: expect.objectContaining({ source: 'eks.fargateProfiles', operation: 'eks:ListClusters' }),
    });
    expect(noClusters['eks.addons']).toMatchObject({ ok: false, error: { operation: 'eks:ListClusters' } });
  });

  it('(client mock) follows nextToken for Fargate profiles, skipping one deleted before it was described', async () => {
    // Prepare
    clusters();
    eksMock.on(ListAddonsCommand).resolves({ addons: [] });
    eksMock
      .on(ListFargateProfilesCommand, { clusterName: 'prod' })
      .resolvesOnce({ fargateProfileNames: ['batch'], nextToken: 't2' })
      .resolvesOnce({ fargateProfileNames: ['gone'] })
      .on(ListFargateProfilesCommand, { clusterName: 'legacy' })
      .resolves({ fargateProfileNames: [] });
    eksMock
      .on(DescribeFargateProfileCommand, { clusterName: 'prod', fargateProfileName: 'batch' })
      .resolves({
        fargateProfile: {
          fargateProfileName: 'batch',
          fargateProfileArn: `arn:aws:eks:${REGION}:${ACCOUNT}:fargateprofile/prod/batch/1ec5a1b2-0000-5e6f-7a8b-9c0d1e2f3a4b`,
          clusterName: 'prod',
          createdAt: new Date('2024-02-01T10:00:00.000Z'),
          podExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/eks-fargate-pods`,
          subnets: ['subnet-0a1b2c3d'],
          selectors: [{ namespace: 'batch', labels: { tier: 'jobs' } }],
          status: 'ACTIVE',
          tags: {},
        },
      })
      .on(DescribeFargateProfileCommand, { clusterName: 'prod', fargateProfileName: 'gone' })
      .rejects(new ResourceNotFoundException({ $metadata: { httpStatusCode: 404 }, message: 'gone' }));

    // Act
    const sources = await eksCollector.collect(makeContext({ pageSize: 1 }), placement);

    // Assess
    expect(sources['eks.fargateProfiles']).toEqual({
      ok: true,
      items: [
        {
          clusterName: 'prod',
          fargateProfileName: 'batch',
          fargateProfileArn: `arn:aws:eks:${REGION}:${ACCOUNT}:fargateprofile/prod/batch/1ec5a1b2-0000-5e6f-7a8b-9c0d1e2f3a4b`,
          status: 'ACTIVE',
          podExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/eks-fargate-pods`,
          subnetIds: ['subnet-0a1b2c3d'],
          selectors: [{ namespace: 'batch', labels: { tier: 'jobs' } }],
          tags: {},
        },
      ],
    });
  });
});

describe('add-on compatibility', () => {
  const entries = [
    {
      addonVersion: 'v1.10.1-eksbuild.2',
      kubernetesVersions: new Set(['1.27', '1.28']),
      defaultOn: new Set(['1.27']),
    },
    {
      addonVersion: 'v1.10.1-eksbuild.11',
      kubernetesVersions: new Set(['1.28', '1.29']),
      defaultOn: new Set(['1.28']),
    },
    {
      addonVersion: 'v1.9.3-eksbuild.22',
      kubernetesVersions: new Set(['1.28', '1.29']),
      defaultOn: new Set<string>(),
    },
  ];

  it('picks the newest version that runs on both the cluster version and the next, by number', () => {
    expect(addonCompatibility(entries, 'v1.10.1-eksbuild.2', '1.28')).toEqual({
      listed: true,
      kubernetesVersions: ['1.27', '1.28'],
      nextKubernetesVersion: '1.29',
      defaultVersion: 'v1.10.1-eksbuild.11',
      bridgeVersion: 'v1.10.1-eksbuild.11',
    });
  });

  it('says so when EKS no longer lists the version, and names no next version it offers nothing for', () => {
    expect(addonCompatibility(entries, 'v1.8.0-eksbuild.1', '1.29')).toEqual({
      listed: false,
      kubernetesVersions: [],
    });
  });

  it('reads Kubernetes versions and orders add-on versions by their numbers', () => {
    expect([kubernetesMinor('1.28.3'), kubernetesMinor('v1.28'), kubernetesMinor(undefined)]).toEqual([
      '1.28',
      undefined,
      undefined,
    ]);
    expect([nextKubernetesMinor('1.9'), nextKubernetesMinor('1.31')]).toEqual(['1.10', '1.32']);
    expect(['v1.10.1-eksbuild.11', 'v1.9.3-eksbuild.22', 'v1.10.1-eksbuild.2'].sort(compareVersions)).toEqual(
      ['v1.9.3-eksbuild.22', 'v1.10.1-eksbuild.2', 'v1.10.1-eksbuild.11'],
    );
  });
});
