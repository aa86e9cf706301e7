import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECRPUBLICClient } from '@aws-sdk/client-ecr-public';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EKSClient } from '@aws-sdk/client-eks';
import {
  GetBucketEncryptionCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  S3ControlClient,
  S3ControlServiceException,
} from '@aws-sdk/client-s3-control';
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountClients } from '../../../src/aws/clients.ts';
import { closeOver, collectSnapshot } from '../../../src/inventory/collect.ts';
import { AccountScope, type CollectorContext } from '../../../src/inventory/collector.ts';
import type { SourceId } from '../../../src/inventory/types.ts';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const NOW = new Date('2025-06-01T12:00:00.000Z');

const ec2Mock = mockClient(EC2Client);
const ecsMock = mockClient(ECSClient);
const eksMock = mockClient(EKSClient);
const ecrMock = mockClient(ECRClient);
const ecrPublicMock = mockClient(ECRPUBLICClient);
const s3Mock = mockClient(S3Client);
const s3ControlMock = mockClient(S3ControlClient);
const ssmMock = mockClient(SSMClient);
const allMocks = [ec2Mock, ecsMock, eksMock, ecrMock, ecrPublicMock, s3Mock, s3ControlMock, ssmMock];

function makeContext(): CollectorContext {
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
    details: true,
  };
}

const fullBlock = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

function stubBuckets(): void {
  s3Mock.on(ListBucketsCommand).resolves({
    Buckets: [
      { Name: 'estatescan-logs-eu', BucketRegion: REGION, CreationDate: new Date('2024-02-01T09:00:00Z') },
      { Name: 'estatescan-assets-us', BucketRegion: 'us-east-1' },
    ],
  });
  s3Mock.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
  s3Mock.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: fullBlock });
  s3Mock.on(GetBucketEncryptionCommand).resolves({
    ServerSideEncryptionConfiguration: {
      Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    },
  });
}

describe('closeOver', () => {
  it('brings the images and SSM managed instances with the EC2 instances', () => {
    // Act
    const closed = closeOver(['ec2.instances']);

    // Assess
    expect([...closed].sort()).toEqual(['ec2.images', 'ec2.instances', 'ssm.managedInstances']);
  });

  it('brings the clusters with ECS container instances and EKS node groups', () => {
    // Act
    const ecs = closeOver(['ecs.containerInstances']);
    const eks = closeOver(['eks.nodegroups']);

    // Assess
    expect([...ecs].sort()).toEqual(['ecs.clusters', 'ecs.containerInstances']);
    expect([...eks].sort()).toEqual(['eks.clusters', 'eks.nodegroups']);
  });

  it('brings the services with their task definitions, and the clusters with Fargate profiles and add-ons', () => {
    // Act
    const taskDefinitions = closeOver(['ecs.taskDefinitions']);
    const eks = closeOver(['eks.fargateProfiles', 'eks.addons']);
    const services = closeOver(['ecs.services']);

    // Assess
    expect([...taskDefinitions].sort()).toEqual(['ecs.services', 'ecs.taskDefinitions']);
    expect([...eks].sort()).toEqual(['eks.addons', 'eks.clusters', 'eks.fargateProfiles']);
    // A rule on services needs no task definitions: a scan does not describe them.
    expect([...services]).toEqual(['ecs.services']);
  });

  it('adds nothing to sources without joins, and nothing to nothing', () => {
    // Act
    const s3 = closeOver(new Set<SourceId>(['s3.buckets']));
    const none = closeOver([]);

    // Assess
    expect([...s3]).toEqual(['s3.buckets']);
    expect(none.size).toBe(0);
  });

  it('brings ECS hosts and EKS clusters for managed instances asked for, but not for EC2 instances', () => {
    // Act
    const managed = closeOver(['ssm.managedInstances']);
    const instances = closeOver(['ec2.instances']);

    // Assess
    expect([...managed].sort()).toEqual([
      'ecs.clusters',
      'ecs.containerInstances',
      'eks.clusters',
      'ssm.managedInstances',
    ]);
    expect([...instances].sort()).toEqual(['ec2.images', 'ec2.instances', 'ssm.managedInstances']);
  });
});

describe('collectSnapshot', () => {
  afterEach(() => {
    for (const mock of allMocks) mock.reset();
  });

  it("runs only the collectors of wanted sources and keeps this region's buckets", async () => {
    // Prepare
    stubBuckets();

    // Act
    const snapshot = await collectSnapshot(makeContext(), new Set(['s3.buckets']), NOW);

    // Assess
    expect(snapshot).toEqual({
      accountId: ACCOUNT,
      region: REGION,
      collectedAt: '2025-06-01T12:00:00.000Z',
      sources: {
        's3.buckets': {
          ok: true,
          items: [
            {
              name: 'estatescan-logs-eu',
              region: REGION,
              createdAt: '2024-02-01T09:00:00.000Z',
              versioning: 'Enabled',
              publicAccessBlock: {
                blockPublicAcls: true,
                ignorePublicAcls: true,
                blockPublicPolicy: true,
                restrictPublicBuckets: true,
              },
              encryption: 'AES256',
            },
          ],
        },
      },
      errors: [],
    });
    for (const mock of [ec2Mock, ecsMock, eksMock, ecrMock, ecrPublicMock, s3ControlMock, ssmMock]) {
      expect(mock.calls()).toHaveLength(0);
    }
  });

  it("puts a failed source's error and a per-item failure in the snapshot's errors", async () => {
    // Prepare
    stubBuckets();
    s3Mock.on(GetBucketVersioningCommand).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'Access Denied',
      }),
    );
    s3ControlMock.on(GetAccountPublicAccessBlockCommand).rejects(
      new S3ControlServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'Access Denied',
      }),
    );

    // Act
    const snapshot = await collectSnapshot(
      makeContext(),
      new Set(['s3.buckets', 's3.accountPublicAccessBlock']),
      NOW,
    );

    // Assess
    expect(snapshot.sources['s3.buckets']).toMatchObject({
      ok: true,
      items: [{ name: 'estatescan-logs-eu' }],
    });
    const bucket = snapshot.sources['s3.buckets']?.ok ? snapshot.sources['s3.buckets'].items[0] : undefined;
    expect(bucket).not.toHaveProperty('versioning');
    expect(snapshot.sources['s3.accountPublicAccessBlock']).toMatchObject({ ok: false });
    expect(snapshot.errors).toEqual(
      expect.arrayContaining([
        {
          accountId: ACCOUNT,
          region: REGION,
          source: 's3.buckets',
          operation: 's3:GetBucketVersioning',
          code: 'AccessDenied',
          message: 'Access Denied',
          resourceId: 'estatescan-logs-eu',
        },
        {
          accountId: ACCOUNT,
          region: REGION,
          source: 's3.accountPublicAccessBlock',
          operation: 's3control:GetPublicAccessBlock',
          code: 'AccessDenied',
          message: 'Access Denied',
        },
      ]),
    );
    expect(snapshot.errors).toHaveLength(2);
  });

  it('collects the join dependencies of a wanted source and reports a shared failure once', async () => {
    // Prepare
    ec2Mock.on(DescribeInstancesCommand).rejects(
      new EC2ServiceException({
        name: 'UnauthorizedOperation',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'You are not authorized to perform this operation.',
      }),
    );
    ssmMock.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });

    // Act
    const snapshot = await collectSnapshot(makeContext(), new Set(['ec2.instances']), NOW);

    // Assess
    expect(Object.keys(snapshot.sources).sort()).toEqual([
      'ec2.images',
      'ec2.instances',
      'ssm.managedInstances',
    ]);
    expect(snapshot.sources['ec2.instances']).toMatchObject({ ok: false });
    expect(snapshot.sources['ec2.images']).toMatchObject({ ok: false });
    expect(snapshot.sources['ssm.managedInstances']).toEqual({ ok: true, items: [] });
    expect(snapshot.errors).toEqual([
      expect.objectContaining({ operation: 'ec2:DescribeInstances', code: 'UnauthorizedOperation' }),
    ]);
    expect(ec2Mock.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'DescribeInstancesCommand',
    ]);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('joins after collecting: an instance whose AMI is gone gets its OS from SSM', async () => {
    // Prepare
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: 'i-0123456789abcdef0',
              ImageId: 'ami-0deadbeef0000000a',
              State: { Name: 'running' },
              PlatformDetails: 'Linux/UNIX',
            },
          ],
        },
      ],
    });
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [] });
    ssmMock.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: [
        {
          InstanceId: 'i-0123456789abcdef0',
          ResourceType: 'EC2Instance',
          PlatformType: 'Linux',
          PlatformName: 'Ubuntu',
          PlatformVersion: '20.04',
        },
      ],
    });

    // Act
    const snapshot = await collectSnapshot(makeContext(), new Set(['ec2.instances']), NOW);

    // Assess
    const instances = snapshot.sources['ec2.instances']?.ok ? snapshot.sources['ec2.instances'].items : [];
    expect(instances).toHaveLength(1);
    expect(instances[0]?.os).toMatchObject({
      known: true,
      family: 'ubuntu',
      version: '20.04',
      source: 'ssm',
    });
    expect(snapshot.errors).toEqual([]);
  });
});
