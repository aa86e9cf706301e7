import { describe, expect, it } from 'vitest';
import { inventoryRows, osLabel } from '../../../src/inventory/rows.ts';
import {
  centos7,
  collectionFailure,
  FIXTURE_ACCOUNT,
  FIXTURE_REGION,
  failed,
  makeContainerInstance,
  makeEcsCluster,
  makeEksCluster,
  makeInstance,
  makeManagedInstance,
  makeSnapshot,
  makeSubnet,
  ok,
  unknownOs,
} from '../../fixtures/snapshot.ts';

const CLOUD_SUBNET = 'subnet-0a1b2c3d4e5f60001';
const OUTPOST_SUBNET = 'subnet-0a1b2c3d4e5f60002';
const OUTPOST_ARN = `arn:aws:outposts:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:outpost/op-0a1b2c3d4e5f60001`;
const ON_PREM_HOST = 'mi-0a1b2c3d4e5f60718';

const where = { accountId: FIXTURE_ACCOUNT, region: FIXTURE_REGION };

describe('osLabel', () => {
  it('names a known OS with its source and an unknown one with its reason', () => {
    // Act
    const labels = [osLabel(centos7), osLabel(unknownOs('ami-0gone'))];

    // Assess
    expect(labels).toEqual([
      'CentOS Linux 7 (ami-name)',
      'unknown: AMI ami-0gone is deregistered or not shared with this account',
    ]);
  });
});

describe('inventoryRows', () => {
  it('places an instance on an Outposts subnet at the outpost, and others in the cloud', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'ec2.subnets': ok([
        makeSubnet({ subnetId: CLOUD_SUBNET }),
        makeSubnet({
          subnetId: OUTPOST_SUBNET,
          availabilityZone: 'eu-west-1b',
          cidrBlock: '10.0.2.0/24',
          outpostArn: OUTPOST_ARN,
          tags: { Name: 'factory-floor' },
        }),
      ]),
      'ec2.instances': ok([
        makeInstance({
          instanceId: 'i-0outpost000000001',
          subnetId: OUTPOST_SUBNET,
          tags: { Name: 'plc-gateway' },
        }),
        makeInstance({
          instanceId: 'i-0cloud00000000001',
          subnetId: CLOUD_SUBNET,
          imageId: 'ami-0deadbeef0000000a',
          metadataOptions: {},
          securityGroupIds: [],
          os: unknownOs(),
        }),
      ]),
    });

    // Act
    const rows = inventoryRows(snapshot);

    // Assess
    expect(rows).toEqual([
      {
        ...where,
        resourceType: 'ec2.subnets',
        resourceId: CLOUD_SUBNET,
        name: '',
        state: '',
        location: 'cloud',
        os: '',
        detail: 'vpc-0a1b2c3d4e5f60001 · eu-west-1a · 10.0.1.0/24',
      },
      {
        ...where,
        resourceType: 'ec2.subnets',
        resourceId: OUTPOST_SUBNET,
        name: 'factory-floor',
        state: '',
        location: 'outpost',
        os: '',
        detail: 'vpc-0a1b2c3d4e5f60001 · eu-west-1b · 10.0.2.0/24',
      },
      {
        ...where,
        resourceType: 'ec2.instances',
        resourceId: 'i-0outpost000000001',
        name: 'plc-gateway',
        state: 'running',
        location: 'outpost',
        os: 'CentOS Linux 7 (ami-name)',
        detail: 't3.micro · ami-0123456789abcdef0 · IMDS tokens required · sg-0a1b2c3d4e5f60001',
      },
      {
        ...where,
        resourceType: 'ec2.instances',
        resourceId: 'i-0cloud00000000001',
        name: '',
        state: 'running',
        location: 'cloud',
        os: 'unknown: AMI ami-0deadbeef0000000a is deregistered or not shared with this account',
        detail: 't3.micro · ami-0deadbeef0000000a · IMDS tokens ?',
      },
    ]);
  });

  it('places an external ECS container instance on premises', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'ecs.clusters': ok([makeEcsCluster()]),
      'ecs.containerInstances': ok([
        makeContainerInstance({ ec2InstanceId: ON_PREM_HOST, agentConnected: false }),
      ]),
    });

    // Act
    const rows = inventoryRows(snapshot);

    // Assess
    expect(rows).toEqual([
      expect.objectContaining({ resourceType: 'ecs.clusters', name: 'edge', location: 'cloud' }),
      {
        ...where,
        resourceType: 'ecs.containerInstances',
        resourceId: makeContainerInstance().containerInstanceArn,
        name: ON_PREM_HOST,
        state: 'ACTIVE (agent disconnected)',
        location: 'on-premises',
        os: '',
        detail: 'edge · agent 1.82.1 · 2 tasks',
      },
    ]);
  });

  it('marks a cluster registered through EKS Connector as connected and a hybrid one as both', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'eks.clusters': ok([
        makeEksCluster({
          name: 'dc1-anthos',
          arn: `arn:aws:eks:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:cluster/dc1-anthos`,
          version: undefined,
          connected: true,
          connectorProvider: 'ANTHOS',
          endpointPublicAccess: undefined,
          endpointPrivateAccess: undefined,
        }),
        makeEksCluster({ name: 'platform', remoteNodeNetworks: ['192.168.20.0/24'] }),
      ]),
    });

    // Act
    const rows = inventoryRows(snapshot);

    // Assess
    expect(rows).toEqual([
      {
        ...where,
        resourceType: 'eks.clusters',
        resourceId: `arn:aws:eks:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:cluster/dc1-anthos`,
        name: 'dc1-anthos',
        state: 'ACTIVE',
        location: 'connected',
        os: '',
        detail: 'version unknown · provider ANTHOS',
      },
      expect.objectContaining({
        name: 'platform',
        location: 'cloud + on-premises',
        detail: 'Kubernetes 1.31 · private endpoint · hybrid nodes 192.168.20.0/24',
      }),
    ]);
  });

  it('shows an on-premises managed instance with its SSM OS and the ECS cluster it serves', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'ssm.managedInstances': ok([
        makeManagedInstance({
          instanceId: ON_PREM_HOST,
          pingStatus: 'ConnectionLost',
          agentVersion: '3.1.1446.0',
          isLatestAgentVersion: false,
          lastPingAt: '2025-04-20T03:12:45.000Z',
          ecsClusterArn: makeEcsCluster().clusterArn,
        }),
      ]),
    });

    // Act
    const rows = inventoryRows(snapshot);

    // Assess
    expect(rows).toEqual([
      {
        ...where,
        resourceType: 'ssm.managedInstances',
        resourceId: ON_PREM_HOST,
        name: 'dc1-build-01',
        state: 'ConnectionLost',
        location: 'on-premises',
        os: 'CentOS Linux 7 (ssm)',
        detail: 'agent 3.1.1446.0 (outdated) · ECS Anywhere edge · last ping 2025-04-20T03:12:45.000Z',
      },
    ]);
  });

  it('gives no rows for a failed source and none for an empty snapshot', () => {
    // Prepare
    const failedOnly = makeSnapshot({
      'ec2.instances': failed(collectionFailure('ec2.instances', 'ec2:DescribeInstances')),
      's3.buckets': ok([]),
    });

    // Act
    const rows = [...inventoryRows(failedOnly), ...inventoryRows(makeSnapshot())];

    // Assess
    expect(rows).toEqual([]);
  });
});
