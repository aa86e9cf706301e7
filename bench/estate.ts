/**
 * A synthetic estate for the benchmark: seeds a running moto with EC2 instances (on a handful of
 * real-looking AMIs), security groups, S3 buckets, ECR repositories, ECS and EKS clusters, in every
 * account × region asked for.
 *
 * Seeding is built for speed, not realism of call patterns: one RunInstances makes 100 instances
 * (one reservation), a security group gets its ingress rules in one call, and every call goes
 * through one bounded pool. It returns what it created, with the counts that the minimum number of
 * API calls of an inventory depends on (reservations, distinct AMIs in use, buckets per region…).
 */
import {
  type _InstanceType,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSubnetsCommand,
  EC2Client,
  type IpPermission,
  RegisterImageCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateRepositoryCommand,
  ECRClient,
  PutLifecyclePolicyCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand as CreateEcsClusterCommand,
  ECSClient,
  RegisterContainerInstanceCommand,
} from '@aws-sdk/client-ecs';
import {
  type AMITypes,
  CreateClusterCommand as CreateEksClusterCommand,
  CreateNodegroupCommand,
  EKSClient,
} from '@aws-sdk/client-eks';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ApiCallCounter } from '../src/aws/api-calls.ts';
import { AccountClients, type AwsClientSettings } from '../src/aws/clients.ts';
import { chunk, mapWithConcurrency } from '../src/inventory/concurrency.ts';

/** moto's default account: the caller's own account, reached with the plain test keys. */
export const HUB_ACCOUNT = '123456789012';

/** 20-character keys: moto maps keys to accounts and gives unknown ones the default account. */
export const hubCredentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'bench-secret' };

/** How much to create. Counts are per account × region unless said otherwise. */
export interface EstateSize {
  accounts: string[];
  regions: string[];
  instances: number;
  securityGroups: number;
  /** Per account, spread round-robin over the regions. */
  buckets: number;
  repositories: number;
  ecsClusters: number;
  eksClusters: number;
  /** Container instances registered in each ECS cluster (pointing at seeded EC2 instances). */
  containerInstancesPerCluster?: number;
  /** Managed node groups in each EKS cluster. */
  nodegroupsPerCluster?: number;
  /** Seeding calls in flight at once. */
  concurrency?: number;
}

/**
 * The sizes `npm run bench` runs, smallest first: the growth table compares them. Each is 2 accounts
 * (the second reached by AssumeRole) × 2 regions; only the resources per target change.
 */
export const estateSizes = {
  small: {
    accounts: [HUB_ACCOUNT, '111111111111'],
    regions: ['us-east-1', 'eu-west-1'],
    instances: 100,
    securityGroups: 30,
    buckets: 20,
    repositories: 10,
    ecsClusters: 1,
    eksClusters: 1,
  },
  medium: {
    accounts: [HUB_ACCOUNT, '111111111111'],
    regions: ['us-east-1', 'eu-west-1'],
    instances: 400,
    securityGroups: 120,
    buckets: 80,
    repositories: 40,
    ecsClusters: 4,
    eksClusters: 2,
  },
  default: {
    accounts: [HUB_ACCOUNT, '111111111111'],
    regions: ['us-east-1', 'eu-west-1'],
    instances: 1000,
    securityGroups: 300,
    buckets: 200,
    repositories: 100,
    ecsClusters: 10,
    eksClusters: 5,
  },
} satisfies Record<string, EstateSize>;
export type EstateSizeName = keyof typeof estateSizes;

/** What was created in one account × region. */
export interface SeededTarget {
  accountId: string;
  region: string;
  instances: number;
  /** moto's DescribeInstances MaxResults counts reservations, one per RunInstances call. */
  reservations: number;
  /** Distinct AMIs the instances use. */
  imagesInUse: number;
  securityGroups: number;
  /** Buckets whose region is this one. */
  buckets: number;
  versionedBuckets: number;
  repositories: number;
  repositoriesWithPolicy: number;
  ecsClusters: number;
  containerInstances: number;
  /** Container instances per ECS cluster (ListContainerInstances pages are per cluster). */
  containerInstancesByCluster: number[];
  eksClusters: number;
  nodegroups: number;
  /** Node groups per EKS cluster (ListNodegroups pages are per cluster). */
  nodegroupsByCluster: number[];
}

export interface SeededEstate {
  targets: SeededTarget[];
  /** Seeding calls per operation. */
  calls: Record<string, number>;
  totalCalls: number;
}

/** Real-looking AMI names, one per OS family the lifecycle catalogue knows (and its EOL story). */
export const benchImages = [
  {
    name: 'CentOS Linux 7 x86_64 HVM EBS ENA 2002_01',
    description: 'CentOS Linux 7 x86_64 HVM EBS ENA 2002_01',
  },
  {
    name: 'amzn2-ami-hvm-2.0.20240620.0-x86_64-gp2',
    description: 'Amazon Linux 2 AMI 2.0.20240620.0 x86_64 HVM gp2',
  },
  {
    name: 'al2023-ami-2023.5.20240701.0-kernel-6.1-x86_64',
    description: 'Amazon Linux 2023 AMI 2023.5.20240701.0 x86_64 HVM kernel-6.1',
  },
  {
    name: 'ubuntu/images/hvm-ssd/ubuntu-focal-20.04-amd64-server-20240101',
    description: 'Canonical, Ubuntu, 20.04 LTS, amd64 focal image build on 2024-01-01',
  },
  {
    name: 'Windows_Server-2012-R2_RTM-English-64Bit-Base-2023.10.11',
    description: 'Microsoft Windows Server 2012 R2 RTM 64-bit Locale English AMI provided by Amazon',
  },
] as const;

/** Instances per RunInstances call: one reservation each. */
export const INSTANCE_BATCH = 100;

const instanceTypes: _InstanceType[] = ['t3.micro', 't3.medium', 'm5.large', 'c5.xlarge'];
const eksVersions = ['1.23', '1.27', '1.29', '1.31'];
const nodegroupAmiTypes: AMITypes[] = ['AL2_x86_64', 'AL2023_x86_64_STANDARD', 'BOTTLEROCKET_x86_64'];

function ingressFor(n: number): IpPermission[] {
  // A mix the security-group rule tells apart: HTTPS from anywhere (authorized), SSH or RDP from
  // anywhere (high-risk port), a database port from a private range (fine).
  const wide = n % 10 === 0 ? 3389 : n % 4 === 0 ? 22 : 443;
  return [
    {
      IpProtocol: 'tcp',
      FromPort: wide,
      ToPort: wide,
      IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'public' }],
    },
    {
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'vpc' }],
    },
  ];
}

function repositoryPolicy(accountId: string, n: number): string {
  // Half the policies let anyone pull; the other half restrict it to the organization.
  const open = n % 2 === 0;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: open ? 'PublicPull' : 'OrgPull',
        Effect: 'Allow',
        Principal: open ? '*' : { AWS: `arn:aws:iam::${accountId}:root` },
        Action: ['ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage', 'ecr:BatchCheckLayerAvailability'],
        ...(open ? {} : { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-bench12345' } } }),
      },
    ],
  });
}

const lifecyclePolicy = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: 'expire untagged images',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    },
  ],
});

export async function credentialsFor(endpoint: string, accountId: string) {
  if (accountId === HUB_ACCOUNT) return hubCredentials;
  const sts = new STSClient({ region: 'us-east-1', endpoint, credentials: hubCredentials });
  try {
    const response = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/bench-seed`,
        RoleSessionName: 'bench-seed',
      }),
    );
    const c = response.Credentials!;
    return {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
  } finally {
    sts.destroy();
  }
}

function emptyTarget(accountId: string, region: string): SeededTarget {
  return {
    accountId,
    region,
    instances: 0,
    reservations: 0,
    imagesInUse: 0,
    securityGroups: 0,
    buckets: 0,
    versionedBuckets: 0,
    repositories: 0,
    repositoriesWithPolicy: 0,
    ecsClusters: 0,
    containerInstances: 0,
    containerInstancesByCluster: [],
    eksClusters: 0,
    nodegroups: 0,
    nodegroupsByCluster: [],
  };
}

/** A seeding step: one or more calls, run in the shared pool. */
type Task = () => Promise<void>;

/**
 * Runs task lists phase by phase (a phase's tasks may depend on the previous phase's results), all
 * targets' tasks of a phase in one bounded pool.
 */
async function runPhase(tasks: Task[], concurrency: number): Promise<void> {
  await mapWithConcurrency(tasks, concurrency, (task) => task());
}

export async function seedEstate(endpoint: string, size: EstateSize): Promise<SeededEstate> {
  const concurrency = size.concurrency ?? 8;
  const containerInstancesPerCluster = size.containerInstancesPerCluster ?? 3;
  const nodegroupsPerCluster = size.nodegroupsPerCluster ?? 2;
  const counter = new ApiCallCounter();
  const settings: AwsClientSettings = { endpoint, maxAttempts: 5, retryMode: 'standard' };

  const accounts = await Promise.all(
    size.accounts.map(
      async (accountId) =>
        new AccountClients(accountId, await credentialsFor(endpoint, accountId), settings, counter),
    ),
  );

  try {
    const targets = accounts.flatMap((clients) =>
      size.regions.map((region) => ({
        clients,
        seeded: emptyTarget(clients.accountId, region),
        imageIds: [] as string[],
        groupIds: [] as string[],
        subnetIds: [] as string[],
        instanceIds: [] as string[],
        ecsClusterNames: [] as string[],
        eksClusterNames: [] as string[],
      })),
    );

    // Phase 1: AMIs, security groups (rules included), the default subnets, buckets, repositories.
    const phase1: Task[] = [];
    for (const t of targets) {
      const ec2 = t.clients.get(EC2Client, t.seeded.region);
      const ecr = t.clients.get(ECRClient, t.seeded.region);
      const imagesNeeded = Math.min(benchImages.length, Math.ceil(size.instances / INSTANCE_BATCH));
      benchImages.slice(0, imagesNeeded).forEach((image, i) => {
        phase1.push(async () => {
          const { ImageId } = await ec2.send(
            new RegisterImageCommand({ Name: image.name, Description: image.description }),
          );
          t.imageIds[i] = ImageId!;
        });
      });
      phase1.push(async () => {
        const response = await ec2.send(new DescribeSubnetsCommand({}));
        t.subnetIds.push(...(response.Subnets ?? []).map((s) => s.SubnetId!).filter(Boolean));
      });
      for (let n = 0; n < size.securityGroups; n++) {
        phase1.push(async () => {
          const { GroupId } = await ec2.send(
            new CreateSecurityGroupCommand({
              GroupName: `bench-sg-${String(n).padStart(4, '0')}`,
              Description: `benchmark group ${n}`,
            }),
          );
          await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: ingressFor(n) }));
          t.groupIds.push(GroupId!);
          t.seeded.securityGroups++;
        });
      }
      for (let n = 0; n < size.repositories; n++) {
        phase1.push(async () => {
          const repositoryName = `bench/service-${String(n).padStart(4, '0')}`;
          await ecr.send(
            new CreateRepositoryCommand({
              repositoryName,
              imageTagMutability: n % 3 === 0 ? 'IMMUTABLE' : 'MUTABLE',
              imageScanningConfiguration: { scanOnPush: n % 2 === 0 },
              tags: [
                { Key: 'team', Value: `team-${n % 7}` },
                { Key: 'env', Value: n % 2 ? 'prod' : 'dev' },
              ],
            }),
          );
          t.seeded.repositories++;
          if (n % 4 === 0) {
            await ecr.send(
              new SetRepositoryPolicyCommand({
                repositoryName,
                policyText: repositoryPolicy(t.seeded.accountId, n / 4),
              }),
            );
            t.seeded.repositoriesWithPolicy++;
          }
          if (n % 5 === 0) {
            await ecr.send(
              new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: lifecyclePolicy }),
            );
          }
        });
      }
    }
    for (const clients of accounts) {
      for (let n = 0; n < size.buckets; n++) {
        const region = size.regions[n % size.regions.length]!;
        const target = targets.find((t) => t.clients === clients && t.seeded.region === region)!;
        const s3 = clients.get(S3Client, region);
        phase1.push(async () => {
          const Bucket = `bench-${clients.accountId}-${region}-${String(n).padStart(5, '0')}`;
          await s3.send(
            new CreateBucketCommand({
              Bucket,
              ...(region === 'us-east-1'
                ? {}
                : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
            }),
          );
          target.seeded.buckets++;
          // A third versioned, a tenth suspended, the rest never enabled.
          const versioning = n % 3 === 0 ? 'Enabled' : n % 10 === 1 ? 'Suspended' : undefined;
          if (versioning) {
            await s3.send(
              new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: versioning } }),
            );
            if (versioning === 'Enabled') target.seeded.versionedBuckets++;
          }
          if (n % 2 === 0) {
            await s3.send(
              new PutPublicAccessBlockCommand({
                Bucket,
                PublicAccessBlockConfiguration: {
                  BlockPublicAcls: true,
                  IgnorePublicAcls: true,
                  BlockPublicPolicy: true,
                  RestrictPublicBuckets: true,
                },
              }),
            );
          }
        });
      }
    }
    await runPhase(phase1, concurrency);

    // Phase 2: instances (they need the AMIs and groups), ECS and EKS clusters.
    const phase2: Task[] = [];
    for (const t of targets) {
      const ec2 = t.clients.get(EC2Client, t.seeded.region);
      const ecs = t.clients.get(ECSClient, t.seeded.region);
      const eks = t.clients.get(EKSClient, t.seeded.region);
      const batches = chunk(
        Array.from({ length: size.instances }, (_, i) => i),
        INSTANCE_BATCH,
      );
      const imagesUsed = new Set<string>();
      batches.forEach((batch, b) => {
        const imageId = t.imageIds[b % t.imageIds.length]!;
        imagesUsed.add(imageId);
        const groups = t.groupIds.length ? [t.groupIds[b % t.groupIds.length]!] : [];
        phase2.push(async () => {
          const run = await ec2.send(
            new RunInstancesCommand({
              ImageId: imageId,
              MinCount: batch.length,
              MaxCount: batch.length,
              InstanceType: instanceTypes[b % instanceTypes.length],
              ...(t.subnetIds.length ? { SubnetId: t.subnetIds[b % t.subnetIds.length] } : {}),
              ...(groups.length ? { SecurityGroupIds: groups } : {}),
              MetadataOptions: { HttpTokens: b % 2 === 0 ? 'required' : 'optional' },
              TagSpecifications: [
                {
                  ResourceType: 'instance',
                  Tags: [
                    { Key: 'Name', Value: `bench-fleet-${b}` },
                    { Key: 'team', Value: `team-${b % 7}` },
                  ],
                },
              ],
            }),
          );
          t.instanceIds.push(...(run.Instances ?? []).map((i) => i.InstanceId!));
          t.seeded.instances += run.Instances?.length ?? 0;
          t.seeded.reservations++;
        });
      });
      t.seeded.imagesInUse = imagesUsed.size;
      for (let n = 0; n < size.ecsClusters; n++) {
        const clusterName = `bench-ecs-${String(n).padStart(3, '0')}`;
        phase2.push(async () => {
          await ecs.send(
            new CreateEcsClusterCommand({ clusterName, tags: [{ key: 'team', value: `team-${n % 7}` }] }),
          );
          t.ecsClusterNames.push(clusterName);
          t.seeded.ecsClusters++;
        });
      }
      for (let n = 0; n < size.eksClusters; n++) {
        const name = `bench-eks-${String(n).padStart(3, '0')}`;
        phase2.push(async () => {
          await eks.send(
            new CreateEksClusterCommand({
              name,
              version: eksVersions[n % eksVersions.length],
              roleArn: `arn:aws:iam::${t.seeded.accountId}:role/bench-eks-cluster`,
              resourcesVpcConfig: {
                subnetIds: t.subnetIds.slice(0, 2),
                endpointPublicAccess: true,
                endpointPrivateAccess: n % 2 === 0,
                publicAccessCidrs: n % 2 === 0 ? ['0.0.0.0/0'] : ['203.0.113.0/24'],
              },
              tags: { team: `team-${n % 7}` },
            }),
          );
          t.eksClusterNames.push(name);
          t.seeded.eksClusters++;
        });
      }
    }
    await runPhase(phase2, concurrency);

    // Phase 3: what lives inside the clusters.
    const phase3: Task[] = [];
    for (const t of targets) {
      const ecs = t.clients.get(ECSClient, t.seeded.region);
      const eks = t.clients.get(EKSClient, t.seeded.region);
      t.ecsClusterNames.forEach((cluster, c) => {
        t.seeded.containerInstancesByCluster[c] = 0;
        for (let k = 0; k < containerInstancesPerCluster; k++) {
          const instanceId =
            t.instanceIds[(c * containerInstancesPerCluster + k) % Math.max(1, t.instanceIds.length)];
          if (!instanceId) continue;
          phase3.push(async () => {
            await ecs.send(
              new RegisterContainerInstanceCommand({
                cluster,
                instanceIdentityDocument: JSON.stringify({ instanceId, region: t.seeded.region }),
              }),
            );
            t.seeded.containerInstances++;
            t.seeded.containerInstancesByCluster[c]!++;
          });
        }
      });
      t.eksClusterNames.forEach((clusterName, c) => {
        t.seeded.nodegroupsByCluster[c] = 0;
        for (let k = 0; k < nodegroupsPerCluster; k++) {
          phase3.push(async () => {
            await eks.send(
              new CreateNodegroupCommand({
                clusterName,
                nodegroupName: `ng-${k}`,
                nodeRole: `arn:aws:iam::${t.seeded.accountId}:role/bench-eks-node`,
                subnets: t.subnetIds.slice(0, 2),
                amiType: nodegroupAmiTypes[(c + k) % nodegroupAmiTypes.length],
                instanceTypes: [instanceTypes[k % instanceTypes.length]!],
                scalingConfig: { minSize: 1, maxSize: 5, desiredSize: 2 },
              }),
            );
            t.seeded.nodegroups++;
            t.seeded.nodegroupsByCluster[c]!++;
          });
        }
      });
    }
    await runPhase(phase3, concurrency);

    const calls = Object.fromEntries(Object.entries(counter.snapshot()).map(([op, c]) => [op, c.calls]));
    return { targets: targets.map((t) => t.seeded), calls, totalCalls: counter.totals().calls };
  } finally {
    for (const clients of accounts) clients.destroy();
  }
}
