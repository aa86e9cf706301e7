/**
 * ECS collector: clusters (with their tags, counts and capacity providers), container instances,
 * telling ECS Anywhere hosts (`mi-…` ids, the `ecs.capability.external` attribute) from EC2 ones,
 * services (launch type or capacity provider strategy, Fargate platform version and OS, task
 * counts, subnets) and the task definitions the services run (OS, architecture, container images).
 *
 * Every source starts from one `ListClusters`: when it fails, they all fail with it. Container
 * instances are listed per cluster without the `filter` expression (moto ignores it, and the
 * inventory wants every instance anyway), then described in batches of 100, the API's limit;
 * services are listed per cluster and described in batches of 10, that API's limit. A task
 * definition is described once however many services run it. No per-task call is made: the
 * services' running counts are what the inventory needs.
 */
import {
  type CapacityProviderStrategyItem,
  type Cluster,
  type ContainerInstance,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  type Failure,
  paginateListClusters,
  paginateListContainerInstances,
  paginateListServices,
  type Service,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { errorCode } from '../../aws/errors.ts';
import { EstatescanError } from '../../errors.ts';
import { type Collector, type CollectorContext, iso, readSource } from '../collector.ts';
import { chunk, mapWithConcurrency } from '../concurrency.ts';
import { type DeclaredCall, pageSizeFor } from '../declared-calls.ts';
import { parseImageReference } from '../image-reference.ts';
import type {
  EcsCapacityProviderItem,
  EcsCluster,
  EcsContainerInstance,
  EcsService,
  EcsTaskDefinition,
  SourceId,
  Sources,
  Tags,
} from '../types.ts';

/**
 * The calls this collector makes. `ListClusters`, `ListContainerInstances` and `ListServices`
 * accept maxResults from 1 to 100; `DescribeClusters` and `DescribeContainerInstances` take at
 * most 100 names or ARNs per call, `DescribeServices` 10.
 */
export const ecsCalls = {
  listClusters: {
    operation: 'ecs:ListClusters',
    sources: ['ecs.clusters', 'ecs.containerInstances', 'ecs.services', 'ecs.taskDefinitions'],
    per: 'page',
    of: 'ecs cluster',
    pageSize: 100,
  },
  describeClusters: {
    operation: 'ecs:DescribeClusters',
    sources: ['ecs.clusters'],
    per: 'batch',
    of: 'ecs cluster',
    pageSize: 100,
  },
  listContainerInstances: {
    operation: 'ecs:ListContainerInstances',
    sources: ['ecs.containerInstances'],
    per: 'page',
    of: 'container instance',
    within: 'ecs cluster',
    pageSize: 100,
  },
  describeContainerInstances: {
    operation: 'ecs:DescribeContainerInstances',
    sources: ['ecs.containerInstances'],
    per: 'batch',
    of: 'container instance',
    within: 'ecs cluster',
    pageSize: 100,
  },
  listServices: {
    operation: 'ecs:ListServices',
    sources: ['ecs.services', 'ecs.taskDefinitions'],
    per: 'page',
    of: 'ecs service',
    within: 'ecs cluster',
    pageSize: 100,
  },
  describeServices: {
    operation: 'ecs:DescribeServices',
    sources: ['ecs.services', 'ecs.taskDefinitions'],
    per: 'batch',
    of: 'ecs service',
    within: 'ecs cluster',
    pageSize: 10,
  },
  describeTaskDefinition: {
    operation: 'ecs:DescribeTaskDefinition',
    sources: ['ecs.taskDefinitions'],
    per: 'item',
    of: 'task definition in use',
  },
} as const satisfies Record<string, DeclaredCall>;

/** Container definitions kept of a task definition: the API allows 10. */
const MAX_CONTAINERS = 10;

/** A describe call answered with a failure other than `MISSING` for one of the resources asked about. */
export class EcsDescribeFailureError extends EstatescanError {
  override name = 'EcsDescribeFailureError';
  constructor(
    readonly arn: string | undefined,
    readonly reason: string | undefined,
  ) {
    super(
      `ECS could not describe ${arn ?? 'a resource'} (${reason ?? 'no reason given'}); try the scan again.`,
    );
  }
}

/**
 * `MISSING` means the resource went away between the list and the describe call: it is no longer
 * inventory. Any other failure leaves a hole we cannot see through, so the source fails.
 */
function throwOnUnexpectedFailures(failures: Failure[] | undefined): void {
  const unexpected = (failures ?? []).find((f) => f.reason !== 'MISSING');
  if (unexpected) throw new EcsDescribeFailureError(unexpected.arn, unexpected.reason);
}

function ecsTags(tags: { key?: string; value?: string }[] | undefined): Tags {
  const out: Tags = {};
  for (const tag of tags ?? []) if (tag.key) out[tag.key] = tag.value ?? '';
  return out;
}

async function listClusterArns(ctx: CollectorContext, client: ECSClient): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListClusters(
    { client, pageSize: pageSizeFor(ctx, ecsCalls.listClusters) },
    {},
  )) {
    arns.push(...(page.clusterArns ?? []));
  }
  return arns;
}

function toStrategy(items: CapacityProviderStrategyItem[] | undefined): EcsCapacityProviderItem[] {
  return (items ?? [])
    .filter((i) => i.capacityProvider)
    .map((i) => ({
      capacityProvider: i.capacityProvider as string,
      ...(i.weight !== undefined ? { weight: i.weight } : {}),
      ...(i.base !== undefined ? { base: i.base } : {}),
    }));
}

function toCluster(c: Cluster): EcsCluster | undefined {
  if (!c.clusterArn) return undefined;
  return {
    clusterArn: c.clusterArn,
    clusterName: c.clusterName ?? c.clusterArn.split('/').pop() ?? c.clusterArn,
    ...(c.status ? { status: c.status } : {}),
    registeredContainerInstancesCount: c.registeredContainerInstancesCount ?? 0,
    runningTasksCount: c.runningTasksCount ?? 0,
    activeServicesCount: c.activeServicesCount ?? 0,
    capacityProviders: c.capacityProviders ?? [],
    defaultCapacityProviderStrategy: toStrategy(c.defaultCapacityProviderStrategy),
    tags: ecsTags(c.tags),
  };
}

/** An OS family, as opposed to moto's `FARGATE`/`EC2` stand-ins for a deployment's platform family. */
const isOsFamily = (family: string | undefined) =>
  family !== undefined && (family === 'LINUX' || family.startsWith('WINDOWS_'));

function toService(clusterArn: string, s: Service): EcsService | undefined {
  if (!s.serviceArn) return undefined;
  const deployments = (s.deployments ?? []).map((d) => ({
    ...(d.status ? { status: d.status } : {}),
    ...(d.platformVersion ? { platformVersion: d.platformVersion } : {}),
    ...(d.taskDefinition ? { taskDefinitionArn: d.taskDefinition } : {}),
    runningCount: d.runningCount ?? 0,
  }));
  const platformFamily = [s.platformFamily, ...(s.deployments ?? []).map((d) => d.platformFamily)].find(
    isOsFamily,
  );
  const createdAt = iso(s.createdAt);
  return {
    serviceArn: s.serviceArn,
    serviceName: s.serviceName ?? s.serviceArn.split('/').pop() ?? s.serviceArn,
    clusterArn: s.clusterArn ?? clusterArn,
    ...(s.status ? { status: s.status } : {}),
    ...(s.launchType ? { launchType: s.launchType } : {}),
    capacityProviderStrategy: toStrategy(s.capacityProviderStrategy),
    ...(s.platformVersion ? { platformVersion: s.platformVersion } : {}),
    ...(platformFamily ? { platformFamily } : {}),
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    pendingCount: s.pendingCount ?? 0,
    ...(s.taskDefinition ? { taskDefinitionArn: s.taskDefinition } : {}),
    // The primary deployment first: it is what the service is moving to.
    deployments: deployments.sort((a, b) => Number(b.status === 'PRIMARY') - Number(a.status === 'PRIMARY')),
    subnetIds: s.networkConfiguration?.awsvpcConfiguration?.subnets ?? [],
    ...(s.schedulingStrategy ? { schedulingStrategy: s.schedulingStrategy } : {}),
    ...(createdAt ? { createdAt } : {}),
  };
}

function toTaskDefinition(arn: string, t: TaskDefinition): EcsTaskDefinition {
  const family = t.family ?? arn.split('/').pop()?.split(':')[0] ?? arn;
  return {
    taskDefinitionArn: t.taskDefinitionArn ?? arn,
    family,
    revision: t.revision ?? 0,
    ...(t.status ? { status: t.status } : {}),
    requiresCompatibilities: t.requiresCompatibilities ?? [],
    ...(t.networkMode ? { networkMode: t.networkMode } : {}),
    ...(t.runtimePlatform?.operatingSystemFamily
      ? { operatingSystemFamily: t.runtimePlatform.operatingSystemFamily }
      : {}),
    ...(t.runtimePlatform?.cpuArchitecture ? { cpuArchitecture: t.runtimePlatform.cpuArchitecture } : {}),
    ...(t.cpu ? { cpu: t.cpu } : {}),
    ...(t.memory ? { memory: t.memory } : {}),
    containers: (t.containerDefinitions ?? [])
      .slice(0, MAX_CONTAINERS)
      .filter((c) => c.image)
      .map((c) => parseImageReference(c.name ?? '', c.image as string)),
  };
}

function toContainerInstance(clusterArn: string, c: ContainerInstance): EcsContainerInstance | undefined {
  if (!c.containerInstanceArn) return undefined;
  const attribute = (name: string) => c.attributes?.find((a) => a.name === name);
  const osType = attribute('ecs.os-type')?.value;
  // The agent reports e.g. `DockerVersion: 20.10.25`; keep the version only.
  const dockerVersion = c.versionInfo?.dockerVersion?.replace(/^DockerVersion:\s*/, '');
  const registeredAt = iso(c.registeredAt);
  return {
    containerInstanceArn: c.containerInstanceArn,
    clusterArn,
    ...(c.ec2InstanceId ? { ec2InstanceId: c.ec2InstanceId } : {}),
    external:
      (c.ec2InstanceId?.startsWith('mi-') ?? false) || attribute('ecs.capability.external') !== undefined,
    ...(c.status ? { status: c.status } : {}),
    agentConnected: c.agentConnected ?? false,
    ...(c.versionInfo?.agentVersion ? { agentVersion: c.versionInfo.agentVersion } : {}),
    ...(dockerVersion ? { dockerVersion } : {}),
    ...(osType ? { osType } : {}),
    ...(registeredAt ? { registeredAt } : {}),
    runningTasksCount: c.runningTasksCount ?? 0,
  };
}

async function describeClusters(ctx: CollectorContext, client: ECSClient, arns: string[]) {
  const batches = await mapWithConcurrency(
    chunk(arns, ecsCalls.describeClusters.pageSize),
    ctx.concurrency,
    async (batch) => {
      const response = await client.send(new DescribeClustersCommand({ clusters: batch, include: ['TAGS'] }));
      throwOnUnexpectedFailures(response.failures);
      return (response.clusters ?? []).map(toCluster).filter((c): c is EcsCluster => c !== undefined);
    },
  );
  return batches.flat();
}

async function collectContainerInstances(
  ctx: CollectorContext,
  client: ECSClient,
  clusterArns: string[],
  setOperation: (op: string) => void,
): Promise<EcsContainerInstance[]> {
  // Two phases, so a failure is reported under the operation that really failed even though
  // clusters are worked on concurrently.
  setOperation(ecsCalls.listContainerInstances.operation);
  const listed = await mapWithConcurrency(clusterArns, ctx.concurrency, async (cluster) => {
    const arns: string[] = [];
    for await (const page of paginateListContainerInstances(
      { client, pageSize: pageSizeFor(ctx, ecsCalls.listContainerInstances) },
      { cluster },
    )) {
      arns.push(...(page.containerInstanceArns ?? []));
    }
    return chunk(arns, ecsCalls.describeContainerInstances.pageSize).map((batch) => ({ cluster, batch }));
  });

  setOperation(ecsCalls.describeContainerInstances.operation);
  const described = await mapWithConcurrency(listed.flat(), ctx.concurrency, async ({ cluster, batch }) => {
    const response = await client.send(
      new DescribeContainerInstancesCommand({ cluster, containerInstances: batch }),
    );
    throwOnUnexpectedFailures(response.failures);
    return (response.containerInstances ?? [])
      .map((c) => toContainerInstance(cluster, c))
      .filter((c): c is EcsContainerInstance => c !== undefined);
  });
  return described.flat();
}

/** The services, or the operation that kept them from being read. */
type ListedServices = { ok: true; items: EcsService[] } | { ok: false; operation: string; error: unknown };

async function collectServices(
  ctx: CollectorContext,
  client: ECSClient,
  clusterArns: string[],
  setOperation: (op: string) => void,
): Promise<EcsService[]> {
  setOperation(ecsCalls.listServices.operation);
  const listed = await mapWithConcurrency(clusterArns, ctx.concurrency, async (cluster) => {
    const arns: string[] = [];
    for await (const page of paginateListServices(
      { client, pageSize: pageSizeFor(ctx, ecsCalls.listServices) },
      { cluster },
    )) {
      arns.push(...(page.serviceArns ?? []));
    }
    return chunk(arns, ecsCalls.describeServices.pageSize).map((batch) => ({ cluster, batch }));
  });

  setOperation(ecsCalls.describeServices.operation);
  const described = await mapWithConcurrency(listed.flat(), ctx.concurrency, async ({ cluster, batch }) => {
    const response = await client.send(new DescribeServicesCommand({ cluster, services: batch }));
    throwOnUnexpectedFailures(response.failures);
    return (response.services ?? [])
      .map((s) => toService(cluster, s))
      .filter((s): s is EcsService => s !== undefined);
  });
  return described.flat();
}

/**
 * The task definitions the services run, each described once. One deregistered and deleted since
 * the services were described is no longer inventory (`ClientException`, as for an unknown one).
 */
async function collectTaskDefinitions(
  ctx: CollectorContext,
  client: ECSClient,
  services: EcsService[],
): Promise<EcsTaskDefinition[]> {
  const arns = [...new Set(services.flatMap((s) => (s.taskDefinitionArn ? [s.taskDefinitionArn] : [])))];
  const described = await mapWithConcurrency(arns, ctx.concurrency, async (arn) => {
    try {
      const response = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
      return response.taskDefinition ? toTaskDefinition(arn, response.taskDefinition) : undefined;
    } catch (error) {
      if (errorCode(error) === 'ClientException') return undefined;
      throw error;
    }
  });
  return described.filter((t): t is EcsTaskDefinition => t !== undefined);
}

export const ecsCollector: Collector = {
  name: 'ecs',
  produces: ['ecs.clusters', 'ecs.containerInstances', 'ecs.services', 'ecs.taskDefinitions'],
  calls: Object.values(ecsCalls),
  async collect(ctx, wanted: ReadonlySet<SourceId>): Promise<Sources> {
    const wantClusters = wanted.has('ecs.clusters');
    const wantInstances = wanted.has('ecs.containerInstances');
    const wantTaskDefinitions = wanted.has('ecs.taskDefinitions');
    const wantServices = wanted.has('ecs.services') || wantTaskDefinitions;
    if (!wantClusters && !wantInstances && !wantServices) return {};
    const client = ctx.clients.get(ECSClient, ctx.region);

    // Listed once for every source; each awaits it right away, so a rejection is always handled.
    const clusterArns = listClusterArns(ctx, client);
    // Services are read once for both their own source and the task definitions'.
    const services: Promise<ListedServices> | undefined = wantServices
      ? (async () => {
          let operation: string = ecsCalls.listClusters.operation;
          try {
            const items = await collectServices(ctx, client, await clusterArns, (op) => {
              operation = op;
            });
            return { ok: true as const, items };
          } catch (error) {
            return { ok: false as const, operation, error };
          }
        })()
      : undefined;
    const fromServices = async <T>(
      setOperation: (op: string) => void,
      fn: (items: EcsService[]) => Promise<T[]>,
    ): Promise<T[]> => {
      const listed = await (services as Promise<ListedServices>);
      if (!listed.ok) {
        setOperation(listed.operation);
        throw listed.error;
      }
      return fn(listed.items);
    };
    const [clusters, containerInstances, serviceResult, taskDefinitions] = await Promise.all([
      wantClusters
        ? readSource(ctx, 'ecs.clusters', ecsCalls.listClusters.operation, async (setOperation) => {
            const arns = await clusterArns;
            setOperation(ecsCalls.describeClusters.operation);
            return describeClusters(ctx, client, arns);
          })
        : undefined,
      wantInstances
        ? readSource(ctx, 'ecs.containerInstances', ecsCalls.listClusters.operation, async (setOperation) =>
            collectContainerInstances(ctx, client, await clusterArns, setOperation),
          )
        : undefined,
      wantServices && wanted.has('ecs.services')
        ? readSource(ctx, 'ecs.services', ecsCalls.listClusters.operation, (setOperation) =>
            fromServices(setOperation, async (items) => items),
          )
        : undefined,
      wantTaskDefinitions
        ? readSource(ctx, 'ecs.taskDefinitions', ecsCalls.describeTaskDefinition.operation, (setOperation) =>
            fromServices(setOperation, async (items) => {
              setOperation(ecsCalls.describeTaskDefinition.operation);
              return collectTaskDefinitions(ctx, client, items);
            }),
          )
        : undefined,
    ]);
    return {
      ...(clusters ? { 'ecs.clusters': clusters } : {}),
      ...(containerInstances ? { 'ecs.containerInstances': containerInstances } : {}),
      ...(serviceResult ? { 'ecs.services': serviceResult } : {}),
      ...(taskDefinitions ? { 'ecs.taskDefinitions': taskDefinitions } : {}),
    };
  },
};
