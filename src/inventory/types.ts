/**
 * The inventory snapshot of one account × region: what collectors produce and rules read.
 *
 * Every source is either its items or the error that kept it from being read, never an empty list
 * standing in for a failure. Item fields that need a call of their own (a bucket's versioning, a
 * repository's policy) are `undefined` when that call failed; the failure is in `Snapshot.errors`.
 */

/** A data source a rule can require and a collector can produce. */
export const sourceIds = [
  'ec2.vpcs',
  'ec2.subnets',
  'ec2.flowLogs',
  'ec2.networkInterfaces',
  'ec2.instances',
  'ec2.images',
  'ec2.securityGroups',
  'ec2.availabilityZones',
  'ecs.clusters',
  'ecs.containerInstances',
  'ecs.services',
  'ecs.taskDefinitions',
  'eks.clusters',
  'eks.nodegroups',
  'eks.fargateProfiles',
  'eks.addons',
  'ecr.repositories',
  'ecr.registryScanning',
  'ecrPublic.repositories',
  's3.buckets',
  's3.accountPublicAccessBlock',
  'ssm.managedInstances',
  'outposts.outposts',
] as const;
export type SourceId = (typeof sourceIds)[number];

/** A call that failed while collecting, recorded as data. */
export interface CollectionError {
  accountId: string;
  region: string;
  /**
   * `scan-target`: the target's whole scan failed (a Lambda invocation the state machine caught);
   * `store`: its findings could not be saved; `securityhub`: Security Hub refused findings or a call.
   */
  source: SourceId | 'credentials' | 'plan' | 'scan-target' | 'store' | 'securityhub';
  /** `service:Operation`, e.g. `ec2:DescribeInstances`. */
  operation: string;
  /** The AWS error code, e.g. `AccessDenied`, `RequestLimitExceeded`. */
  code: string;
  message: string;
  /** The resource the call was about, for per-item calls. */
  resourceId?: string;
}

export type SourceResult<T> = { ok: true; items: T[] } | { ok: false; error: CollectionError };

export type Tags = Record<string, string>;

// ---------------------------------------------------------------- VPC

export interface Vpc {
  vpcId: string;
  isDefault: boolean;
  state: string;
  cidrBlocks: string[];
  ipv6CidrBlocks: string[];
  ownerId?: string;
  tags: Tags;
}

export interface Subnet {
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  cidrBlock?: string;
  ipv6CidrBlocks: string[];
  mapPublicIpOnLaunch: boolean;
  /** Set when the subnet is on an AWS Outposts rack in a customer's data centre. */
  outpostArn?: string;
  tags: Tags;
}

export interface FlowLog {
  flowLogId: string;
  /** The VPC, subnet or network interface the flow log watches. */
  resourceId: string;
  status?: string;
  trafficType?: string;
  destinationType?: string;
}

/**
 * A zone of the region, from `DescribeAvailabilityZones` with `AllAvailabilityZones`: Local Zones and
 * Wavelength Zones are listed whether or not the account opted in.
 */
export interface AvailabilityZone {
  zoneName: string;
  zoneId?: string;
  /** `availability-zone`, `local-zone` or `wavelength-zone`. */
  zoneType: string;
  /** `opt-in-not-required`, `opted-in` or `not-opted-in`. */
  optInStatus?: string;
  state?: string;
  /** The zone a Local or Wavelength Zone hangs off, e.g. `us-west-2a`. */
  parentZoneName?: string;
  /** e.g. `us-west-2-lax-1` for a Local Zone. */
  groupName?: string;
  networkBorderGroup?: string;
}

export interface NetworkInterface {
  networkInterfaceId: string;
  vpcId?: string;
  subnetId?: string;
  status?: string;
  interfaceType?: string;
  /** What the interface belongs to: an instance id, or the requester (ELB, Lambda, EKS…). */
  attachedTo?: string;
  securityGroupIds: string[];
}

// ---------------------------------------------------------------- EC2

/** An operating system, as far as estatescan could tell, and how it told. */
export type DetectedOs =
  | {
      /**
       * The family and version were read. The version is in the catalogue's key format whether or
       * not the catalogue lists it (an older release may be missing): whether it is supported is the
       * lifecycle verdict's question, not detection's.
       */
      known: true;
      /** A lifecycle catalogue family id, e.g. `amazon-linux`, `centos`, `ubuntu`, `windows-server`. */
      family: string;
      /**
       * The catalogue's version key, e.g. `2`, `7`, `20.04`, `2012-r2`, `15-sp5`, `aws-k8s-1.29` (a
       * Bottlerocket variant), `2004` (`windows-server-sac`).
       */
      version: string;
      /** Human name, e.g. `CentOS Linux 7`: the catalogue's when it lists the version. */
      name: string;
      /**
       * The exact release read, when the version key is coarser: RHEL `8.6` of line `8` (what runs,
       * from SSM; where an instance started, from an AMI name), Bottlerocket `1.20.0` of
       * `aws-k8s-1.29`.
       */
      release?: string;
      /**
       * The Kubernetes `major.minor` a Kubernetes variant targets (Bottlerocket `aws-k8s-1.29`): the
       * variant is built and fixed as long as that EKS version is supported.
       */
      kubernetesVersion?: string;
      /** The image is a beta (pre-release) build, which no vendor support covers. */
      beta?: true;
      /** Where the answer came from. */
      source: 'ami-name' | 'ami-description' | 'platform-details' | 'ssm';
      /** The text it was read from. */
      evidence: string;
      /**
       * The official publisher of the AMI (e.g. `Canonical`, `Amazon`), set only when the AMI's owner
       * account is that publisher's, so an official image can be told from a lookalike with the same
       * name. Absent for SSM answers, copies and third-party images.
       */
      publisher?: string;
    }
  | {
      known: false;
      /** Why it could not be told, e.g. `AMI ami-123 is deregistered or not shared`. */
      reason: string;
      /** A family when only that is known (e.g. `windows` from the platform, no version). */
      familyHint?: string;
      /**
       * A source that could have told failed (the AMI could not be described, SSM could not be
       * read): the OS is not known to be unknowable, so rules neither report nor clear it.
       */
      incomplete?: true;
    };

export interface MetadataOptions {
  /** `required` means IMDSv2 only. */
  httpTokens?: 'optional' | 'required' | string;
  httpEndpoint?: 'enabled' | 'disabled' | string;
  httpPutResponseHopLimit?: number;
}

export interface Instance {
  instanceId: string;
  state: string;
  instanceType?: string;
  imageId?: string;
  launchTime?: string;
  /** `windows` or undefined. */
  platform?: string;
  /** Billing platform, e.g. `Linux/UNIX`, `Red Hat Enterprise Linux`, `Windows`. */
  platformDetails?: string;
  usageOperation?: string;
  architecture?: string;
  vpcId?: string;
  subnetId?: string;
  privateIpAddress?: string;
  publicIpAddress?: string;
  iamInstanceProfileArn?: string;
  metadataOptions: MetadataOptions;
  securityGroupIds: string[];
  tags: Tags;
  /** Resolved by the EC2 collector from the AMI, the platform details and SSM, in that order. */
  os: DetectedOs;
}

export interface Image {
  imageId: string;
  name?: string;
  description?: string;
  ownerId?: string;
  ownerAlias?: string;
  platformDetails?: string;
  creationDate?: string;
  deprecationTime?: string;
  public?: boolean;
  os: DetectedOs;
}

export type IpProtocol = string; // '-1' (all), 'tcp', 'udp', 'icmp', 'icmpv6' or a protocol number

export interface PermissionSource {
  kind: 'ipv4' | 'ipv6' | 'prefix-list' | 'security-group';
  /** The CIDR, prefix list id or group id. */
  value: string;
  description?: string;
  /** For a referenced group in another account. */
  userId?: string;
}

export interface SecurityGroupRule {
  protocol: IpProtocol;
  /** Undefined for all-traffic and ICMP-all rules. */
  fromPort?: number;
  toPort?: number;
  sources: PermissionSource[];
}

export interface SecurityGroup {
  groupId: string;
  groupName: string;
  description?: string;
  vpcId?: string;
  ownerId?: string;
  ingress: SecurityGroupRule[];
  egress: SecurityGroupRule[];
  tags: Tags;
}

// ---------------------------------------------------------------- ECS

export interface EcsCluster {
  clusterArn: string;
  clusterName: string;
  status?: string;
  registeredContainerInstancesCount: number;
  runningTasksCount: number;
  activeServicesCount: number;
  capacityProviders: string[];
  /** What a service with neither a launch type nor a strategy of its own is placed by. */
  defaultCapacityProviderStrategy: EcsCapacityProviderItem[];
  tags: Tags;
}

/** One entry of a capacity provider strategy. */
export interface EcsCapacityProviderItem {
  /** `FARGATE`, `FARGATE_SPOT`, or the name of an Auto Scaling group or managed instances provider. */
  capacityProvider: string;
  weight?: number;
  base?: number;
}

/** A deployment of a service: during a rollout, old and new run side by side. */
export interface EcsDeployment {
  /** `PRIMARY`, `ACTIVE` (being replaced) or `INACTIVE`. */
  status?: string;
  platformVersion?: string;
  taskDefinitionArn?: string;
  runningCount: number;
}

export interface EcsService {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  status?: string;
  /** `EC2`, `FARGATE` or `EXTERNAL`; absent when a capacity provider strategy places the tasks. */
  launchType?: string;
  capacityProviderStrategy: EcsCapacityProviderItem[];
  /** Fargate only: as the service asks for it, `LATEST` or a version such as `1.4.0`. */
  platformVersion?: string;
  /** Fargate only: the tasks' OS, e.g. `LINUX`, `WINDOWS_SERVER_2022_CORE`. */
  platformFamily?: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  taskDefinitionArn?: string;
  /** At most the few ECS keeps; the primary one first. */
  deployments: EcsDeployment[];
  /** The `awsvpc` subnets the tasks are placed in (empty for `bridge` and `host` networking). */
  subnetIds: string[];
  schedulingStrategy?: string;
  createdAt?: string;
}

/**
 * Where a container image is pulled from, read from its reference: an ECR registry (its account and
 * region come from the host `<account>.dkr.ecr.<region>.amazonaws.com`), ECR Public
 * (`public.ecr.aws`), or another registry (`docker.io` for a bare name such as `nginx:1.27`).
 */
export type ImageRegistry =
  | { kind: 'ecr'; host: string; accountId: string; region: string }
  | { kind: 'ecr-public'; host: string }
  | { kind: 'other'; host: string };

export interface ContainerImage {
  /** The container's name in the task definition. */
  container: string;
  /** The reference as written (bounded: see `image-reference.ts`). */
  image: string;
  registry: ImageRegistry;
  repository: string;
  tag?: string;
  digest?: string;
}

export interface EcsTaskDefinition {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  /** `ACTIVE`, `INACTIVE` or `DELETE_IN_PROGRESS`. */
  status?: string;
  /** What the task definition was validated for: `EC2`, `FARGATE`, `EXTERNAL`, `MANAGED_INSTANCES`. */
  requiresCompatibilities: string[];
  networkMode?: string;
  /** `LINUX`, `WINDOWS_SERVER_2019_FULL`, `WINDOWS_SERVER_2022_CORE`…, when the definition says. */
  operatingSystemFamily?: string;
  /** `X86_64` or `ARM64`, when the definition says. */
  cpuArchitecture?: string;
  cpu?: string;
  memory?: string;
  /** At most ten (the API's limit on container definitions). */
  containers: ContainerImage[];
}

export interface EcsContainerInstance {
  containerInstanceArn: string;
  clusterArn: string;
  /** The EC2 instance id, or the SSM managed instance id (`mi-…`) for an external instance. */
  ec2InstanceId?: string;
  /** ECS Anywhere: registered from outside AWS (an `mi-` id or the `ecs.capability.external` attribute). */
  external: boolean;
  status?: string;
  agentConnected: boolean;
  agentVersion?: string;
  dockerVersion?: string;
  osType?: string;
  registeredAt?: string;
  runningTasksCount: number;
}

// ---------------------------------------------------------------- EKS

/**
 * Live support dates of a cluster's Kubernetes version, from `eks:DescribeClusterVersions`. Absent
 * when that call failed or did not list the version; rules then fall back to the lifecycle catalogue.
 */
export interface EksVersionSupport {
  /** `YYYY-MM-DD`, the UTC day of the API's `endOfStandardSupportDate`. */
  endOfStandardSupport?: string;
  /** `YYYY-MM-DD`, the UTC day of the API's `endOfExtendedSupportDate`. */
  endOfExtendedSupport?: string;
  /** `versionStatus`: `STANDARD_SUPPORT`, `EXTENDED_SUPPORT` or `UNSUPPORTED`. */
  status?: string;
  source: 'eks:DescribeClusterVersions';
}

export interface EksCluster {
  name: string;
  arn?: string;
  /** Kubernetes version; absent for some connected clusters. */
  version?: string;
  platformVersion?: string;
  status?: string;
  createdAt?: string;
  /** Registered through EKS Connector: `EKS_ANYWHERE`, `ANTHOS`, `AKS`… */
  connectorProvider?: string;
  connected: boolean;
  endpointPublicAccess?: boolean;
  endpointPrivateAccess?: boolean;
  publicAccessCidrs: string[];
  vpcId?: string;
  subnetIds: string[];
  securityGroupIds: string[];
  /** Hybrid nodes: on-premises node and pod CIDRs. */
  remoteNodeNetworks: string[];
  remotePodNetworks: string[];
  tags: Tags;
  /** Support dates of `version` as EKS reports them today, when it could be asked. */
  versionSupport?: EksVersionSupport;
  /** A local cluster: its control plane runs on these Outposts. */
  outpostArns?: string[];
}

export interface EksNodegroup {
  clusterName: string;
  nodegroupName: string;
  nodegroupArn?: string;
  status?: string;
  version?: string;
  releaseVersion?: string;
  /** e.g. `AL2_x86_64`, `AL2023_x86_64_STANDARD`, `BOTTLEROCKET_ARM_64`, `CUSTOM`. */
  amiType?: string;
  capacityType?: string;
  instanceTypes: string[];
  scaling: { minSize?: number; maxSize?: number; desiredSize?: number };
  /** The subnets the nodes are launched in, which tell a Local Zone or an Outpost. */
  subnetIds?: string[];
  tags: Tags;
}

export interface EksFargateProfile {
  clusterName: string;
  fargateProfileName: string;
  fargateProfileArn?: string;
  status?: string;
  podExecutionRoleArn?: string;
  subnetIds: string[];
  /** Pods matching any selector run on Fargate: a namespace, and labels the pod must all carry. */
  selectors: { namespace?: string; labels: Record<string, string> }[];
  tags: Tags;
}

/**
 * What EKS says of an add-on version (`DescribeAddonVersions` for the add-on's name, every
 * Kubernetes version at once).
 */
export interface EksAddonCompatibility {
  /** EKS still lists the installed version; versions it no longer offers are not judged. */
  listed: boolean;
  /** The Kubernetes `major.minor` versions the installed add-on version is compatible with. */
  kubernetesVersions: string[];
  /** The Kubernetes version after the cluster's, when EKS offers some version of the add-on for it. */
  nextKubernetesVersion?: string;
  /** The add-on version EKS installs by default on the cluster's Kubernetes version. */
  defaultVersion?: string;
  /**
   * The newest add-on version compatible with both the cluster's version and the next: what to
   * update to before upgrading the cluster.
   */
  bridgeVersion?: string;
}

export interface EksAddon {
  clusterName: string;
  /** The cluster's Kubernetes `major.minor`, when it has one. */
  clusterVersion?: string;
  addonName: string;
  addonVersion?: string;
  addonArn?: string;
  status?: string;
  /** Undefined when `DescribeAddonVersions` could not be read (the failure is in the errors). */
  compatibility?: EksAddonCompatibility;
  tags: Tags;
}

// ---------------------------------------------------------------- ECR

/** A resource policy statement, normalized from the policy JSON. */
export interface PolicyStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** `*` for anyone; otherwise the listed principals (`AWS`, `Service`, `Federated` values). */
  principals: '*' | string[];
  notPrincipal: boolean;
  actions: string[];
  notActions: boolean;
  /** Condition operator → key → values. */
  conditions: Record<string, Record<string, string[]>>;
}

export interface ParsedPolicy {
  /** The policy text as AWS returned it. */
  raw: string;
  statements: PolicyStatement[];
  /** Set when the text is not valid policy JSON. */
  parseError?: string;
}

export interface EcrRepository {
  repositoryName: string;
  repositoryArn: string;
  repositoryUri?: string;
  registryId?: string;
  createdAt?: string;
  imageTagMutability?: string;
  scanOnPush: boolean;
  encryptionType?: string;
  /** Null when the repository has no policy; undefined when it could not be read. */
  policy?: ParsedPolicy | null;
  /** Undefined when it could not be read. */
  hasLifecyclePolicy?: boolean;
  tags: Tags;
}

export interface EcrRegistryScanning {
  registryId?: string;
  /** `BASIC` or `ENHANCED`. */
  scanType?: string;
  rules: { scanFrequency?: string; filters: string[] }[];
}

export interface EcrPublicRepository {
  repositoryName: string;
  repositoryArn?: string;
  repositoryUri?: string;
  registryId?: string;
  createdAt?: string;
}

// ---------------------------------------------------------------- S3

export interface PublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

export interface Bucket {
  name: string;
  region: string;
  createdAt?: string;
  /** `Enabled`, `Suspended`, or `Never` (never enabled); undefined when it could not be read. */
  versioning?: 'Enabled' | 'Suspended' | 'Never';
  mfaDelete?: boolean;
  /** Null when the bucket has none; undefined when it could not be read. */
  publicAccessBlock?: PublicAccessBlock | null;
  /** e.g. `AES256`, `aws:kms`; null when none; undefined when it could not be read. */
  encryption?: string | null;
}

export interface AccountPublicAccessBlock {
  accountId: string;
  /** Null when the account has none configured. */
  publicAccessBlock: PublicAccessBlock | null;
}

// ---------------------------------------------------------------- SSM

export interface ManagedInstance {
  /** `i-…` for EC2, `mi-…` for on-premises (hybrid activations, ECS Anywhere, EKS hybrid nodes). */
  instanceId: string;
  resourceType?: string;
  onPremises: boolean;
  name?: string;
  computerName?: string;
  ipAddress?: string;
  pingStatus?: string;
  lastPingAt?: string;
  agentVersion?: string;
  isLatestAgentVersion?: boolean;
  platformType?: string;
  platformName?: string;
  platformVersion?: string;
  activationId?: string;
  registeredAt?: string;
  iamRole?: string;
  os: DetectedOs;
  /** Filled by the join: the ECS cluster an external container instance of this host belongs to. */
  ecsClusterArn?: string;
  /** Filled by the join: the EKS cluster this host is a hybrid node of. */
  eksClusterName?: string;
}

// ---------------------------------------------------------------- Outposts

/** Capacity of an Outpost, from its compute assets (`outposts:ListAssets`, owner only). */
export interface OutpostCapacity {
  hosts: number;
  /** Hosts in the `ACTIVE` state (others are isolated or retiring). */
  activeHosts: number;
  maxVcpus: number;
  instanceFamilies: string[];
}

export interface Outpost {
  outpostId: string;
  outpostArn?: string;
  name?: string;
  ownerId?: string;
  siteId?: string;
  /** From `outposts:ListSites`, when it could be read. */
  siteName?: string;
  availabilityZone?: string;
  availabilityZoneId?: string;
  lifeCycleStatus?: string;
  /** `RACK` or `SERVER`. */
  supportedHardwareType?: string;
  /** Undefined when not read: an Outpost shared with the account, or a failed call (in the errors). */
  capacity?: OutpostCapacity;
  tags: Tags;
}

// ---------------------------------------------------------------- the snapshot

export interface SourceItems {
  'ec2.vpcs': Vpc;
  'ec2.subnets': Subnet;
  'ec2.flowLogs': FlowLog;
  'ec2.networkInterfaces': NetworkInterface;
  'ec2.instances': Instance;
  'ec2.images': Image;
  'ec2.securityGroups': SecurityGroup;
  'ec2.availabilityZones': AvailabilityZone;
  'ecs.clusters': EcsCluster;
  'ecs.containerInstances': EcsContainerInstance;
  'ecs.services': EcsService;
  'ecs.taskDefinitions': EcsTaskDefinition;
  'eks.clusters': EksCluster;
  'eks.nodegroups': EksNodegroup;
  'eks.fargateProfiles': EksFargateProfile;
  'eks.addons': EksAddon;
  'ecr.repositories': EcrRepository;
  'ecr.registryScanning': EcrRegistryScanning;
  'ecrPublic.repositories': EcrPublicRepository;
  's3.buckets': Bucket;
  's3.accountPublicAccessBlock': AccountPublicAccessBlock;
  'ssm.managedInstances': ManagedInstance;
  'outposts.outposts': Outpost;
}

export type Sources = { [K in SourceId]?: SourceResult<SourceItems[K]> };

export interface Target {
  accountId: string;
  region: string;
}

export interface Snapshot extends Target {
  /** ISO time the collection started. */
  collectedAt: string;
  /** Only the sources that were asked for; a missing key means "not collected". */
  sources: Sources;
  /** Every failed call, including per-item ones that left a field undefined. */
  errors: CollectionError[];
}
