import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rule as fargatePlatformRule } from '../../../rules/ecs/ecs-fargate-platform-version-retired.ts';
import { ApiCallCounter } from '../../../src/aws/api-calls.ts';
import { defaultRuleSettings } from '../../../src/engine/types.ts';
import { ecsCollector } from '../../../src/inventory/collectors/ecs.ts';
import { inventoryRows } from '../../../src/inventory/rows.ts';
import type { EcsContainerInstance, SourceId } from '../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../src/lifecycle/catalogue.ts';
import { makeSnapshot } from '../../fixtures/snapshot.ts';
import {
  clientsFor,
  collectorContext,
  HUB_ACCOUNT,
  MEMBER_A,
  resetEmulator,
} from '../../support/emulator.ts';
import { denyOperation } from '../../support/faults.ts';

const both = new Set<SourceId>(['ecs.clusters', 'ecs.containerInstances']);
/** moto's default AMIs: an Amazon Linux one and a Windows one (moto derives `ecs.os-type` from it). */
const LINUX_AMI = 'ami-760aaa0f';
const WINDOWS_AMI = 'ami-12c6146b';

interface Seeded {
  clusterArns: Record<string, string>;
  /** EC2 instance id → container instance ARN. */
  containerInstances: Map<string, string>;
}

/**
 * Clusters, and EC2 instances registered into the first one the way the agent does it (moto reads
 * the instance id from the identity document and needs the instance to exist).
 */
async function seed(
  account: string,
  region: string,
  clusters: { name: string; tags?: Record<string, string>; capacityProviders?: string[] }[],
  instanceAmis: string[],
  tasks: number,
): Promise<Seeded> {
  const clients = await clientsFor(account);
  const ecs = clients.get(ECSClient, region);
  const ec2 = clients.get(EC2Client, region);
  const clusterArns: Record<string, string> = {};
  for (const cluster of clusters) {
    const created = await ecs.send(
      new CreateClusterCommand({
        clusterName: cluster.name,
        ...(cluster.tags
          ? { tags: Object.entries(cluster.tags).map(([key, value]) => ({ key, value })) }
          : {}),
        ...(cluster.capacityProviders ? { capacityProviders: cluster.capacityProviders } : {}),
      }),
    );
    clusterArns[cluster.name] = created.cluster!.clusterArn!;
  }
  const target = clusters[0]!.name;
  const containerInstances = new Map<string, string>();
  for (const ami of instanceAmis) {
    const run = await ec2.send(new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1 }));
    const instanceId = run.Instances![0]!.InstanceId!;
    const registered = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: target,
        instanceIdentityDocument: JSON.stringify({ instanceId, region, accountId: account, imageId: ami }),
      }),
    );
    containerInstances.set(instanceId, registered.containerInstance!.containerInstanceArn!);
  }
  if (tasks > 0) {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'web', image: 'nginx:1.27', cpu: 128, memory: 128 }],
      }),
    );
    await ecs.send(new RunTaskCommand({ cluster: target, taskDefinition: 'web', count: tasks }));
  }
  return { clusterArns, containerInstances };
}

describe('ECS collector against the emulator', () => {
  let hub: Seeded;
  let hubEast: Seeded;
  let member: Seeded;

  beforeAll(async () => {
    await resetEmulator();
    hub = await seed(
      HUB_ACCOUNT,
      'eu-west-1',
      [
        {
          name: 'web',
          tags: { team: 'storefront', env: 'prod' },
          capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        },
        { name: 'batch' },
        { name: 'reports' },
      ],
      [LINUX_AMI, LINUX_AMI, WINDOWS_AMI],
      2,
    );
    hubEast = await seed(HUB_ACCOUNT, 'us-east-1', [{ name: 'east-only' }], [], 0);
    member = await seed(MEMBER_A, 'eu-west-1', [{ name: 'member-web' }], [LINUX_AMI], 0);
  });

  it('collects every cluster and container instance with a page size smaller than the results', async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const ctx = await collectorContext(HUB_ACCOUNT, 'eu-west-1', { pageSize: 2, counter });

    // Act
    const sources = await ecsCollector.collect(ctx, both);

    // Assess
    const clusters = sources['ecs.clusters']?.ok ? sources['ecs.clusters'].items : [];
    expect(clusters.map((c) => c.clusterName).sort()).toEqual(['batch', 'reports', 'web']);
    expect(clusters.find((c) => c.clusterName === 'web')).toEqual({
      clusterArn: hub.clusterArns.web,
      clusterName: 'web',
      status: 'ACTIVE',
      registeredContainerInstancesCount: 3,
      runningTasksCount: 2,
      // moto never counts services; the unit test covers a non-zero count.
      activeServicesCount: 0,
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [],
      tags: { team: 'storefront', env: 'prod' },
    });
    expect(clusters.find((c) => c.clusterName === 'batch')?.tags).toEqual({});

    const instances = sources['ecs.containerInstances']?.ok ? sources['ecs.containerInstances'].items : [];
    expect(instances.map((i) => i.containerInstanceArn).sort()).toEqual(
      [...hub.containerInstances.values()].sort(),
    );
    const byInstanceId = new Map(instances.map((i) => [i.ec2InstanceId, i]));
    const [linuxId, , windowsId] = [...hub.containerInstances.keys()];
    expect(byInstanceId.get(linuxId)).toEqual({
      containerInstanceArn: hub.containerInstances.get(linuxId!),
      clusterArn: hub.clusterArns.web,
      ec2InstanceId: linuxId,
      external: false,
      status: 'ACTIVE',
      agentConnected: true,
      agentVersion: '1.0.0',
      dockerVersion: '1.5.0',
      osType: 'linux',
      registeredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      runningTasksCount: expect.any(Number),
    } satisfies Record<keyof EcsContainerInstance, unknown>);
    expect(byInstanceId.get(windowsId)?.osType).toBe('windows');
    expect(instances.reduce((sum, i) => sum + i.runningTasksCount, 0)).toBe(2);
    // moto ignores maxResults on ECS lists (one page whatever the size): the unit test follows
    // nextToken. Here the small page size must not cut anything off.
    expect(counter.get('ecs:ListContainerInstances')?.calls).toBe(3);
    expect(counter.get('ecs:DescribeClusters')?.calls).toBe(1);
    expect(counter.get('ecs:DescribeContainerInstances')?.calls).toBe(1);
    expect(ctx.errors).toEqual([]);
  });

  it('keeps accounts and regions apart (assume-role into a member account)', async () => {
    // Prepare
    const eastCtx = await collectorContext(HUB_ACCOUNT, 'us-east-1', { pageSize: 2 });
    const memberCtx = await collectorContext(MEMBER_A, 'eu-west-1', { pageSize: 2 });
    const emptyCtx = await collectorContext(MEMBER_A, 'us-east-1');

    // Act
    const [east, memberSources, empty] = await Promise.all([
      ecsCollector.collect(eastCtx, both),
      ecsCollector.collect(memberCtx, both),
      ecsCollector.collect(emptyCtx, both),
    ]);

    // Assess
    expect(east['ecs.clusters']?.ok && east['ecs.clusters'].items.map((c) => c.clusterArn)).toEqual([
      hubEast.clusterArns['east-only'],
    ]);
    expect(east['ecs.containerInstances']).toEqual({ ok: true, items: [] });
    const memberClusters = memberSources['ecs.clusters']?.ok ? memberSources['ecs.clusters'].items : [];
    expect(memberClusters.map((c) => c.clusterArn)).toEqual([member.clusterArns['member-web']]);
    expect(memberClusters[0]?.clusterArn).toContain(`:${MEMBER_A}:cluster/`);
    const memberInstances = memberSources['ecs.containerInstances']?.ok
      ? memberSources['ecs.containerInstances'].items
      : [];
    expect(memberInstances.map((i) => i.ec2InstanceId)).toEqual([...member.containerInstances.keys()]);
    expect(empty).toEqual({
      'ecs.clusters': { ok: true, items: [] },
      'ecs.containerInstances': { ok: true, items: [] },
    });
  });

  it("records a denied DescribeContainerInstances as that source's error while clusters succeed", async () => {
    // Prepare: moto answers every call the collector makes, so the denial is injected in the client.
    const ctx = await collectorContext(HUB_ACCOUNT, 'eu-west-1');
    denyOperation(
      ctx.clients.get(ECSClient, 'eu-west-1'),
      'DescribeContainerInstances',
      'AccessDeniedException',
    );

    // Act
    const sources = await ecsCollector.collect(ctx, both);

    // Assess
    expect(sources['ecs.containerInstances']).toEqual({
      ok: false,
      error: expect.objectContaining({
        accountId: HUB_ACCOUNT,
        region: 'eu-west-1',
        source: 'ecs.containerInstances',
        operation: 'ecs:DescribeContainerInstances',
        code: 'AccessDeniedException',
      }),
    });
    expect(sources['ecs.clusters']?.ok && sources['ecs.clusters'].items).toHaveLength(3);
  });

  it('collects only the clusters when container instances are not wanted', async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const ctx = await collectorContext(HUB_ACCOUNT, 'eu-west-1', { counter });

    // Act
    const sources = await ecsCollector.collect(ctx, new Set<SourceId>(['ecs.clusters']));

    // Assess
    expect(Object.keys(sources)).toEqual(['ecs.clusters']);
    expect(counter.get('ecs:ListContainerInstances')).toBeUndefined();
    expect(counter.get('ecs:DescribeContainerInstances')).toBeUndefined();
  });
});

describe('ECS collector against the emulator: services and task definitions', () => {
  const REGION = 'eu-central-1';
  const placement = new Set<SourceId>(['ecs.clusters', 'ecs.services', 'ecs.taskDefinitions']);
  /** Fargate services, more than one DescribeServices batch of ten. */
  const fargateServices = Array.from({ length: 12 }, (_, i) => `api-${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    await resetEmulator();
    const clients = await clientsFor(HUB_ACCOUNT);
    const ecs = clients.get(ECSClient, REGION);
    const ec2 = clients.get(EC2Client, REGION);
    const subnetId = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets![0]!.SubnetId!;
    const groupId = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups![0]!.GroupId!;
    await ecs.send(
      new CreateClusterCommand({
        clusterName: 'shop',
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: [
          { capacityProvider: 'FARGATE', weight: 1, base: 1 },
          { capacityProvider: 'FARGATE_SPOT', weight: 3 },
        ],
      }),
    );
    await ecs.send(new CreateClusterCommand({ clusterName: 'legacy' }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'api',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'ARM64' },
        containerDefinitions: [
          { name: 'api', image: `${HUB_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop/api:3.2.0` },
          { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable' },
          { name: 'shared-base', image: `${MEMBER_A}.dkr.ecr.${REGION}.amazonaws.com/base/agent:1` },
        ],
      }),
    );
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'batch',
        containerDefinitions: [{ name: 'batch', image: 'busybox:1.36', memory: 128 }],
      }),
    );
    for (const [i, name] of fargateServices.entries()) {
      await ecs.send(
        new CreateServiceCommand({
          cluster: 'shop',
          serviceName: name,
          taskDefinition: 'api',
          desiredCount: 2,
          launchType: 'FARGATE',
          // The first one pinned to the platform version AWS retired in 2026.
          platformVersion: i === 0 ? '1.3.0' : 'LATEST',
          networkConfiguration: { awsvpcConfiguration: { subnets: [subnetId], securityGroups: [groupId] } },
        }),
      );
    }
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'legacy',
        serviceName: 'nightly',
        taskDefinition: 'batch',
        desiredCount: 1,
        launchType: 'EC2',
      }),
    );
    // moto starts services with no task running; an update sets the running count to the desired one.
    await ecs.send(new UpdateServiceCommand({ cluster: 'legacy', service: 'nightly', desiredCount: 1 }));
    clients.destroy();
  });

  it('lists every service with its launch type, platform version and subnets, in batches of ten, and each task definition once', async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const ctx = await collectorContext(HUB_ACCOUNT, REGION, { counter, pageSize: 5 });

    // Act
    const sources = await ecsCollector.collect(ctx, placement);

    // Assess
    const services = sources['ecs.services']?.ok ? sources['ecs.services'].items : [];
    expect(services.map((s) => s.serviceName).sort()).toEqual([...fargateServices, 'nightly'].sort());
    const pinned = services.find((s) => s.serviceName === 'api-00');
    expect(pinned).toMatchObject({
      clusterArn: expect.stringContaining(':cluster/shop'),
      launchType: 'FARGATE',
      platformVersion: '1.3.0',
      desiredCount: 2,
      subnetIds: [expect.stringMatching(/^subnet-/)],
      taskDefinitionArn: expect.stringContaining(':task-definition/api:1'),
      deployments: [expect.objectContaining({ status: 'PRIMARY', platformVersion: '1.3.0' })],
    });
    // moto reports FARGATE as a deployment's platform family, which is no OS: left out.
    expect(pinned?.platformFamily).toBeUndefined();
    expect(services.find((s) => s.serviceName === 'nightly')).toMatchObject({
      launchType: 'EC2',
      runningCount: 1,
      subnetIds: [],
    });
    const clusters = sources['ecs.clusters']?.ok ? sources['ecs.clusters'].items : [];
    expect(clusters.find((c) => c.clusterName === 'shop')?.defaultCapacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3 },
    ]);
    const taskDefinitions = sources['ecs.taskDefinitions']?.ok ? sources['ecs.taskDefinitions'].items : [];
    expect(taskDefinitions.map((t) => `${t.family}:${t.revision}`).sort()).toEqual(['api:1', 'batch:1']);
    expect(taskDefinitions.find((t) => t.family === 'api')).toMatchObject({
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      operatingSystemFamily: 'LINUX',
      cpuArchitecture: 'ARM64',
      containers: [
        {
          container: 'api',
          registry: { kind: 'ecr', accountId: HUB_ACCOUNT, region: REGION },
          repository: 'shop/api',
        },
        { container: 'log-router', registry: { kind: 'ecr-public' } },
        { container: 'shared-base', registry: { kind: 'ecr', accountId: MEMBER_A } },
      ],
    });
    // moto ignores maxResults on ListServices (one page per cluster); DescribeServices takes ten at most.
    expect(counter.get('ecs:ListServices')?.calls).toBe(2);
    expect(counter.get('ecs:DescribeServices')?.calls).toBe(3);
    expect(counter.get('ecs:DescribeTaskDefinition')?.calls).toBe(2);
    expect(counter.get('ecs:ListClusters')?.calls).toBe(1);
    expect(ctx.errors).toEqual([]);
  });

  it('places the services in the inventory, and the Fargate rule finds the one pinned to 1.3.0', async () => {
    // Prepare
    const ctx = await collectorContext(HUB_ACCOUNT, REGION);
    const sources = await ecsCollector.collect(ctx, placement);
    const snapshot = makeSnapshot(sources, { accountId: HUB_ACCOUNT, region: REGION });

    // Act
    const rows = inventoryRows(snapshot);
    const findings = fargatePlatformRule.evaluate(snapshot, {
      now: new Date('2026-11-25T00:00:00Z'),
      settings: defaultRuleSettings,
      lifecycle: lifecycleCatalogue,
    });

    // Assess
    const services = rows.filter((r) => r.resourceType === 'ecs.services');
    expect(services.filter((r) => r.location === 'fargate')).toHaveLength(12);
    expect(services.find((r) => r.name === 'nightly')).toMatchObject({
      location: 'cloud',
      counts: { services: 1, tasks: 1 },
    });
    expect(rows.find((r) => r.name === 'api:1')?.detail).toBe(
      `LINUX/ARM64 · FARGATE · images: ECR ${HUB_ACCOUNT} ${REGION} ×1, ECR Public ×1, ECR ${MEMBER_A} ${REGION} (other account) ×1`,
    );
    expect(findings.map((f) => [f.resourceId.split('/').pop(), f.severity])).toEqual([
      ['api-00', 'critical'],
    ]);
  });

  it('reads no task definition when only the services are wanted, as a scan does', async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const ctx = await collectorContext(HUB_ACCOUNT, REGION, { counter, details: false });

    // Act
    const sources = await ecsCollector.collect(ctx, new Set<SourceId>(['ecs.services']));

    // Assess
    expect(Object.keys(sources)).toEqual(['ecs.services']);
    expect(counter.get('ecs:DescribeTaskDefinition')).toBeUndefined();
    expect(counter.get('ecs:DescribeClusters')).toBeUndefined();
  });
});
