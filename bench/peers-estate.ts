/**
 * The estate `npm run bench:peers` scans: the benchmark's generator (`bench/estate.ts`) in
 * 4 accounts × 4 regions, plus a few planted resources in every account × region whose verdicts are
 * known, so that what each tool reports on them can be read side by side.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSubnetsCommand,
  EC2Client,
  type IpPermission,
  RegisterImageCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient, SetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mapWithConcurrency } from '../src/inventory/concurrency.ts';
import {
  benchImages,
  credentialsFor,
  type EstateSize,
  HUB_ACCOUNT,
  type SeededEstate,
  seedEstate,
} from './estate.ts';

/**
 * The estate both tools scan: the benchmark's generator at a size where Prowler's per-resource calls
 * show (it reads each instance's user data, a dozen settings of each bucket) without making a run
 * last minutes; counts per account × region, buckets per account.
 */
export const peersEstate: EstateSize = {
  accounts: [HUB_ACCOUNT, '111111111111', '222222222222', '333333333333'],
  regions: ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'],
  instances: 10,
  securityGroups: 6,
  buckets: 8,
  repositories: 4,
  ecsClusters: 0,
  eksClusters: 1,
  nodegroupsPerCluster: 0,
};

/** What is planted in every account × region, and what a reader should expect of it. */
export const plantedKinds = [
  { key: 'sg-all', label: 'security group, all traffic from 0.0.0.0/0, attached' },
  { key: 'sg-ssh', label: 'security group, SSH (22) from 0.0.0.0/0, attached' },
  { key: 'sg-https', label: 'security group, HTTPS (443) from 0.0.0.0/0, attached' },
  { key: 'sg-rdp-unused', label: 'security group, RDP (3389) from 0.0.0.0/0, attached to nothing' },
  { key: 'sg-private', label: 'security group, PostgreSQL (5432) from 10.0.0.0/8 only, attached' },
  { key: 'instance-centos7', label: 'instance on a CentOS Linux 7 AMI (support ended 2024-06-30)' },
  { key: 'instance-al2023', label: 'instance on an Amazon Linux 2023 AMI (supported)' },
  { key: 'ecr-public', label: 'ECR repository, policy lets Principal "*" pull' },
  { key: 'ecr-org', label: 'ECR repository, Principal "*" pull limited by aws:PrincipalOrgID' },
  { key: 's3-never', label: 'S3 bucket, versioning never enabled' },
  { key: 's3-suspended', label: 'S3 bucket, versioning suspended' },
  { key: 's3-enabled', label: 'S3 bucket, versioning enabled' },
  { key: 'eks-1.23', label: 'EKS cluster 1.23 (extended support over)' },
  { key: 'eks-1.32', label: 'EKS cluster 1.32 (standard support ended 2026-03-23; extended, billed)' },
  { key: 'eks-1.36', label: 'EKS cluster 1.36 (in standard support)' },
] as const;
export type PlantedKey = (typeof plantedKinds)[number]['key'];

export interface PlantedResource {
  key: PlantedKey;
  accountId: string;
  region: string;
  /** The ARN both tools name the resource by. */
  arn: string;
}

const anywhere = [{ CidrIp: '0.0.0.0/0', Description: 'anywhere' }];
const plantedGroups: { key: PlantedKey; permissions: IpPermission[] }[] = [
  { key: 'sg-all', permissions: [{ IpProtocol: '-1', IpRanges: anywhere }] },
  { key: 'sg-ssh', permissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: anywhere }] },
  { key: 'sg-https', permissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: anywhere }] },
  {
    key: 'sg-rdp-unused',
    permissions: [{ IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: anywhere }],
  },
  {
    key: 'sg-private',
    permissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
  },
];

function repositoryPolicy(restricted: boolean): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: restricted ? 'OrgPull' : 'PublicPull',
        Effect: 'Allow',
        Principal: '*',
        Action: ['ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage', 'ecr:BatchCheckLayerAvailability'],
        ...(restricted ? { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-peers12345' } } } : {}),
      },
    ],
  });
}

/** Plants one account × region's resources (about 30 calls) and returns their ARNs. */
async function plantTarget(endpoint: string, accountId: string, region: string): Promise<PlantedResource[]> {
  const credentials = await credentialsFor(endpoint, accountId);
  const config = { region, endpoint, credentials, maxAttempts: 5 };
  const ec2 = new EC2Client(config);
  const ecr = new ECRClient(config);
  const eks = new EKSClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const planted: PlantedResource[] = [];
  const plant = (key: PlantedKey, arn: string) => planted.push({ key, accountId, region, arn });
  try {
    const groupIds = new Map<PlantedKey, string>();
    for (const { key, permissions } of plantedGroups) {
      const { GroupId } = await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: `peers-${key}`, Description: `bench:peers ${key}` }),
      );
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: permissions }));
      groupIds.set(key, GroupId!);
      plant(key, `arn:aws:ec2:${region}:${accountId}:security-group/${GroupId}`);
    }
    const centos = benchImages.find((i) => i.name.startsWith('CentOS Linux 7'))!;
    const al2023 = benchImages.find((i) => i.name.startsWith('al2023-'))!;
    const instances: { key: PlantedKey; image: typeof centos | typeof al2023; groups: PlantedKey[] }[] = [
      { key: 'instance-centos7', image: centos, groups: ['sg-all', 'sg-private'] },
      { key: 'instance-al2023', image: al2023, groups: ['sg-ssh', 'sg-https'] },
    ];
    for (const { key, image, groups } of instances) {
      const { ImageId } = await ec2.send(
        new RegisterImageCommand({ Name: image.name, Description: image.description }),
      );
      const run = await ec2.send(
        new RunInstancesCommand({
          ImageId,
          MinCount: 1,
          MaxCount: 1,
          InstanceType: 't3.micro',
          SecurityGroupIds: groups.map((g) => groupIds.get(g)!),
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: `peers-${key}` }] }],
        }),
      );
      plant(key, `arn:aws:ec2:${region}:${accountId}:instance/${run.Instances![0]!.InstanceId}`);
    }
    for (const [key, restricted] of [
      ['ecr-public', false],
      ['ecr-org', true],
    ] as const) {
      const repositoryName = `peers/${key}`;
      await ecr.send(new CreateRepositoryCommand({ repositoryName }));
      await ecr.send(
        new SetRepositoryPolicyCommand({ repositoryName, policyText: repositoryPolicy(restricted) }),
      );
      plant(key, `arn:aws:ecr:${region}:${accountId}:repository/${repositoryName}`);
    }
    for (const [key, status] of [
      ['s3-never', undefined],
      ['s3-suspended', 'Suspended'],
      ['s3-enabled', 'Enabled'],
    ] as const) {
      const Bucket = `peers-${accountId}-${region}-${key.slice(3)}`;
      await s3.send(
        new CreateBucketCommand({
          Bucket,
          ...(region === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
        }),
      );
      if (status) {
        await s3.send(
          new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: status } }),
        );
      }
      plant(key, `arn:aws:s3:::${Bucket}`);
    }
    const subnets = await ec2.send(new DescribeSubnetsCommand({}));
    const subnetIds = (subnets.Subnets ?? []).map((s) => s.SubnetId!).slice(0, 2);
    for (const key of ['eks-1.23', 'eks-1.32', 'eks-1.36'] as const) {
      const name = `peers-${key.replace('.', '-')}`;
      await eks.send(
        new CreateClusterCommand({
          name,
          version: key.slice(4),
          roleArn: `arn:aws:iam::${accountId}:role/peers-eks`,
          resourcesVpcConfig: { subnetIds },
        }),
      );
      plant(key, `arn:aws:eks:${region}:${accountId}:cluster/${name}`);
    }
    return planted;
  } finally {
    for (const client of [ec2, ecr, eks, s3]) client.destroy();
  }
}

/** Seeds the estate and plants the known resources; what seeding made is not part of any figure. */
export async function seedPeersEstate(
  endpoint: string,
): Promise<{ estate: SeededEstate; planted: PlantedResource[]; seedMs: number; plantMs: number }> {
  const seedStarted = performance.now();
  const estate = await seedEstate(endpoint, peersEstate);
  const seedMs = performance.now() - seedStarted;
  const plantStarted = performance.now();
  const targets = peersEstate.accounts.flatMap((accountId) =>
    peersEstate.regions.map((region) => ({ accountId, region })),
  );
  const planted = (
    await mapWithConcurrency(targets, 4, (t) => plantTarget(endpoint, t.accountId, t.region))
  ).flat();
  return { estate, planted, seedMs, plantMs: performance.now() - plantStarted };
}
