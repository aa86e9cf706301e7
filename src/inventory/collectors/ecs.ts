/**
 * ECS collector: clusters (with their tags and counts) and container instances, telling ECS
 * Anywhere hosts (`mi-…` ids, the `ecs.capability.external` attribute) from EC2 ones.
 *
 * Both sources start from one `ListClusters`: when it fails, both fail with it. Container instances
 * are listed per cluster without the `filter` expression (moto ignores it, and the inventory wants
 * every instance anyway), then described in batches of 100, the API's limit.
 */
import {
  type Cluster,
  type ContainerInstance,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  ECSClient,
  type Failure,
  paginateListClusters,
  paginateListContainerInstances,
} from '@aws-sdk/client-ecs';
import { EstatescanError } from '../../errors.ts';
import { type Collector, type CollectorContext, iso, readSource } from '../collector.ts';
import { chunk, mapWithConcurrency } from '../concurrency.ts';
import type { EcsCluster, EcsContainerInstance, SourceId, Sources, Tags } from '../types.ts';

/** `DescribeClusters` and `DescribeContainerInstances` take at most 100 names or ARNs per call. */
export const ECS_DESCRIBE_BATCH = 100;

/** `ListClusters` and `ListContainerInstances` accept maxResults from 1 to 100. */
function ecsPageSize(ctx: CollectorContext): number {
  return Math.min(100, Math.max(1, ctx.pageSize ?? 100));
}

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
  for await (const page of paginateListClusters({ client, pageSize: ecsPageSize(ctx) }, {})) {
    arns.push(...(page.clusterArns ?? []));
  }
  return arns;
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
    tags: ecsTags(c.tags),
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
    chunk(arns, ECS_DESCRIBE_BATCH),
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
  setOperation('ecs:ListContainerInstances');
  const listed = await mapWithConcurrency(clusterArns, ctx.concurrency, async (cluster) => {
    const arns: string[] = [];
    for await (const page of paginateListContainerInstances(
      { client, pageSize: ecsPageSize(ctx) },
      { cluster },
    )) {
      arns.push(...(page.containerInstanceArns ?? []));
    }
    return chunk(arns, ECS_DESCRIBE_BATCH).map((batch) => ({ cluster, batch }));
  });

  setOperation('ecs:DescribeContainerInstances');
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

export const ecsCollector: Collector = {
  name: 'ecs',
  produces: ['ecs.clusters', 'ecs.containerInstances'],
  async collect(ctx, wanted: ReadonlySet<SourceId>): Promise<Sources> {
    const wantClusters = wanted.has('ecs.clusters');
    const wantInstances = wanted.has('ecs.containerInstances');
    if (!wantClusters && !wantInstances) return {};
    const client = ctx.clients.get(ECSClient, ctx.region);

    // Listed once for both sources; each awaits it right away, so a rejection is always handled.
    const clusterArns = listClusterArns(ctx, client);
    const [clusters, containerInstances] = await Promise.all([
      wantClusters
        ? readSource(ctx, 'ecs.clusters', 'ecs:ListClusters', async (setOperation) => {
            const arns = await clusterArns;
            setOperation('ecs:DescribeClusters');
            return describeClusters(ctx, client, arns);
          })
        : undefined,
      wantInstances
        ? readSource(ctx, 'ecs.containerInstances', 'ecs:ListClusters', async (setOperation) =>
            collectContainerInstances(ctx, client, await clusterArns, setOperation),
          )
        : undefined,
    ]);
    return {
      ...(clusters ? { 'ecs.clusters': clusters } : {}),
      ...(containerInstances ? { 'ecs.containerInstances': containerInstances } : {}),
    };
  },
};
