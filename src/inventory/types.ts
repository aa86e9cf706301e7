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
  'ecs.clusters',
  'ecs.containerInstances',
  'eks.clusters',
  'eks.nodegroups',
  'ecr.repositories',
  'ecr.registryScanning',
  'ecrPublic.repositories',
  's3.buckets',
  's3.accountPublicAccessBlock',
  'ssm.managedInstances',
] as const;
export type SourceId = (typeof sourceIds)[number];

/** A call that failed while collecting, recorded as data. */
export interface CollectionError {
  accountId: string;
  region: string;
  /**
   * `scan-target`: the target's whole scan failed (a Lambda invocation the state machine caught);
   * `store`: its findings could not be saved.
   */
  source: SourceId | 'credentials' | 'plan' | 'scan-target' | 'store';
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
  tags: Tags;
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

// ---------------------------------------------------------------- the snapshot

export interface SourceItems {
  'ec2.vpcs': Vpc;
  'ec2.subnets': Subnet;
  'ec2.flowLogs': FlowLog;
  'ec2.networkInterfaces': NetworkInterface;
  'ec2.instances': Instance;
  'ec2.images': Image;
  'ec2.securityGroups': SecurityGroup;
  'ecs.clusters': EcsCluster;
  'ecs.containerInstances': EcsContainerInstance;
  'eks.clusters': EksCluster;
  'eks.nodegroups': EksNodegroup;
  'ecr.repositories': EcrRepository;
  'ecr.registryScanning': EcrRegistryScanning;
  'ecrPublic.repositories': EcrPublicRepository;
  's3.buckets': Bucket;
  's3.accountPublicAccessBlock': AccountPublicAccessBlock;
  'ssm.managedInstances': ManagedInstance;
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
