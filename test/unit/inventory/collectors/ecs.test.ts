import {
  AccessDeniedException,
  type ContainerInstance,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  ECSClient,
  ListClustersCommand,
  ListContainerInstancesCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountClients } from '../../../../src/aws/clients.ts';
import { AccountScope, type CollectorContext } from '../../../../src/inventory/collector.ts';
import { ecsCollector } from '../../../../src/inventory/collectors/ecs.ts';
import type { SourceId } from '../../../../src/inventory/types.ts';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const clusterArn = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`;
const instanceArn = (cluster: string, id: string) =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${cluster}/${id}`;

const ecsMock = mockClient(ECSClient);

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

const both: ReadonlySet<SourceId> = new Set(['ecs.clusters', 'ecs.containerInstances']);

/** A container instance shaped like the DescribeContainerInstances API reference. */
function containerInstance(overrides: Partial<ContainerInstance>): ContainerInstance {
  return {
    containerInstanceArn: instanceArn('hybrid', 'c0ffee00'),
    ec2InstanceId: 'i-0abc1234def567890',
    version: 12,
    versionInfo: { agentVersion: '1.89.2', agentHash: '4ba2d4c5', dockerVersion: 'DockerVersion: 25.0.8' },
    remainingResources: [{ name: 'CPU', type: 'INTEGER', integerValue: 2048 }],
    registeredResources: [{ name: 'CPU', type: 'INTEGER', integerValue: 2048 }],
    status: 'ACTIVE',
    agentConnected: true,
    runningTasksCount: 3,
    pendingTasksCount: 0,
    attributes: [{ name: 'ecs.os-type', value: 'linux' }, { name: 'ecs.capability.docker-remote-api.1.44' }],
    registeredAt: new Date('2024-03-01T10:00:00.000Z'),
    attachments: [],
    tags: [],
    ...overrides,
  };
}

describe('ecsCollector', () => {
  afterEach(() => {
    ecsMock.reset();
  });

  it('(client mock: moto cannot emulate ECS Anywhere external instances) tells external hosts by mi- id or the external attribute, with disconnected agents', async () => {
    // Prepare
    ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('hybrid')] });
    ecsMock.on(DescribeClustersCommand).resolves({
      clusters: [
        {
          clusterArn: clusterArn('hybrid'),
          clusterName: 'hybrid',
          status: 'ACTIVE',
          registeredContainerInstancesCount: 3,
          runningTasksCount: 5,
          pendingTasksCount: 0,
          activeServicesCount: 2,
          capacityProviders: ['FARGATE'],
          tags: [{ key: 'team', value: 'platform' }],
        },
      ],
      failures: [],
    });
    ecsMock.on(ListContainerInstancesCommand).resolves({
      containerInstanceArns: [
        instanceArn('hybrid', 'ec2host'),
        instanceArn('hybrid', 'onprem1'),
        instanceArn('hybrid', 'onprem2'),
      ],
    });
    ecsMock.on(DescribeContainerInstancesCommand).resolves({
      containerInstances: [
        containerInstance({ containerInstanceArn: instanceArn('hybrid', 'ec2host') }),
        containerInstance({
          containerInstanceArn: instanceArn('hybrid', 'onprem1'),
          ec2InstanceId: 'mi-0123456789abcdef0',
          agentConnected: false,
          runningTasksCount: 0,
          versionInfo: {
            agentVersion: '1.70.0',
            agentHash: 'aaaa1111',
            dockerVersion: 'DockerVersion: 20.10.13',
          },
          attributes: [{ name: 'ecs.os-type', value: 'linux' }, { name: 'ecs.capability.external' }],
        }),
        // Registered with an id that does not say so: the attribute alone marks it external.
        containerInstance({
          containerInstanceArn: instanceArn('hybrid', 'onprem2'),
          ec2InstanceId: 'i-0fedcba9876543210',
          runningTasksCount: 2,
          attributes: [{ name: 'ecs.os-type', value: 'windows' }, { name: 'ecs.capability.external' }],
        }),
      ],
      failures: [],
    });

    // Act
    const sources = await ecsCollector.collect(makeContext(), both);

    // Assess
    expect(sources['ecs.clusters']).toEqual({
      ok: true,
      items: [
        {
          clusterArn: clusterArn('hybrid'),
          clusterName: 'hybrid',
          status: 'ACTIVE',
          registeredContainerInstancesCount: 3,
          runningTasksCount: 5,
          activeServicesCount: 2,
          capacityProviders: ['FARGATE'],
          tags: { team: 'platform' },
        },
      ],
    });
    expect(sources['ecs.containerInstances']).toEqual({
      ok: true,
      items: [
        {
          containerInstanceArn: instanceArn('hybrid', 'ec2host'),
          clusterArn: clusterArn('hybrid'),
          ec2InstanceId: 'i-0abc1234def567890',
          external: false,
          status: 'ACTIVE',
          agentConnected: true,
          agentVersion: '1.89.2',
          dockerVersion: '25.0.8',
          osType: 'linux',
          registeredAt: '2024-03-01T10:00:00.000Z',
          runningTasksCount: 3,
        },
        {
          containerInstanceArn: instanceArn('hybrid', 'onprem1'),
          clusterArn: clusterArn('hybrid'),
          ec2InstanceId: 'mi-0123456789abcdef0',
          external: true,
          status: 'ACTIVE',
          agentConnected: false,
          agentVersion: '1.70.0',
          dockerVersion: '20.10.13',
          osType: 'linux',
          registeredAt: '2024-03-01T10:00:00.000Z',
          runningTasksCount: 0,
        },
        {
          containerInstanceArn: instanceArn('hybrid', 'onprem2'),
          clusterArn: clusterArn('hybrid'),
          ec2InstanceId: 'i-0fedcba9876543210',
          external: true,
          status: 'ACTIVE',
          agentConnected: true,
          agentVersion: '1.89.2',
          dockerVersion: '25.0.8',
          osType: 'windows',
          registeredAt: '2024-03-01T10:00:00.000Z',
          runningTasksCount: 2,
        },
      ],
    });
    expect(ecsMock.commandCalls(DescribeClustersCommand)[0]?.args[0].input).toEqual({
      clusters: [clusterArn('hybrid')],
      include: ['TAGS'],
    });
    // No `filter`: moto ignores it, and the inventory wants every instance.
    expect(ecsMock.commandCalls(ListContainerInstancesCommand)[0]?.args[0].input).toEqual({
      cluster: clusterArn('hybrid'),
      maxResults: 100,
    });
  });

  it('(client mock: moto ignores maxResults for ECS lists) follows nextToken and describes clusters and instances in batches of 100', async () => {
    // Prepare
    const names = Array.from({ length: 150 }, (_, i) => `c${String(i).padStart(3, '0')}`);
    ecsMock
      .on(ListClustersCommand)
      .resolves({ clusterArns: names.slice(0, 100).map(clusterArn), nextToken: 'clusters-2' })
      .on(ListClustersCommand, { nextToken: 'clusters-2' })
      .resolves({ clusterArns: names.slice(100).map(clusterArn) });
    ecsMock.on(DescribeClustersCommand).callsFake((input: { clusters: string[] }) => ({
      clusters: input.clusters.map((arn) => ({ clusterArn: arn, clusterName: arn.split('/').pop() })),
      failures: [],
    }));
    const ids = Array.from({ length: 130 }, (_, i) => `ci${i}`);
    ecsMock
      .on(ListContainerInstancesCommand)
      .resolves({ containerInstanceArns: [] })
      .on(ListContainerInstancesCommand, { cluster: clusterArn('c000') })
      .resolves({
        containerInstanceArns: ids.slice(0, 70).map((id) => instanceArn('c000', id)),
        nextToken: 'ci-2',
      })
      .on(ListContainerInstancesCommand, { cluster: clusterArn('c000'), nextToken: 'ci-2' })
      .resolves({ containerInstanceArns: ids.slice(70).map((id) => instanceArn('c000', id)) });
    ecsMock.on(DescribeContainerInstancesCommand).callsFake((input: { containerInstances: string[] }) => ({
      containerInstances: input.containerInstances.map((arn) =>
        containerInstance({ containerInstanceArn: arn }),
      ),
      failures: [],
    }));

    // Act
    const sources = await ecsCollector.collect(makeContext({ pageSize: 100 }), both);

    // Assess
    expect(sources['ecs.clusters']?.ok && sources['ecs.clusters'].items.map((c) => c.clusterName)).toEqual(
      names,
    );
    const instances = sources['ecs.containerInstances'];
    expect(instances?.ok && instances.items.map((c) => c.containerInstanceArn)).toEqual(
      ids.map((id) => instanceArn('c000', id)),
    );
    expect(ecsMock.commandCalls(ListClustersCommand)).toHaveLength(2);
    expect(
      ecsMock.commandCalls(DescribeClustersCommand).map((call) => call.args[0].input.clusters?.length),
    ).toEqual([100, 50]);
    expect(ecsMock.commandCalls(ListContainerInstancesCommand)).toHaveLength(151);
    expect(
      ecsMock
        .commandCalls(DescribeContainerInstancesCommand)
        .map((call) => call.args[0].input.containerInstances?.length),
    ).toEqual([100, 30]);
  });

  it('passes a small page size through and skips resources that went away between list and describe', async () => {
    // Prepare
    ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('live'), clusterArn('deleted')] });
    ecsMock.on(DescribeClustersCommand).resolves({
      clusters: [{ clusterArn: clusterArn('live'), clusterName: 'live', status: 'ACTIVE' }],
      failures: [{ arn: clusterArn('deleted'), reason: 'MISSING' }],
    });
    ecsMock
      .on(ListContainerInstancesCommand)
      .resolves({ containerInstanceArns: [] })
      .on(ListContainerInstancesCommand, { cluster: clusterArn('live') })
      .resolves({ containerInstanceArns: [instanceArn('live', 'gone')] });
    ecsMock.on(DescribeContainerInstancesCommand).resolves({
      containerInstances: [],
      failures: [{ arn: instanceArn('live', 'gone'), reason: 'MISSING' }],
    });

    // Act
    const sources = await ecsCollector.collect(makeContext({ pageSize: 2 }), both);

    // Assess
    expect(sources['ecs.clusters']).toEqual({
      ok: true,
      items: [
        {
          clusterArn: clusterArn('live'),
          clusterName: 'live',
          status: 'ACTIVE',
          registeredContainerInstancesCount: 0,
          runningTasksCount: 0,
          activeServicesCount: 0,
          capacityProviders: [],
          tags: {},
        },
      ],
    });
    expect(sources['ecs.containerInstances']).toEqual({ ok: true, items: [] });
    expect(ecsMock.commandCalls(ListClustersCommand)[0]?.args[0].input).toEqual({ maxResults: 2 });
  });

  it('fails both sources when ListClusters is denied, and describes nothing', async () => {
    // Prepare
    ecsMock.on(ListClustersCommand).rejects(
      new AccessDeniedException({
        $metadata: { httpStatusCode: 400 },
        message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/estatescan/scan is not authorized to perform: ecs:ListClusters`,
      }),
    );

    // Act
    const sources = await ecsCollector.collect(makeContext(), both);

    // Assess
    for (const source of ['ecs.clusters', 'ecs.containerInstances'] as const) {
      expect(sources[source]).toEqual({
        ok: false,
        error: {
          accountId: ACCOUNT,
          region: REGION,
          source,
          operation: 'ecs:ListClusters',
          code: 'AccessDeniedException',
          message: expect.stringContaining('not authorized to perform: ecs:ListClusters'),
        },
      });
    }
    expect(ecsMock.commandCalls(DescribeClustersCommand)).toHaveLength(0);
    expect(ecsMock.commandCalls(ListContainerInstancesCommand)).toHaveLength(0);
  });

  it('records a denied DescribeContainerInstances as that source failing while clusters succeed', async () => {
    // Prepare
    ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('web')] });
    ecsMock.on(DescribeClustersCommand).resolves({
      clusters: [{ clusterArn: clusterArn('web'), clusterName: 'web', activeServicesCount: 4 }],
      failures: [],
    });
    ecsMock.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [instanceArn('web', 'a')] });
    ecsMock
      .on(DescribeContainerInstancesCommand)
      .rejects(new AccessDeniedException({ $metadata: {}, message: 'not authorized' }));

    // Act
    const sources = await ecsCollector.collect(makeContext(), both);

    // Assess
    expect(sources['ecs.clusters']?.ok && sources['ecs.clusters'].items[0]?.activeServicesCount).toBe(4);
    expect(sources['ecs.containerInstances']).toMatchObject({
      ok: false,
      error: { operation: 'ecs:DescribeContainerInstances', code: 'AccessDeniedException' },
    });
  });

  it('fails the source on a describe failure other than MISSING rather than dropping the item', async () => {
    // Prepare
    ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('web')] });
    ecsMock.on(DescribeClustersCommand).resolves({
      clusters: [],
      failures: [{ arn: clusterArn('web'), reason: 'INTERNAL_ERROR', detail: 'try again' }],
    });

    // Act
    const sources = await ecsCollector.collect(makeContext(), new Set(['ecs.clusters']));

    // Assess
    expect(sources['ecs.clusters']).toMatchObject({
      ok: false,
      error: {
        operation: 'ecs:DescribeClusters',
        code: 'EcsDescribeFailureError',
        message: expect.stringContaining('INTERNAL_ERROR'),
      },
    });
  });

  it('collects only the wanted sources: instances need the cluster list, not the cluster descriptions', async () => {
    // Prepare
    ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('web')] });
    ecsMock.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [] });

    // Act
    const onlyInstances = await ecsCollector.collect(makeContext(), new Set(['ecs.containerInstances']));
    const nothing = await ecsCollector.collect(makeContext(), new Set(['ec2.instances']));

    // Assess
    expect(Object.keys(onlyInstances)).toEqual(['ecs.containerInstances']);
    expect(onlyInstances['ecs.containerInstances']).toEqual({ ok: true, items: [] });
    expect(ecsMock.commandCalls(DescribeClustersCommand)).toHaveLength(0);
    expect(ecsMock.commandCalls(DescribeContainerInstancesCommand)).toHaveLength(0);
    expect(nothing).toEqual({});
    expect(ecsMock.commandCalls(ListClustersCommand)).toHaveLength(1);
  });
});
