import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  ECSClient,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../../src/aws/api-calls.ts';
import { ecsCollector } from '../../../src/inventory/collectors/ecs.ts';
import type { EcsContainerInstance, SourceId } from '../../../src/inventory/types.ts';
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
