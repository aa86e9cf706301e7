/**
 * The demo estate: a small, realistic hybrid estate in three member accounts and two regions,
 * seeded into the emulator through the public AWS APIs (the member accounts are reached by
 * AssumeRole, as a scan reaches them). Tests use it too, so its contents are exported as data.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateFlowLogsCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
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
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateClusterCommand as CreateEksClusterCommand,
  CreateFargateProfileCommand,
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
import type { EdgeData, HybridData, InstanceInformation } from './hybrid-stand-in.ts';

export const DEMO_ACCOUNTS = {
  production: '111111111111',
  development: '222222222222',
  edge: '333333333333',
} as const;
export const DEMO_REGIONS = ['eu-west-1', 'us-east-1'] as const;

/** Access keys moto attributes to its default (hub) account. */
export const DEMO_HUB_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'demo-secret-key',
};

/** Real AMI names of the families the rules care about. */
export const DEMO_AMIS = {
  centos7: {
    Name: 'CentOS Linux 7 x86_64 HVM EBS ENA 2002_01',
    Description: 'CentOS Linux 7 x86_64 HVM EBS ENA 2002_01',
  },
  amazonLinux2: {
    Name: 'amzn2-ami-hvm-2.0.20240620.0-x86_64-gp2',
    Description: 'Amazon Linux 2 AMI 2.0.20240620.0 x86_64 HVM gp2',
  },
  al2023: {
    Name: 'al2023-ami-2023.5.20240701.0-kernel-6.1-x86_64',
    Description: 'Amazon Linux 2023 AMI 2023.5.20240701.0 x86_64 HVM kernel-6.1',
  },
  ubuntu2004: {
    Name: 'ubuntu/images/hvm-ssd/ubuntu-focal-20.04-amd64-server-20240112',
    Description: 'Canonical, Ubuntu, 20.04 LTS, amd64 focal image',
  },
  ubuntu2404: {
    Name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240701',
    Description: 'Canonical, Ubuntu, 24.04 LTS, amd64 noble image',
  },
  windows2012r2: {
    Name: 'Windows_Server-2012-R2_RTM-English-64Bit-Base-2023.10.11',
    Description: 'Microsoft Windows Server 2012 R2 RTM 64-bit Locale English AMI provided by Amazon',
  },
  rhel9: { Name: 'RHEL-9.4.0_HVM-20240605-x86_64-82-Hourly2-GP2', Description: 'Provided by Red Hat, Inc.' },
  golden: { Name: 'acme-golden-base-2023-11', Description: 'ACME hardened base image' },
} as const;
type AmiKey = keyof typeof DEMO_AMIS;

interface InstanceSpec {
  name: string;
  ami: AmiKey;
  type: string;
  imdsv2: boolean;
  groups: string[];
}

interface GroupSpec {
  name: string;
  rules: IpPermission[];
}

interface RegionSpec {
  vpcCidr: string;
  flowLogs: boolean;
  groups: GroupSpec[];
  instances: InstanceSpec[];
  ecsClusters: string[];
  /** ECS services, each with a task definition of its own name running these images. */
  ecsServices?: {
    cluster: string;
    name: string;
    launchType: 'FARGATE' | 'EC2';
    platformVersion?: string;
    runningCount: number;
    images: string[];
  }[];
  eksClusters: {
    name: string;
    version: string;
    publicCidrs?: string[];
    /** EKS hybrid nodes: the on-premises network the cluster's remote nodes live in. */
    remoteNodeCidr?: string;
    nodegroups: { name: string; amiType: string }[];
    /** Fargate profiles: the namespace whose pods run on Fargate. */
    fargateProfiles?: { name: string; namespace: string }[];
  }[];
  repositories: {
    name: string;
    policy?: 'public' | 'org';
    scanOnPush: boolean;
    immutable: boolean;
    lifecycle: boolean;
  }[];
  buckets: { name: string; versioning: 'Enabled' | 'Suspended' | 'Never'; blockPublic: boolean }[];
}

const anywhere = (from: number, to = from, protocol = 'tcp'): IpPermission => ({
  IpProtocol: protocol,
  FromPort: from,
  ToPort: to,
  IpRanges: [{ CidrIp: '0.0.0.0/0' }],
});

const publicPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AnyonePull',
      Effect: 'Allow',
      Principal: '*',
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
    },
  ],
};
const orgPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'OrgPull',
      Effect: 'Allow',
      Principal: '*',
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    },
  ],
};
const lifecyclePolicy = {
  rules: [
    {
      rulePriority: 1,
      description: 'expire untagged images',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    },
  ],
};

/** What each account × region holds. */
export const DEMO_ESTATE: Record<string, Partial<Record<(typeof DEMO_REGIONS)[number], RegionSpec>>> = {
  [DEMO_ACCOUNTS.production]: {
    'eu-west-1': {
      vpcCidr: '10.10.0.0/16',
      flowLogs: true,
      groups: [
        { name: 'web-public', rules: [anywhere(443), anywhere(80)] },
        { name: 'ssh-from-anywhere', rules: [anywhere(22)] },
        {
          name: 'db-internal',
          rules: [
            { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.10.0.0/16' }] },
          ],
        },
      ],
      instances: [
        {
          name: 'legacy-billing-1',
          ami: 'centos7',
          type: 'm5.large',
          imdsv2: false,
          groups: ['ssh-from-anywhere'],
        },
        {
          name: 'legacy-billing-2',
          ami: 'centos7',
          type: 'm5.large',
          imdsv2: false,
          groups: ['ssh-from-anywhere'],
        },
        { name: 'web-1', ami: 'al2023', type: 't3.medium', imdsv2: true, groups: ['web-public'] },
        { name: 'web-2', ami: 'al2023', type: 't3.medium', imdsv2: true, groups: ['web-public'] },
        { name: 'batch-1', ami: 'amazonLinux2', type: 'c5.xlarge', imdsv2: true, groups: ['db-internal'] },
        {
          name: 'reporting-win',
          ami: 'windows2012r2',
          type: 'm5.xlarge',
          imdsv2: false,
          groups: ['db-internal'],
        },
      ],
      ecsClusters: ['payments'],
      ecsServices: [
        {
          cluster: 'payments',
          name: 'payments-api',
          launchType: 'FARGATE',
          platformVersion: 'LATEST',
          runningCount: 3,
          images: [
            '111111111111.dkr.ecr.eu-west-1.amazonaws.com/payments/api:2.4.1',
            'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
          ],
        },
        {
          cluster: 'payments',
          name: 'payments-reconciler',
          launchType: 'EC2',
          runningCount: 1,
          images: ['111111111111.dkr.ecr.eu-west-1.amazonaws.com/payments/reconciler:1.9.0'],
        },
      ],
      eksClusters: [
        {
          name: 'platform-prod',
          version: '1.28',
          publicCidrs: ['0.0.0.0/0'],
          nodegroups: [{ name: 'general', amiType: 'AL2_x86_64' }],
          fargateProfiles: [{ name: 'batch-jobs', namespace: 'batch' }],
        },
        {
          name: 'platform-next',
          version: '1.33',
          nodegroups: [{ name: 'general', amiType: 'AL2023_x86_64_STANDARD' }],
        },
      ],
      repositories: [
        { name: 'payments/api', policy: 'org', scanOnPush: true, immutable: true, lifecycle: true },
        { name: 'marketing/site', policy: 'public', scanOnPush: false, immutable: false, lifecycle: false },
      ],
      buckets: [
        { name: 'acme-prod-invoices', versioning: 'Enabled', blockPublic: true },
        { name: 'acme-prod-logs', versioning: 'Never', blockPublic: true },
      ],
    },
    'us-east-1': {
      vpcCidr: '10.11.0.0/16',
      flowLogs: false,
      groups: [
        { name: 'rdp-open', rules: [anywhere(3389)] },
        {
          name: 'everything-open',
          rules: [
            { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
          ],
        },
      ],
      instances: [
        { name: 'dr-billing', ami: 'centos7', type: 'm5.large', imdsv2: false, groups: ['everything-open'] },
        { name: 'jump-win', ami: 'windows2012r2', type: 't3.large', imdsv2: false, groups: ['rdp-open'] },
      ],
      ecsClusters: [],
      eksClusters: [],
      repositories: [],
      buckets: [{ name: 'acme-prod-dr-backups', versioning: 'Suspended', blockPublic: false }],
    },
  },
  [DEMO_ACCOUNTS.development]: {
    'eu-west-1': {
      vpcCidr: '10.20.0.0/16',
      flowLogs: false,
      groups: [{ name: 'dev-web', rules: [anywhere(8080), anywhere(443)] }],
      instances: [
        { name: 'dev-api', ami: 'ubuntu2404', type: 't3.small', imdsv2: true, groups: ['dev-web'] },
        { name: 'dev-worker', ami: 'ubuntu2004', type: 't3.small', imdsv2: false, groups: ['dev-web'] },
        { name: 'dev-rhel', ami: 'rhel9', type: 't3.small', imdsv2: true, groups: [] },
        { name: 'dev-golden', ami: 'golden', type: 't3.micro', imdsv2: true, groups: [] },
      ],
      ecsClusters: ['dev-services'],
      ecsServices: [
        {
          cluster: 'dev-services',
          name: 'dev-api',
          launchType: 'FARGATE',
          platformVersion: '1.4.0',
          runningCount: 1,
          images: ['222222222222.dkr.ecr.eu-west-1.amazonaws.com/sandbox/tools:dev', 'nginx:1.27'],
        },
      ],
      eksClusters: [
        {
          name: 'dev',
          version: '1.31',
          publicCidrs: ['203.0.113.0/24'],
          nodegroups: [{ name: 'spot', amiType: 'BOTTLEROCKET_x86_64' }],
        },
      ],
      repositories: [{ name: 'sandbox/tools', scanOnPush: false, immutable: false, lifecycle: false }],
      buckets: [{ name: 'acme-dev-artifacts', versioning: 'Never', blockPublic: false }],
    },
  },
  [DEMO_ACCOUNTS.edge]: {
    'eu-west-1': {
      vpcCidr: '10.30.0.0/16',
      flowLogs: true,
      groups: [{ name: 'edge-gateway', rules: [anywhere(443), anywhere(9200)] }],
      instances: [
        { name: 'edge-gateway', ami: 'al2023', type: 't3.medium', imdsv2: true, groups: ['edge-gateway'] },
      ],
      ecsClusters: ['factory-floor'],
      eksClusters: [{ name: 'stores', version: '1.30', remoteNodeCidr: '192.168.50.0/24', nodegroups: [] }],
      repositories: [
        { name: 'edge/agent', policy: 'org', scanOnPush: true, immutable: true, lifecycle: true },
      ],
      buckets: [{ name: 'acme-edge-telemetry', versioning: 'Enabled', blockPublic: true }],
    },
    'us-east-1': {
      vpcCidr: '10.31.0.0/16',
      flowLogs: false,
      groups: [],
      instances: [],
      ecsClusters: [],
      eksClusters: [],
      repositories: [],
      buckets: [],
    },
  },
};

interface ClientOptions {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

async function memberCredentials(endpoint: string, accountId: string) {
  const sts = new STSClient({ region: 'us-east-1', endpoint, credentials: DEMO_HUB_CREDENTIALS });
  const response = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/demo-seeder`,
      RoleSessionName: 'demo-seed',
    }),
  );
  const c = response.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

async function seedRegion(options: ClientOptions, region: string, spec: RegionSpec): Promise<void> {
  const config = { region, ...options, forcePathStyle: true };
  const ec2 = new EC2Client(config);
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: spec.vpcCidr }))).Vpc!.VpcId!;
  const subnetCidr = spec.vpcCidr.replace(/\.0\.0\/16$/, '.1.0/24');
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: subnetCidr }))).Subnet!
    .SubnetId!;
  if (spec.flowLogs) {
    await ec2.send(
      new CreateFlowLogsCommand({
        ResourceIds: [vpcId],
        ResourceType: 'VPC',
        TrafficType: 'ALL',
        LogDestinationType: 'cloud-watch-logs',
        LogGroupName: 'vpc-flow-logs',
        DeliverLogsPermissionArn: 'arn:aws:iam::123456789012:role/flow-logs',
      }),
    );
  }
  const groupIds = new Map<string, string>();
  for (const group of spec.groups) {
    const groupId = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: group.name, Description: group.name, VpcId: vpcId }),
      )
    ).GroupId!;
    groupIds.set(group.name, groupId);
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: group.rules }),
    );
  }
  const amiIds = new Map<AmiKey, string>();
  for (const instance of spec.instances) {
    let imageId = amiIds.get(instance.ami);
    if (!imageId) {
      imageId = (await ec2.send(new RegisterImageCommand(DEMO_AMIS[instance.ami]))).ImageId!;
      amiIds.set(instance.ami, imageId);
    }
    await ec2.send(
      new RunInstancesCommand({
        ImageId: imageId,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: instance.type as never,
        SubnetId: subnetId,
        ...(instance.groups.length ? { SecurityGroupIds: instance.groups.map((g) => groupIds.get(g)!) } : {}),
        MetadataOptions: { HttpTokens: instance.imdsv2 ? 'required' : 'optional', HttpEndpoint: 'enabled' },
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: instance.name }] }],
      }),
    );
  }

  const ecs = new ECSClient(config);
  for (const name of spec.ecsClusters) await ecs.send(new CreateEcsClusterCommand({ clusterName: name }));
  if (spec.ecsServices?.length) {
    // Fargate tasks need awsvpc networking: the region's subnet and a group of their own.
    const tasksGroup = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: 'ecs-tasks', Description: 'ecs-tasks', VpcId: vpcId }),
      )
    ).GroupId!;
    for (const service of spec.ecsServices) {
      const fargate = service.launchType === 'FARGATE';
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: service.name,
          ...(fargate
            ? { requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '512', memory: '1024' }
            : {}),
          runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: fargate ? 'ARM64' : 'X86_64' },
          containerDefinitions: service.images.map((image, i) => ({
            name: i === 0 ? service.name : `sidecar-${i}`,
            image,
            memory: 256,
            essential: i === 0,
          })),
        }),
      );
      await ecs.send(
        new CreateServiceCommand({
          cluster: service.cluster,
          serviceName: service.name,
          taskDefinition: service.name,
          desiredCount: service.runningCount,
          launchType: service.launchType,
          ...(service.platformVersion ? { platformVersion: service.platformVersion } : {}),
          ...(fargate
            ? {
                networkConfiguration: {
                  awsvpcConfiguration: { subnets: [subnetId], securityGroups: [tasksGroup] },
                },
              }
            : {}),
        }),
      );
      // moto starts a service with no task running; an update sets its running count to the desired one.
      await ecs.send(
        new UpdateServiceCommand({
          cluster: service.cluster,
          service: service.name,
          desiredCount: service.runningCount,
        }),
      );
    }
  }

  const eks = new EKSClient(config);
  for (const cluster of spec.eksClusters) {
    await eks.send(
      new CreateEksClusterCommand({
        name: cluster.name,
        version: cluster.version,
        roleArn: 'arn:aws:iam::000000000000:role/eks-cluster',
        resourcesVpcConfig: {
          subnetIds: [subnetId],
          endpointPublicAccess: Boolean(cluster.publicCidrs),
          endpointPrivateAccess: true,
          ...(cluster.publicCidrs ? { publicAccessCidrs: cluster.publicCidrs } : {}),
        },
        ...(cluster.remoteNodeCidr
          ? { remoteNetworkConfig: { remoteNodeNetworks: [{ cidrs: [cluster.remoteNodeCidr] }] } }
          : {}),
      }),
    );
    for (const nodegroup of cluster.nodegroups) {
      await eks.send(
        new CreateNodegroupCommand({
          clusterName: cluster.name,
          nodegroupName: nodegroup.name,
          nodeRole: 'arn:aws:iam::000000000000:role/eks-node',
          subnets: [subnetId],
          amiType: nodegroup.amiType as never,
          scalingConfig: { minSize: 1, maxSize: 4, desiredSize: 2 },
        }),
      );
    }
    for (const profile of cluster.fargateProfiles ?? []) {
      await eks.send(
        new CreateFargateProfileCommand({
          clusterName: cluster.name,
          fargateProfileName: profile.name,
          podExecutionRoleArn: 'arn:aws:iam::000000000000:role/eks-fargate-pods',
          subnets: [subnetId],
          selectors: [{ namespace: profile.namespace }],
        }),
      );
    }
  }

  const ecr = new ECRClient(config);
  for (const repo of spec.repositories) {
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: repo.name,
        imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
        imageTagMutability: repo.immutable ? 'IMMUTABLE' : 'MUTABLE',
      }),
    );
    if (repo.policy) {
      await ecr.send(
        new SetRepositoryPolicyCommand({
          repositoryName: repo.name,
          policyText: JSON.stringify(repo.policy === 'public' ? publicPolicy : orgPolicy),
        }),
      );
    }
    if (repo.lifecycle) {
      await ecr.send(
        new PutLifecyclePolicyCommand({
          repositoryName: repo.name,
          lifecyclePolicyText: JSON.stringify(lifecyclePolicy),
        }),
      );
    }
  }

  const s3 = new S3Client(config);
  for (const bucket of spec.buckets) {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket.name,
        ...(region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
    if (bucket.versioning !== 'Never') {
      await s3.send(
        new PutBucketVersioningCommand({
          Bucket: bucket.name,
          VersioningConfiguration: { Status: bucket.versioning },
        }),
      );
    }
    if (bucket.blockPublic) {
      await s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: bucket.name,
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
          },
        }),
      );
    }
  }
  for (const client of [ec2, ecs, eks, ecr, s3]) client.destroy();
}

/** Seeds the demo estate into a running emulator. */
export async function seedDemoEstate(endpoint: string): Promise<void> {
  await Promise.all(
    Object.entries(DEMO_ESTATE).map(async ([accountId, regions]) => {
      const credentials = await memberCredentials(endpoint, accountId);
      for (const [region, spec] of Object.entries(regions)) {
        if (spec) await seedRegion({ endpoint, credentials }, region, spec);
      }
    }),
  );
}

const day = 86_400;
/** Seconds since the epoch, as the JSON protocol carries timestamps. */
const at = (iso: string) => Date.parse(iso) / 1000;

function onPremHost(
  id: string,
  name: string,
  ip: string,
  platform: Pick<InstanceInformation, 'PlatformType' | 'PlatformName' | 'PlatformVersion'>,
  options: { lost?: boolean; latestAgent?: boolean } = {},
): InstanceInformation {
  return {
    InstanceId: id,
    ResourceType: 'ManagedInstance',
    Name: name,
    ComputerName: `${name}.factory.acme.internal`,
    IPAddress: ip,
    PingStatus: options.lost ? 'ConnectionLost' : 'Online',
    LastPingDateTime: options.lost ? at('2026-11-02T08:15:00Z') : at('2026-11-25T09:00:00Z'),
    AgentVersion: options.latestAgent === false ? '3.1.1188.0' : '3.3.1142.0',
    IsLatestVersion: options.latestAgent !== false,
    ActivationId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
    IamRole: 'SSMServiceRole',
    RegistrationDate: at('2023-03-14T10:00:00Z') + day,
    ...platform,
  };
}

/** An ECS Anywhere container instance, as `DescribeContainerInstances` returns it. */
function externalHost(region: string, managedInstanceId: string, id: string, connected: boolean) {
  return {
    containerInstanceArn: `arn:aws:ecs:${region}:${DEMO_ACCOUNTS.edge}:container-instance/factory-floor/${id}`,
    ec2InstanceId: managedInstanceId,
    status: 'ACTIVE',
    agentConnected: connected,
    runningTasksCount: connected ? 3 : 0,
    pendingTasksCount: 0,
    registeredAt: at('2024-05-06T07:00:00Z'),
    versionInfo: { agentVersion: '1.86.3', agentHash: 'a1b2c3d', dockerVersion: 'DockerVersion: 25.0.6' },
    attributes: [
      { name: 'ecs.capability.external' },
      { name: 'ecs.os-type', value: 'linux' },
      { name: 'ecs.os-family', value: 'LINUX' },
    ],
  };
}

/** An add-on version as `DescribeAddonVersions` lists it: compatible with `from`…`to`, default on `defaults`. */
function addonVersion(addonVersion: string, from: number, to: number, defaults: number[] = []) {
  return {
    addonVersion,
    architecture: ['amd64', 'arm64'],
    compatibilities: Array.from({ length: to - from + 1 }, (_, i) => ({
      clusterVersion: `1.${from + i}`,
      platformVersions: ['*'],
      defaultVersion: defaults.includes(from + i),
    })),
    requiresConfiguration: false,
  };
}

const addonInfo = (addonName: string, type: string, versions: ReturnType<typeof addonVersion>[]) => ({
  addonName,
  type,
  owner: 'aws',
  publisher: 'eks',
  addonVersions: versions,
});

const installed = (addonName: string, version: string) => ({
  addonName,
  addonVersion: version,
  status: 'ACTIVE',
  health: { issues: [] },
  createdAt: at('2024-04-02T09:00:00Z'),
  modifiedAt: at('2024-04-02T09:00:00Z'),
});

/**
 * What moto cannot hold of the demo's EKS add-ons and Outposts: production's 1.28 cluster still runs
 * a kube-proxy of 1.27 (incompatible) and a VPC CNI that does not run on 1.29 (an upgrade blocker);
 * the edge account owns an Outposts rack at its plant.
 */
const DEMO_EDGE: EdgeData = {
  addons: {
    [DEMO_ACCOUNTS.production]: {
      'eu-west-1': {
        'platform-prod': [
          installed('vpc-cni', 'v1.15.1-eksbuild.1'),
          installed('coredns', 'v1.10.1-eksbuild.4'),
          installed('kube-proxy', 'v1.27.16-eksbuild.14'),
        ],
        'platform-next': [installed('vpc-cni', 'v1.20.0-eksbuild.1')],
      },
    },
  },
  addonVersions: {
    'vpc-cni': addonInfo('vpc-cni', 'networking', [
      addonVersion('v1.20.0-eksbuild.1', 30, 34, [33, 34]),
      addonVersion('v1.19.2-eksbuild.5', 29, 33, [30, 31, 32]),
      addonVersion('v1.18.3-eksbuild.1', 26, 31, [29]),
      addonVersion('v1.16.0-eksbuild.1', 25, 29, [26, 27, 28]),
      addonVersion('v1.15.1-eksbuild.1', 25, 28, [25]),
    ]),
    coredns: addonInfo('coredns', 'networking', [
      addonVersion('v1.11.4-eksbuild.2', 29, 33, [29, 30, 31, 32, 33]),
      addonVersion('v1.10.1-eksbuild.4', 26, 29, [26, 27, 28]),
    ]),
    'kube-proxy': addonInfo('kube-proxy', 'networking', [
      addonVersion('v1.33.0-eksbuild.2', 33, 33, [33]),
      addonVersion('v1.29.10-eksbuild.3', 29, 29, [29]),
      addonVersion('v1.28.15-eksbuild.4', 28, 28, [28]),
      addonVersion('v1.27.16-eksbuild.14', 27, 27, [27]),
    ]),
  },
  outposts: {
    [DEMO_ACCOUNTS.edge]: {
      'eu-west-1': {
        outposts: [
          {
            OutpostId: 'op-0a1b2c3d4e5f60001',
            OwnerId: DEMO_ACCOUNTS.edge,
            OutpostArn: `arn:aws:outposts:eu-west-1:${DEMO_ACCOUNTS.edge}:outpost/op-0a1b2c3d4e5f60001`,
            SiteId: 'os-0a1b2c3d4e5f60001',
            SiteArn: `arn:aws:outposts:eu-west-1:${DEMO_ACCOUNTS.edge}:site/os-0a1b2c3d4e5f60001`,
            Name: 'plant-floor-rack',
            Description: 'Outposts rack at the Lyon plant',
            LifeCycleStatus: 'ACTIVE',
            AvailabilityZone: 'eu-west-1b',
            AvailabilityZoneId: 'euw1-az2',
            SupportedHardwareType: 'RACK',
            Tags: {},
          },
        ],
        sites: [{ SiteId: 'os-0a1b2c3d4e5f60001', AccountId: DEMO_ACCOUNTS.edge, Name: 'Lyon plant' }],
        assets: {
          'op-0a1b2c3d4e5f60001': ['h-0a1b2c3d4e5f60001', 'h-0a1b2c3d4e5f60002'].map((hostId) => ({
            AssetId: `asset-${hostId}`,
            RackId: 'NA1234567890',
            AssetType: 'COMPUTE',
            ComputeAttributes: {
              HostId: hostId,
              State: 'ACTIVE',
              InstanceFamilies: ['m5', 'c5'],
              MaxVcpus: 96,
            },
          })),
        },
      },
    },
  },
};

/**
 * The on-premises half of the demo estate, which the emulator cannot hold: SSM managed instances
 * (two ECS Anywhere hosts, two EKS hybrid nodes, a plain hybrid-activated server), the ECS
 * Anywhere container instances, and an ECR Public repository. Served to the scan by the hybrid stand-in (see hybrid-stand-in.ts).
 */
export const DEMO_HYBRID: HybridData = {
  edge: DEMO_EDGE,
  managedInstances: {
    [DEMO_ACCOUNTS.edge]: {
      'eu-west-1': [
        onPremHost('mi-0a1b2c3d4e5f60001', 'line-controller-1', '10.200.1.11', {
          PlatformType: 'Linux',
          PlatformName: 'CentOS Linux',
          PlatformVersion: '7',
        }),
        onPremHost(
          'mi-0a1b2c3d4e5f60002',
          'line-controller-2',
          '10.200.1.12',
          { PlatformType: 'Linux', PlatformName: 'Ubuntu', PlatformVersion: '22.04' },
          { lost: true },
        ),
        onPremHost('mi-0a1b2c3d4e5f60003', 'store-node-1', '192.168.50.21', {
          PlatformType: 'Linux',
          PlatformName: 'Ubuntu',
          PlatformVersion: '20.04',
        }),
        onPremHost('mi-0a1b2c3d4e5f60004', 'store-node-2', '192.168.50.22', {
          PlatformType: 'Linux',
          PlatformName: 'Red Hat Enterprise Linux',
          PlatformVersion: '9.4',
        }),
        onPremHost(
          'mi-0a1b2c3d4e5f60005',
          'scada-historian',
          '10.200.9.40',
          {
            PlatformType: 'Windows',
            PlatformName: 'Microsoft Windows Server 2012 R2 Standard',
            PlatformVersion: '6.3.9600',
          },
          { latestAgent: false },
        ),
      ],
    },
  },
  externalContainerInstances: {
    [DEMO_ACCOUNTS.edge]: {
      'eu-west-1': {
        'factory-floor': [
          externalHost('eu-west-1', 'mi-0a1b2c3d4e5f60001', 'c0ffee0000000000000000000000aa01', true),
          externalHost('eu-west-1', 'mi-0a1b2c3d4e5f60002', 'c0ffee0000000000000000000000aa02', false),
        ],
      },
    },
  },
  publicRepositories: {
    [DEMO_ACCOUNTS.production]: [
      {
        repositoryArn: `arn:aws:ecr-public::${DEMO_ACCOUNTS.production}:repository/acme/cli`,
        registryId: DEMO_ACCOUNTS.production,
        repositoryName: 'acme/cli',
        repositoryUri: 'public.ecr.aws/acme/acme/cli',
        createdAt: at('2024-02-01T12:00:00Z'),
      },
    ],
  },
};

/**
 * Between the demo's two scans: fix one problem and make two new ones, so the second scan has
 * exactly these changes to announce.
 */
export async function changeDemoEstate(endpoint: string): Promise<string[]> {
  const production = await memberCredentials(endpoint, DEMO_ACCOUNTS.production);
  const s3 = new S3Client({ region: 'eu-west-1', endpoint, credentials: production, forcePathStyle: true });
  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: 'acme-prod-logs',
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: 'acme-prod-invoices',
      VersioningConfiguration: { Status: 'Suspended' },
    }),
  );
  s3.destroy();
  const development = await memberCredentials(endpoint, DEMO_ACCOUNTS.development);
  const ec2 = new EC2Client({ region: 'eu-west-1', endpoint, credentials: development });
  const imageId = (await ec2.send(new RegisterImageCommand(DEMO_AMIS.centos7))).ImageId!;
  await ec2.send(
    new RunInstancesCommand({
      ImageId: imageId,
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.small',
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'legacy-reports' }] }],
    }),
  );
  ec2.destroy();
  return [
    `${DEMO_ACCOUNTS.production}: versioning enabled on acme-prod-logs (fixed)`,
    `${DEMO_ACCOUNTS.production}: versioning suspended on acme-prod-invoices (broken)`,
    `${DEMO_ACCOUNTS.development}: new instance legacy-reports on CentOS 7 (broken)`,
  ];
}
