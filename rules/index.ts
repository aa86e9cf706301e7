/**
 * Every rule, in the order reports list them. A test checks that each file under rules/<service>/ is
 * registered here and that its id is its file name.
 */
import type { Rule } from '../src/engine/types.ts';
import { rule as ec2InstanceImdsv1Allowed } from './ec2/ec2-instance-imdsv1-allowed.ts';
import { rule as ec2InstanceOsEol } from './ec2/ec2-instance-os-eol.ts';
import { rule as ec2SecurityGroupOpenIngress } from './ec2/ec2-security-group-open-ingress.ts';
import { rule as ecrRepositoryPublic } from './ecr/ecr-repository-public.ts';
import { rule as ecrRepositoryScanOnPushDisabled } from './ecr/ecr-repository-scan-on-push-disabled.ts';
import { rule as ecrRepositoryTagsMutable } from './ecr/ecr-repository-tags-mutable.ts';
import { rule as ecsExternalInstanceDisconnected } from './ecs/ecs-external-instance-disconnected.ts';
import { rule as ecsFargatePlatformVersionRetired } from './ecs/ecs-fargate-platform-version-retired.ts';
import { rule as eksAddonVersionIncompatible } from './eks/eks-addon-version-incompatible.ts';
import { rule as eksClusterEndpointPublic } from './eks/eks-cluster-endpoint-public.ts';
import { rule as eksClusterVersionEol } from './eks/eks-cluster-version-eol.ts';
import { rule as eksNodegroupAmiEol } from './eks/eks-nodegroup-ami-eol.ts';
import { rule as s3BucketPublicAccessNotBlocked } from './s3/s3-bucket-public-access-not-blocked.ts';
import { rule as s3BucketVersioningDisabled } from './s3/s3-bucket-versioning-disabled.ts';
import { rule as managedInstanceConnectionLost } from './ssm/managed-instance-connection-lost.ts';
import { rule as managedInstanceOsEol } from './ssm/managed-instance-os-eol.ts';
import { rule as vpcFlowLogsDisabled } from './vpc/vpc-flow-logs-disabled.ts';

export const allRules: readonly Rule[] = [
  // The mission's four first.
  ec2InstanceOsEol,
  ecrRepositoryPublic,
  s3BucketVersioningDisabled,
  ec2SecurityGroupOpenIngress,
  managedInstanceOsEol,
  eksClusterVersionEol,
  eksNodegroupAmiEol,
  eksClusterEndpointPublic,
  ecrRepositoryScanOnPushDisabled,
  ecrRepositoryTagsMutable,
  s3BucketPublicAccessNotBlocked,
  ec2InstanceImdsv1Allowed,
  vpcFlowLogsDisabled,
  managedInstanceConnectionLost,
  ecsExternalInstanceDisconnected,
  eksAddonVersionIncompatible,
  ecsFargatePlatformVersionRetired,
];
