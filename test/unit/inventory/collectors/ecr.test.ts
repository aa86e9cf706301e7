/**
 * ECR collector on client mocks: ECR Public (moto cannot emulate it), the private repository paths
 * moto cannot produce (pages: moto ignores maxResults; failures of one call), and failed sources.
 * Responses are shaped like the AWS API reference (as the SDK deserializes them).
 */
import {
  DescribeRepositoriesCommand,
  ECRClient,
  ECRServiceException,
  GetLifecyclePolicyCommand,
  GetRegistryScanningConfigurationCommand,
  GetRepositoryPolicyCommand,
  LifecyclePolicyNotFoundException,
  ListTagsForResourceCommand,
  RepositoryPolicyNotFoundException,
  ServerException,
} from '@aws-sdk/client-ecr';
import {
  DescribeRepositoriesCommand as DescribePublicRepositoriesCommand,
  ECRPUBLICClient,
  ECRPUBLICServiceException,
} from '@aws-sdk/client-ecr-public';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountClients } from '../../../../src/aws/clients.ts';
import { AccountScope, type CollectorContext } from '../../../../src/inventory/collector.ts';
import { ecrCollector } from '../../../../src/inventory/collectors/ecr.ts';
import type { SourceId } from '../../../../src/inventory/types.ts';

const ACCOUNT = '123456789012';
const ecr = mockClient(ECRClient);
const ecrPublic = mockClient(ECRPUBLICClient);

/** An inventory's context (`details`: lifecycle policies and tags too), unless told otherwise. */
function context(region: string, pageSize?: number, details = true): CollectorContext {
  return {
    accountId: ACCOUNT,
    region,
    clients: new AccountClients(
      ACCOUNT,
      { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' },
      { maxAttempts: 1, retryMode: 'standard' },
    ),
    concurrency: 4,
    account: new AccountScope(),
    errors: [],
    details,
    ...(pageSize ? { pageSize } : {}),
  };
}

const wanted = (...ids: SourceId[]): ReadonlySet<SourceId> => new Set(ids);

const metadata = { httpStatusCode: 400, requestId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111', attempts: 1 };

/** A private repository as DescribeRepositories returns it. */
function privateRepository(name: string, scanOnPush: boolean) {
  return {
    repositoryArn: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/${name}`,
    registryId: ACCOUNT,
    repositoryName: name,
    repositoryUri: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/${name}`,
    createdAt: new Date('2024-03-01T10:00:00Z'),
    imageTagMutability: 'IMMUTABLE' as const,
    imageScanningConfiguration: { scanOnPush },
    encryptionConfiguration: { encryptionType: 'AES256' as const },
  };
}

beforeEach(() => {
  ecr.reset();
  ecrPublic.reset();
});

afterEach(() => {
  ecr.reset();
  ecrPublic.reset();
});

describe('ecrCollector: ECR Public', () => {
  it('lists public repositories across pages in us-east-1 (client mock: moto cannot emulate ECR Public)', async () => {
    // Prepare
    ecrPublic
      .on(DescribePublicRepositoriesCommand, { maxResults: 2 })
      .resolves({
        repositories: [
          {
            repositoryArn: `arn:aws:ecr-public::${ACCOUNT}:repository/web`,
            registryId: ACCOUNT,
            repositoryName: 'web',
            repositoryUri: 'public.ecr.aws/a1b2c3d4/web',
            createdAt: new Date('2023-05-02T08:30:00Z'),
          },
          {
            repositoryArn: `arn:aws:ecr-public::${ACCOUNT}:repository/agent`,
            registryId: ACCOUNT,
            repositoryName: 'agent',
            repositoryUri: 'public.ecr.aws/a1b2c3d4/agent',
            createdAt: new Date('2023-06-02T08:30:00Z'),
          },
        ],
        nextToken: 'page-2',
      })
      .on(DescribePublicRepositoriesCommand, { maxResults: 2, nextToken: 'page-2' })
      .resolves({
        repositories: [
          {
            repositoryArn: `arn:aws:ecr-public::${ACCOUNT}:repository/cli`,
            registryId: ACCOUNT,
            repositoryName: 'cli',
            repositoryUri: 'public.ecr.aws/a1b2c3d4/cli',
            createdAt: new Date('2023-07-02T08:30:00Z'),
          },
        ],
      });
    const ctx = context('us-east-1', 2);

    // Act
    const sources = await ecrCollector.collect(ctx, wanted('ecrPublic.repositories'));

    // Assess
    expect(sources['ecrPublic.repositories']).toEqual({
      ok: true,
      items: [
        {
          repositoryName: 'web',
          repositoryArn: `arn:aws:ecr-public::${ACCOUNT}:repository/web`,
          repositoryUri: 'public.ecr.aws/a1b2c3d4/web',
          registryId: ACCOUNT,
          createdAt: '2023-05-02T08:30:00.000Z',
        },
        {
          repositoryName: 'agent',
          repositoryArn: `arn:aws:ecr-public::${ACCOUNT}:repository/agent`,
          repositoryUri: 'public.ecr.aws/a1b2c3d4/agent',
          registryId: ACCOUNT,
          createdAt: '2023-06-02T08:30:00.000Z',
        },
        {
          repositoryName: 'cli',
          repositoryArn: `arn:aws:ecr-public::${ACCOUNT}:repository/cli`,
          repositoryUri: 'public.ecr.aws/a1b2c3d4/cli',
          registryId: ACCOUNT,
          createdAt: '2023-07-02T08:30:00.000Z',
        },
      ],
    });
    expect(ecrPublic.commandCalls(DescribePublicRepositoriesCommand)).toHaveLength(2);
    expect(Object.keys(sources)).toEqual(['ecrPublic.repositories']);
    expect(ecr.calls()).toHaveLength(0);
  });

  it('reports an ok empty list without a call outside us-east-1 (client mock: moto cannot emulate ECR Public)', async () => {
    // Prepare
    ecrPublic.on(DescribePublicRepositoriesCommand).resolves({
      repositories: [{ repositoryName: 'should-not-be-read', registryId: ACCOUNT }],
    });
    const ctx = context('eu-west-1');

    // Act
    const sources = await ecrCollector.collect(ctx, wanted('ecrPublic.repositories'));

    // Assess
    expect(sources['ecrPublic.repositories']).toEqual({ ok: true, items: [] });
    expect(ecrPublic.calls()).toHaveLength(0);
  });

  it('records AccessDeniedException as the source error while private ECR succeeds (client mock: moto cannot emulate ECR Public)', async () => {
    // Prepare
    ecrPublic.on(DescribePublicRepositoriesCommand).rejects(
      new ECRPUBLICServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: metadata,
        message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/estatescan/scan is not authorized to perform: ecr-public:DescribeRepositories`,
      }),
    );
    ecr.on(GetRegistryScanningConfigurationCommand).resolves({
      registryId: ACCOUNT,
      scanningConfiguration: { scanType: 'BASIC', rules: [] },
    });
    const ctx = context('us-east-1');

    // Act
    const sources = await ecrCollector.collect(ctx, wanted('ecrPublic.repositories', 'ecr.registryScanning'));

    // Assess
    expect(sources['ecrPublic.repositories']).toEqual({
      ok: false,
      error: {
        accountId: ACCOUNT,
        region: 'us-east-1',
        source: 'ecrPublic.repositories',
        operation: 'ecr-public:DescribeRepositories',
        code: 'AccessDeniedException',
        message: expect.stringContaining('not authorized to perform: ecr-public:DescribeRepositories'),
      },
    });
    expect(sources['ecr.registryScanning']).toEqual({
      ok: true,
      items: [{ registryId: ACCOUNT, scanType: 'BASIC', rules: [] }],
    });
  });
});

describe('ecrCollector: private repositories', () => {
  it('follows nextToken across DescribeRepositories pages (client mock: moto ignores maxResults)', async () => {
    // Prepare
    ecr
      .on(DescribeRepositoriesCommand, { maxResults: 2 })
      .resolves({
        repositories: [privateRepository('a', true), privateRepository('b', false)],
        nextToken: 't2',
      })
      .on(DescribeRepositoriesCommand, { maxResults: 2, nextToken: 't2' })
      .resolves({ repositories: [privateRepository('c', false)] });
    ecr.on(GetRepositoryPolicyCommand).rejects(
      new RepositoryPolicyNotFoundException({
        $metadata: metadata,
        message: 'Repository policy does not exist',
      }),
    );
    ecr.on(GetLifecyclePolicyCommand).rejects(
      new LifecyclePolicyNotFoundException({
        $metadata: metadata,
        message: 'Lifecycle policy does not exist',
      }),
    );
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
    const ctx = context('eu-west-1', 2);

    // Act
    const sources = await ecrCollector.collect(ctx, wanted('ecr.repositories'));

    // Assess
    const result = sources['ecr.repositories'];
    expect(
      result?.ok && result.items.map((r) => [r.repositoryName, r.scanOnPush, r.policy, r.hasLifecyclePolicy]),
    ).toEqual([
      ['a', true, null, false],
      ['b', false, null, false],
      ['c', false, null, false],
    ]);
    expect(ecr.commandCalls(DescribeRepositoriesCommand)).toHaveLength(2);
    expect(ctx.errors).toEqual([]);
  });

  it('keeps a repository whose policy could not be read, with the policy unknown and the error recorded', async () => {
    // Prepare
    ecr.on(DescribeRepositoriesCommand).resolves({
      repositories: [privateRepository('broken', true), privateRepository('public', true)],
    });
    ecr
      .on(GetRepositoryPolicyCommand, { repositoryName: 'broken' })
      .rejects(
        new ServerException({ $metadata: { ...metadata, httpStatusCode: 500 }, message: 'Internal error' }),
      )
      .on(GetRepositoryPolicyCommand, { repositoryName: 'public' })
      .resolves({
        registryId: ACCOUNT,
        repositoryName: 'public',
        policyText: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'pull', Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }],
        }),
      });
    ecr.on(GetLifecyclePolicyCommand).resolves({
      registryId: ACCOUNT,
      repositoryName: 'broken',
      lifecyclePolicyText: '{"rules":[]}',
    });
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [{ Key: 'team', Value: 'platform' }] });
    const ctx = context('eu-west-1');

    // Act
    const sources = await ecrCollector.collect(ctx, wanted('ecr.repositories'));

    // Assess
    const result = sources['ecr.repositories'];
    expect(result?.ok).toBe(true);
    const [broken, open] = result?.ok ? result.items : [];
    expect(broken).toMatchObject({
      repositoryName: 'broken',
      hasLifecyclePolicy: true,
      tags: { team: 'platform' },
    });
    expect(broken).not.toHaveProperty('policy');
    expect(open?.policy?.statements[0]).toMatchObject({ sid: 'pull', principals: '*' });
    expect(ctx.errors).toEqual([
      {
        accountId: ACCOUNT,
        region: 'eu-west-1',
        source: 'ecr.repositories',
        operation: 'ecr:GetRepositoryPolicy',
        code: 'ServerException',
        message: 'Internal error',
        resourceId: 'broken',
      },
    ]);
  });

  it('reads no lifecycle policy and no tags for a scan, which no rule reads (details off)', async () => {
    // Prepare
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [privateRepository('web', true)] });
    ecr
      .on(GetRepositoryPolicyCommand)
      .rejects(Object.assign(new Error('none'), { name: 'RepositoryPolicyNotFoundException' }));
    const ctx = context('eu-west-1', undefined, false);

    // Act
    const sources = await ecrCollector.collect(ctx, wanted('ecr.repositories'));

    // Assess: the policy the rules read, and nothing else per repository.
    const result = sources['ecr.repositories'];
    expect(result?.ok && result.items[0]).toMatchObject({ repositoryName: 'web', policy: null });
    expect(result?.ok && result.items[0]).not.toHaveProperty('hasLifecyclePolicy');
    expect(ecr.commandCalls(GetRepositoryPolicyCommand)).toHaveLength(1);
    expect(ecr.commandCalls(GetLifecyclePolicyCommand)).toHaveLength(0);
    expect(ecr.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
    expect(ctx.errors).toEqual([]);
  });

  it('records a failed DescribeRepositories as the source error and calls nothing per repository', async () => {
    // Prepare
    ecr.on(DescribeRepositoriesCommand).rejects(
      new ECRServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: metadata,
        message: 'not authorized to perform: ecr:DescribeRepositories',
      }),
    );
    const ctx = context('eu-west-1');

    // Act
    const sources = await ecrCollector.collect(ctx, wanted('ecr.repositories'));

    // Assess
    expect(sources['ecr.repositories']).toMatchObject({
      ok: false,
      error: { operation: 'ecr:DescribeRepositories', code: 'AccessDeniedException' },
    });
    expect(ecr.commandCalls(GetRepositoryPolicyCommand)).toHaveLength(0);
  });

  it('collects only the wanted sources', async () => {
    // Prepare
    ecr.on(GetRegistryScanningConfigurationCommand).resolves({
      registryId: ACCOUNT,
      scanningConfiguration: {
        scanType: 'ENHANCED',
        rules: [
          {
            scanFrequency: 'CONTINUOUS_SCAN',
            repositoryFilters: [{ filter: 'prod-*', filterType: 'WILDCARD' }],
          },
        ],
      },
    });
    const ctx = context('us-east-1');

    // Act
    const sources = await ecrCollector.collect(ctx, wanted('ecr.registryScanning'));

    // Assess
    expect(sources).toEqual({
      'ecr.registryScanning': {
        ok: true,
        items: [
          {
            registryId: ACCOUNT,
            scanType: 'ENHANCED',
            rules: [{ scanFrequency: 'CONTINUOUS_SCAN', filters: ['prod-*'] }],
          },
        ],
      },
    });
    expect(ecr.commandCalls(DescribeRepositoriesCommand)).toHaveLength(0);
    expect(ecrPublic.calls()).toHaveLength(0);
  });
});
