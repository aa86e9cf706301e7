/**
 * ECR collector: private repositories (settings, parsed policy, lifecycle policy presence, tags),
 * the registry's scanning configuration, and ECR Public repositories.
 *
 * Per repository it makes three calls (policy, lifecycle policy, tags), repositories bounded by
 * `ctx.concurrency`. A repository whose policy, lifecycle policy or tags could not be read stays in
 * the inventory with that field unknown and the error recorded. ECR Public is a us-east-1-only
 * service: its API has no endpoint anywhere else, so in other regions the source is an empty list
 * without a call (the account's public repositories are reported once, in us-east-1's snapshot).
 */
import {
  ECRClient,
  GetLifecyclePolicyCommand,
  GetRegistryScanningConfigurationCommand,
  GetRepositoryPolicyCommand,
  ListTagsForResourceCommand,
  paginateDescribeRepositories,
  type Repository,
} from '@aws-sdk/client-ecr';
import {
  ECRPUBLICClient,
  paginateDescribeRepositories as paginateDescribePublicRepositories,
} from '@aws-sdk/client-ecr-public';
import { errorCode } from '../../aws/errors.ts';
import { type Collector, type CollectorContext, iso, readField, readSource, tagsOf } from '../collector.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { type DeclaredCall, pageSizeFor } from '../declared-calls.ts';
import { parsePolicy } from '../policy.ts';
import type {
  EcrPublicRepository,
  EcrRegistryScanning,
  EcrRepository,
  ParsedPolicy,
  SourceId,
  SourceResult,
  Sources,
} from '../types.ts';

/** The only region with an ECR Public API endpoint. */
export const ECR_PUBLIC_REGION = 'us-east-1';

/**
 * The calls this collector makes. DescribeRepositories (private and public) accepts maxResults up
 * to 1000. The lifecycle policy and tags are read for the inventory only (`ctx.details`).
 */
export const ecrCalls = {
  describeRepositories: {
    operation: 'ecr:DescribeRepositories',
    sources: ['ecr.repositories'],
    per: 'page',
    of: 'repository',
    pageSize: 1000,
  },
  getRepositoryPolicy: {
    operation: 'ecr:GetRepositoryPolicy',
    sources: ['ecr.repositories'],
    per: 'item',
    of: 'repository',
  },
  getLifecyclePolicy: {
    operation: 'ecr:GetLifecyclePolicy',
    sources: ['ecr.repositories'],
    per: 'item',
    of: 'repository',
    details: true,
  },
  listTagsForResource: {
    operation: 'ecr:ListTagsForResource',
    sources: ['ecr.repositories'],
    per: 'item',
    of: 'repository',
    details: true,
  },
  getRegistryScanningConfiguration: {
    operation: 'ecr:GetRegistryScanningConfiguration',
    sources: ['ecr.registryScanning'],
    per: 'target',
  },
  describePublicRepositories: {
    operation: 'ecr-public:DescribeRepositories',
    sources: ['ecrPublic.repositories'],
    per: 'page',
    of: 'public repository',
    pageSize: 1000,
    region: ECR_PUBLIC_REGION,
  },
} as const satisfies Record<string, DeclaredCall>;

async function repositoryPolicy(
  ctx: CollectorContext,
  client: ECRClient,
  repositoryName: string,
): Promise<ParsedPolicy | null | undefined> {
  return readField(
    ctx,
    'ecr.repositories',
    ecrCalls.getRepositoryPolicy.operation,
    repositoryName,
    async () => {
      try {
        const response = await client.send(new GetRepositoryPolicyCommand({ repositoryName }));
        return response.policyText ? parsePolicy(response.policyText) : null;
      } catch (error) {
        if (errorCode(error) === 'RepositoryPolicyNotFoundException') return null;
        throw error;
      }
    },
  );
}

async function hasLifecyclePolicy(
  ctx: CollectorContext,
  client: ECRClient,
  repositoryName: string,
): Promise<boolean | undefined> {
  return readField(
    ctx,
    'ecr.repositories',
    ecrCalls.getLifecyclePolicy.operation,
    repositoryName,
    async () => {
      try {
        const response = await client.send(new GetLifecyclePolicyCommand({ repositoryName }));
        return !!response.lifecyclePolicyText;
      } catch (error) {
        if (errorCode(error) === 'LifecyclePolicyNotFoundException') return false;
        throw error;
      }
    },
  );
}

async function repositoryOf(
  ctx: CollectorContext,
  client: ECRClient,
  r: Repository & { repositoryName: string; repositoryArn: string },
): Promise<EcrRepository> {
  // One call after another per repository: `ctx.concurrency` then bounds the calls in flight.
  const policy = await repositoryPolicy(ctx, client, r.repositoryName);
  // The lifecycle policy and tags only the inventory shows (`ctx.details`).
  const lifecycle = ctx.details ? await hasLifecyclePolicy(ctx, client, r.repositoryName) : undefined;
  const tags = !ctx.details
    ? undefined
    : await readField(
        ctx,
        'ecr.repositories',
        ecrCalls.listTagsForResource.operation,
        r.repositoryName,
        async () => {
          const response = await client.send(
            new ListTagsForResourceCommand({ resourceArn: r.repositoryArn }),
          );
          return tagsOf(response.tags);
        },
      );
  return {
    repositoryName: r.repositoryName,
    repositoryArn: r.repositoryArn,
    ...(r.repositoryUri ? { repositoryUri: r.repositoryUri } : {}),
    ...(r.registryId ? { registryId: r.registryId } : {}),
    ...(r.createdAt ? { createdAt: iso(r.createdAt) } : {}),
    ...(r.imageTagMutability ? { imageTagMutability: r.imageTagMutability } : {}),
    scanOnPush: r.imageScanningConfiguration?.scanOnPush ?? false,
    ...(r.encryptionConfiguration?.encryptionType
      ? { encryptionType: r.encryptionConfiguration.encryptionType }
      : {}),
    ...(policy !== undefined ? { policy } : {}),
    ...(lifecycle !== undefined ? { hasLifecyclePolicy: lifecycle } : {}),
    // Tags are informational (no rule reads them); when unreadable the error is recorded.
    tags: tags ?? {},
  };
}

export async function collectRepositories(ctx: CollectorContext): Promise<SourceResult<EcrRepository>> {
  const client = ctx.clients.get(ECRClient, ctx.region);
  return readSource(ctx, 'ecr.repositories', ecrCalls.describeRepositories.operation, async () => {
    const raw: (Repository & { repositoryName: string; repositoryArn: string })[] = [];
    for await (const page of paginateDescribeRepositories(
      { client, pageSize: pageSizeFor(ctx, ecrCalls.describeRepositories) },
      {},
    )) {
      for (const r of page.repositories ?? []) {
        if (r.repositoryName && r.repositoryArn) {
          raw.push(r as Repository & { repositoryName: string; repositoryArn: string });
        }
      }
    }
    return mapWithConcurrency(raw, ctx.concurrency, (r) => repositoryOf(ctx, client, r));
  });
}

export async function collectRegistryScanning(
  ctx: CollectorContext,
): Promise<SourceResult<EcrRegistryScanning>> {
  const client = ctx.clients.get(ECRClient, ctx.region);
  return readSource(
    ctx,
    'ecr.registryScanning',
    ecrCalls.getRegistryScanningConfiguration.operation,
    async () => {
      const response = await client.send(new GetRegistryScanningConfigurationCommand({}));
      const configuration = response.scanningConfiguration;
      return [
        {
          ...(response.registryId ? { registryId: response.registryId } : {}),
          ...(configuration?.scanType ? { scanType: configuration.scanType } : {}),
          rules: (configuration?.rules ?? []).map((rule) => ({
            ...(rule.scanFrequency ? { scanFrequency: rule.scanFrequency } : {}),
            filters: (rule.repositoryFilters ?? []).map((f) => f.filter).filter((f): f is string => !!f),
          })),
        },
      ];
    },
  );
}

export async function collectPublicRepositories(
  ctx: CollectorContext,
): Promise<SourceResult<EcrPublicRepository>> {
  // Not a failure and not a hidden one: ECR Public has no API outside us-east-1, so there is nothing
  // to read here; the account's public repositories belong to its us-east-1 snapshot.
  const call = ecrCalls.describePublicRepositories;
  if (ctx.region !== call.region) return { ok: true, items: [] };
  const client = ctx.clients.get(ECRPUBLICClient, call.region);
  return readSource(ctx, 'ecrPublic.repositories', call.operation, async () => {
    const repositories: EcrPublicRepository[] = [];
    for await (const page of paginateDescribePublicRepositories(
      { client, pageSize: pageSizeFor(ctx, call) },
      {},
    )) {
      for (const r of page.repositories ?? []) {
        if (!r.repositoryName) continue;
        repositories.push({
          repositoryName: r.repositoryName,
          ...(r.repositoryArn ? { repositoryArn: r.repositoryArn } : {}),
          ...(r.repositoryUri ? { repositoryUri: r.repositoryUri } : {}),
          ...(r.registryId ? { registryId: r.registryId } : {}),
          ...(r.createdAt ? { createdAt: iso(r.createdAt) } : {}),
        });
      }
    }
    return repositories;
  });
}

export const ecrCollector: Collector = {
  name: 'ecr',
  produces: ['ecr.repositories', 'ecr.registryScanning', 'ecrPublic.repositories'],
  calls: Object.values(ecrCalls),
  async collect(ctx, wanted: ReadonlySet<SourceId>): Promise<Sources> {
    const [repositories, registryScanning, publicRepositories] = await Promise.all([
      wanted.has('ecr.repositories') ? collectRepositories(ctx) : undefined,
      wanted.has('ecr.registryScanning') ? collectRegistryScanning(ctx) : undefined,
      wanted.has('ecrPublic.repositories') ? collectPublicRepositories(ctx) : undefined,
    ]);
    return {
      ...(repositories ? { 'ecr.repositories': repositories } : {}),
      ...(registryScanning ? { 'ecr.registryScanning': registryScanning } : {}),
      ...(publicRepositories ? { 'ecrPublic.repositories': publicRepositories } : {}),
    };
  },
};
