/**
 * ECR collector against moto: two accounts (the hub, and a member reached by AssumeRole), two
 * regions, repositories with and without policies, scan on push and tag mutability both ways, a
 * lifecycle policy, and registry scanning. moto ignores DescribeRepositories' maxResults (it answers
 * every repository in one page), so following pages is covered by the unit test on client mocks; so
 * is ECR Public, which moto does not emulate (here it stands for "an operation the emulator lacks").
 */
import {
  CreateRepositoryCommand,
  ECRClient,
  PutLifecyclePolicyCommand,
  PutRegistryScanningConfigurationCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../../src/aws/api-calls.ts';
import { ecrCollector } from '../../../src/inventory/collectors/ecr.ts';
import type { EcrRepository, SourceId } from '../../../src/inventory/types.ts';
import {
  clientsFor,
  collectorContext,
  HUB_ACCOUNT,
  MEMBER_A,
  resetEmulator,
} from '../../support/emulator.ts';

const allEcr: ReadonlySet<SourceId> = new Set([
  'ecr.repositories',
  'ecr.registryScanning',
  'ecrPublic.repositories',
]);

const publicPolicy = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AnyonePull', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage'] }],
};

const orgPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'OrgPull',
      Effect: 'Allow',
      Principal: { AWS: ['*'] },
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorgid' } },
    },
  ],
};

const lifecyclePolicy = {
  rules: [
    {
      rulePriority: 1,
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    },
  ],
};

async function createRepository(
  ecr: ECRClient,
  name: string,
  options: { scanOnPush: boolean; immutable: boolean; policy?: object; lifecycle?: boolean },
): Promise<void> {
  await ecr.send(
    new CreateRepositoryCommand({
      repositoryName: name,
      imageScanningConfiguration: { scanOnPush: options.scanOnPush },
      imageTagMutability: options.immutable ? 'IMMUTABLE' : 'MUTABLE',
      tags: [{ Key: 'team', Value: name }],
    }),
  );
  if (options.policy) {
    await ecr.send(
      new SetRepositoryPolicyCommand({ repositoryName: name, policyText: JSON.stringify(options.policy) }),
    );
  }
  if (options.lifecycle) {
    await ecr.send(
      new PutLifecyclePolicyCommand({
        repositoryName: name,
        lifecyclePolicyText: JSON.stringify(lifecyclePolicy),
      }),
    );
  }
}

function byName(items: EcrRepository[]): Record<string, EcrRepository> {
  return Object.fromEntries(items.map((r) => [r.repositoryName, r]));
}

beforeAll(async () => {
  await resetEmulator();
  const hub = await clientsFor(HUB_ACCOUNT);
  const hubEu = hub.get(ECRClient, 'eu-west-1');
  await createRepository(hubEu, 'web-public', { scanOnPush: false, immutable: false, policy: publicPolicy });
  await createRepository(hubEu, 'web-org', { scanOnPush: true, immutable: true, policy: orgPolicy });
  await createRepository(hubEu, 'api', { scanOnPush: true, immutable: true, lifecycle: true });
  await createRepository(hubEu, 'worker', { scanOnPush: false, immutable: false });
  await createRepository(hubEu, 'batch', { scanOnPush: false, immutable: true });
  await createRepository(hub.get(ECRClient, 'us-east-1'), 'edge', { scanOnPush: true, immutable: false });

  const member = await clientsFor(MEMBER_A);
  const memberEu = member.get(ECRClient, 'eu-west-1');
  await createRepository(memberEu, 'member-app', { scanOnPush: false, immutable: false, lifecycle: true });
  await memberEu.send(
    new PutRegistryScanningConfigurationCommand({
      scanType: 'ENHANCED',
      rules: [
        { scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'prod-*', filterType: 'WILDCARD' }] },
      ],
    }),
  );
  hub.destroy();
  member.destroy();
});

describe('ecrCollector on the emulator', () => {
  it('collects every repository of the hub in eu-west-1 with its settings, policy, lifecycle and tags', async () => {
    // Prepare
    const ctx = await collectorContext(HUB_ACCOUNT, 'eu-west-1', { pageSize: 2 });

    // Act
    const sources = await ecrCollector.collect(ctx, allEcr);

    // Assess
    const result = sources['ecr.repositories'];
    expect(result?.ok).toBe(true);
    const repositories = byName(result?.ok ? result.items : []);
    expect(Object.keys(repositories).sort()).toEqual(['api', 'batch', 'web-org', 'web-public', 'worker']);
    expect(repositories.api).toEqual({
      repositoryName: 'api',
      repositoryArn: `arn:aws:ecr:eu-west-1:${HUB_ACCOUNT}:repository/api`,
      repositoryUri: `${HUB_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/api`,
      registryId: HUB_ACCOUNT,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      imageTagMutability: 'IMMUTABLE',
      scanOnPush: true,
      encryptionType: 'AES256',
      policy: null,
      hasLifecyclePolicy: true,
      tags: { team: 'api' },
    });
    expect(repositories.worker).toMatchObject({
      scanOnPush: false,
      imageTagMutability: 'MUTABLE',
      policy: null,
      hasLifecyclePolicy: false,
    });
    expect(repositories['web-public']?.policy?.statements).toEqual([
      {
        sid: 'AnyonePull',
        effect: 'Allow',
        principals: '*',
        notPrincipal: false,
        actions: ['ecr:BatchGetImage'],
        notActions: false,
        conditions: {},
      },
    ]);
    expect(repositories['web-org']?.policy?.statements[0]).toMatchObject({
      principals: '*',
      conditions: { StringEquals: { 'aws:PrincipalOrgID': ['o-exampleorgid'] } },
    });
    expect(sources['ecr.registryScanning']).toEqual({
      ok: true,
      items: [{ registryId: HUB_ACCOUNT, scanType: 'BASIC', rules: [] }],
    });
    // ECR Public has no endpoint outside us-east-1: an ok empty list, not a call.
    expect(sources['ecrPublic.repositories']).toEqual({ ok: true, items: [] });
    expect(ctx.errors).toEqual([]);
  });

  it('keeps regions apart and records the ECR Public failure while the rest of us-east-1 succeeds', async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const ctx = await collectorContext(HUB_ACCOUNT, 'us-east-1', { pageSize: 2, counter });

    // Act
    const sources = await ecrCollector.collect(ctx, allEcr);

    // Assess
    const result = sources['ecr.repositories'];
    expect(result?.ok && result.items.map((r) => r.repositoryName)).toEqual(['edge']);
    expect(sources['ecr.registryScanning']?.ok).toBe(true);
    // moto lacks ECR Public: it answers HTML with HTTP 500, which the SDK cannot parse.
    expect(sources['ecrPublic.repositories']).toEqual({
      ok: false,
      error: expect.objectContaining({
        accountId: HUB_ACCOUNT,
        region: 'us-east-1',
        source: 'ecrPublic.repositories',
        operation: 'ecr-public:DescribeRepositories',
        code: 'UnparseableResponse',
      }),
    });
    expect(counter.get('ecr-public:DescribeRepositories')?.failed).toBe(1);
  });

  it('reads a member account reached through AssumeRole, with its own registry scanning', async () => {
    // Prepare
    const ctx = await collectorContext(MEMBER_A, 'eu-west-1', { pageSize: 2 });

    // Act
    const sources = await ecrCollector.collect(ctx, allEcr);

    // Assess
    const result = sources['ecr.repositories'];
    expect(result?.ok && result.items.map((r) => [r.repositoryArn, r.hasLifecyclePolicy])).toEqual([
      [`arn:aws:ecr:eu-west-1:${MEMBER_A}:repository/member-app`, true],
    ]);
    expect(sources['ecr.registryScanning']).toEqual({
      ok: true,
      items: [
        {
          registryId: MEMBER_A,
          scanType: 'ENHANCED',
          rules: [{ scanFrequency: 'SCAN_ON_PUSH', filters: ['prod-*'] }],
        },
      ],
    });
  });

  it('makes only the calls the wanted sources need', async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const ctx = await collectorContext(HUB_ACCOUNT, 'eu-west-1', { counter });

    // Act
    const sources = await ecrCollector.collect(ctx, new Set<SourceId>(['ecr.registryScanning']));

    // Assess
    expect(Object.keys(sources)).toEqual(['ecr.registryScanning']);
    expect(Object.keys(counter.snapshot())).toEqual(['ecr:GetRegistryScanningConfiguration']);
  });
});
