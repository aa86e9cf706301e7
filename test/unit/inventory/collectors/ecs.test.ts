import {
  AccessDeniedException,
  ClientException,
  type ContainerInstance,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
  type Service,
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
          defaultCapacityProviderStrategy: [],
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
          defaultCapacityProviderStrategy: [],
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

const serviceArn = (cluster: string, name: string) =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/${name}`;
const taskDefinitionArn = (family: string, revision: number) =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;

/** A service shaped like the DescribeServices API reference. */
function service(cluster: string, name: string, overrides: Partial<Service> = {}): Service {
  return {
    serviceArn: serviceArn(cluster, name),
    serviceName: name,
    clusterArn: clusterArn(cluster),
    loadBalancers: [],
    serviceRegistries: [],
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    taskDefinition: taskDefinitionArn(name, 3),
    deployments: [
      {
        id: `ecs-svc/${name}`,
        status: 'PRIMARY',
        taskDefinition: taskDefinitionArn(name, 3),
        desiredCount: 2,
        pendingCount: 0,
        runningCount: 2,
        failedTasks: 0,
        createdAt: new Date('2026-10-01T10:00:00.000Z'),
        updatedAt: new Date('2026-10-01T10:05:00.000Z'),
        rolloutState: 'COMPLETED',
      },
    ],
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    createdAt: new Date('2025-02-01T10:00:00.000Z'),
    ...overrides,
  };
}

describe('ecsCollector: services and task definitions', () => {
  const wanted: ReadonlySet<SourceId> = new Set(['ecs.services', 'ecs.taskDefinitions']);

  afterEach(() => {
    ecsMock.reset();
  });

  it('(client mock: moto ignores capacity provider strategies on services and rejects EXTERNAL) reads launch types, strategies and Fargate platforms', async () => {
    // Prepare
    ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('hybrid')] });
    ecsMock.on(ListServicesCommand).resolves({
      serviceArns: [
        serviceArn('hybrid', 'web'),
        serviceArn('hybrid', 'line-control'),
        serviceArn('hybrid', 'cache'),
      ],
    });
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [
        service('hybrid', 'web', {
          capacityProviderStrategy: [
            { capacityProvider: 'FARGATE_SPOT', weight: 3 },
            { capacityProvider: 'FARGATE', weight: 1, base: 1 },
          ],
          platformVersion: '1.4.0',
          platformFamily: 'WINDOWS_SERVER_2022_CORE',
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
              securityGroups: ['sg-1'],
            },
          },
          deployments: [
            {
              id: 'ecs-svc/2',
              status: 'ACTIVE',
              platformVersion: '1.3.0',
              platformFamily: 'WINDOWS_SERVER_2022_CORE',
              runningCount: 1,
              taskDefinition: taskDefinitionArn('web', 2),
            },
            {
              id: 'ecs-svc/3',
              status: 'PRIMARY',
              platformVersion: '1.4.0',
              platformFamily: 'WINDOWS_SERVER_2022_CORE',
              runningCount: 1,
              taskDefinition: taskDefinitionArn('web', 3),
            },
          ],
        }),
        service('hybrid', 'line-control', { launchType: 'EXTERNAL', runningCount: 4, desiredCount: 4 }),
        // Shares the task definition of web: described once.
        service('hybrid', 'cache', { launchType: 'EC2', taskDefinition: taskDefinitionArn('web', 3) }),
      ],
      failures: [],
    });
    ecsMock.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => ({
      taskDefinition: {
        taskDefinitionArn: input.taskDefinition,
        family: input.taskDefinition.split('/').pop()?.split(':')[0],
        revision: Number(input.taskDefinition.split(':').pop()),
        status: 'ACTIVE',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE', cpuArchitecture: 'X86_64' },
        cpu: '1024',
        memory: '2048',
        containerDefinitions: [
          { name: 'app', image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/web:5.1`, essential: true },
          { name: 'sidecar', image: 'mcr.microsoft.com/dotnet/aspnet:8.0', essential: false },
        ],
      },
    }));

    // Act
    const sources = await ecsCollector.collect(makeContext(), wanted);

    // Assess
    const services = sources['ecs.services']?.ok ? sources['ecs.services'].items : [];
    expect(services[0]).toEqual({
      serviceArn: serviceArn('hybrid', 'web'),
      serviceName: 'web',
      clusterArn: clusterArn('hybrid'),
      status: 'ACTIVE',
      capacityProviderStrategy: [
        { capacityProvider: 'FARGATE_SPOT', weight: 3 },
        { capacityProvider: 'FARGATE', weight: 1, base: 1 },
      ],
      platformVersion: '1.4.0',
      platformFamily: 'WINDOWS_SERVER_2022_CORE',
      desiredCount: 2,
      runningCount: 2,
      pendingCount: 0,
      taskDefinitionArn: taskDefinitionArn('web', 3),
      // The primary deployment first.
      deployments: [
        {
          status: 'PRIMARY',
          platformVersion: '1.4.0',
          taskDefinitionArn: taskDefinitionArn('web', 3),
          runningCount: 1,
        },
        {
          status: 'ACTIVE',
          platformVersion: '1.3.0',
          taskDefinitionArn: taskDefinitionArn('web', 2),
          runningCount: 1,
        },
      ],
      subnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
      schedulingStrategy: 'REPLICA',
      createdAt: '2025-02-01T10:00:00.000Z',
    });
    expect(services.map((s) => [s.serviceName, s.launchType, s.runningCount])).toEqual([
      ['web', undefined, 2],
      ['line-control', 'EXTERNAL', 4],
      ['cache', 'EC2', 2],
    ]);
    expect(sources['ecs.taskDefinitions']).toEqual({
      ok: true,
      items: [
        {
          taskDefinitionArn: taskDefinitionArn('web', 3),
          family: 'web',
          revision: 3,
          status: 'ACTIVE',
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE',
          cpuArchitecture: 'X86_64',
          cpu: '1024',
          memory: '2048',
          containers: [
            {
              container: 'app',
              image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/web:5.1`,
              registry: {
                kind: 'ecr',
                host: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`,
                accountId: ACCOUNT,
                region: REGION,
              },
              repository: 'web',
              tag: '5.1',
            },
            {
              container: 'sidecar',
              image: 'mcr.microsoft.com/dotnet/aspnet:8.0',
              registry: { kind: 'other', host: 'mcr.microsoft.com' },
              repository: 'dotnet/aspnet',
              tag: '8.0',
            },
          ],
        },
        expect.objectContaining({ taskDefinitionArn: taskDefinitionArn('line-control', 3) }),
      ],
    });
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
  });

  it('(client mock) describes services ten at a time, tolerating MISSING and skipping a task definition deleted meanwhile', async () => {
    // Prepare: 23 services over two pages.
    const names = Array.from({ length: 23 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('big')] });
    ecsMock
      .on(ListServicesCommand)
      .resolvesOnce({ serviceArns: names.slice(0, 20).map((n) => serviceArn('big', n)), nextToken: 'p2' })
      .resolvesOnce({ serviceArns: names.slice(20).map((n) => serviceArn('big', n)) });
    ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
      // The last one was deleted after it was listed.
      services: input.services
        .filter((arn) => !arn.endsWith('svc-22'))
        .map((arn) =>
          service('big', arn.split('/').pop() as string, {
            launchType: 'FARGATE',
            taskDefinition: taskDefinitionArn('shared', 1),
          }),
        ),
      failures: input.services
        .filter((arn) => arn.endsWith('svc-22'))
        .map((arn) => ({ arn, reason: 'MISSING' })),
    }));
    ecsMock.on(DescribeTaskDefinitionCommand).rejects(
      new ClientException({
        $metadata: { httpStatusCode: 400 },
        message: 'Unable to describe task definition.',
      }),
    );

    // Act
    const sources = await ecsCollector.collect(makeContext({ pageSize: 20 }), wanted);

    // Assess
    expect(sources['ecs.services']?.ok && sources['ecs.services'].items).toHaveLength(22);
    expect(
      ecsMock.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input.services?.length),
    ).toEqual([10, 10, 3]);
    expect(ecsMock.commandCalls(ListServicesCommand)[0]?.args[0].input).toMatchObject({
      cluster: clusterArn('big'),
      maxResults: 20,
    });
    expect(sources['ecs.taskDefinitions']).toEqual({ ok: true, items: [] });
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
  });

  it('(client mock) fails services and task definitions together when ListServices is denied, and the clusters not at all', async () => {
    // Prepare
    ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('web')] });
    ecsMock
      .on(DescribeClustersCommand)
      .resolves({ clusters: [{ clusterArn: clusterArn('web'), clusterName: 'web' }] });
    ecsMock.on(ListServicesCommand).rejects(
      new AccessDeniedException({
        $metadata: { httpStatusCode: 400 },
        message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/estatescan/scan is not authorized to perform: ecs:ListServices`,
      }),
    );

    // Act
    const sources = await ecsCollector.collect(
      makeContext(),
      new Set<SourceId>(['ecs.clusters', 'ecs.services', 'ecs.taskDefinitions']),
    );

    // Assess
    expect(sources['ecs.clusters']?.ok).toBe(true);
    for (const source of ['ecs.services', 'ecs.taskDefinitions'] as const) {
      expect(sources[source]).toEqual({
        ok: false,
        error: expect.objectContaining({
          source,
          operation: 'ecs:ListServices',
          code: 'AccessDeniedException',
        }),
      });
    }
    expect(ecsMock.commandCalls(DescribeServicesCommand)).toHaveLength(0);
  });

  it('(client mock) reads the services but no task definition when only the services are wanted (a scan)', async () => {
    // Prepare
    ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('web')] });
    ecsMock.on(ListServicesCommand).resolves({ serviceArns: [serviceArn('web', 'api')] });
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service('web', 'api')], failures: [] });

    // Act
    const sources = await ecsCollector.collect(makeContext(), new Set<SourceId>(['ecs.services']));

    // Assess
    expect(Object.keys(sources)).toEqual(['ecs.services']);
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(0);
    expect(ecsMock.commandCalls(DescribeClustersCommand)).toHaveLength(0);
  });
});
