import { describe, expect, it } from 'vitest';
import { placementSummary } from '../../../src/inventory/placement.ts';
import { inventoryRows, osLabel } from '../../../src/inventory/rows.ts';
import { makeEksNodegroup } from '../../fixtures/eks.ts';
import {
  FIXTURE_OUTPOST_ARN,
  makeEcsService,
  makeEksAddon,
  makeFargateProfile,
  makeOutpost,
  makeTaskDefinition,
  makeZone,
} from '../../fixtures/placement.ts';
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
        detail: 'vpc-0a1b2c3d4e5f60001 · eu-west-1b · 10.0.2.0/24 · Outpost op-0a1b2c3d4e5f60001',
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
        counts: { machines: 1 },
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
        counts: { machines: 1 },
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
        counts: { containerInstances: 1 },
      },
    ]);
  });

  it('marks a cluster registered through EKS Connector as connected, and a hybrid one as run in the cloud', () => {
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
        counts: { clusters: 1 },
      },
      // The control plane runs in AWS; its hybrid nodes are on-premises rows of their own.
      expect.objectContaining({
        name: 'platform',
        location: 'cloud',
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
        counts: { machines: 1 },
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

  it('places every kind of container capacity of a hybrid estate, and says what each adds to the summary', () => {
    // Prepare: a Local Zone, an Outpost, Fargate, ECS Anywhere, an EKS local cluster on the Outpost,
    // a connected cluster and a hybrid node.
    const LZ = `${FIXTURE_REGION}-lhr-1a`;
    const snapshot = makeSnapshot({
      'ec2.availabilityZones': ok([
        makeZone(),
        makeZone({
          zoneName: LZ,
          zoneId: 'euw1-lhr1-az1',
          zoneType: 'local-zone',
          optInStatus: 'opted-in',
          groupName: `${FIXTURE_REGION}-lhr-1`,
          parentZoneName: `${FIXTURE_REGION}a`,
        }),
        makeZone({
          zoneName: `${FIXTURE_REGION}-wl1-dub-wlz-1`,
          zoneType: 'wavelength-zone',
          optInStatus: 'not-opted-in',
        }),
      ]),
      'ec2.subnets': ok([
        makeSubnet({ subnetId: CLOUD_SUBNET }),
        makeSubnet({ subnetId: 'subnet-lz', availabilityZone: LZ }),
        makeSubnet({ subnetId: OUTPOST_SUBNET, outpostArn: FIXTURE_OUTPOST_ARN }),
      ]),
      'ec2.instances': ok([
        makeInstance({ instanceId: 'i-0lz', subnetId: 'subnet-lz' }),
        makeInstance({ instanceId: 'i-0outpost', subnetId: OUTPOST_SUBNET }),
        makeInstance({ instanceId: 'i-0gone', subnetId: OUTPOST_SUBNET, state: 'terminated' }),
      ]),
      'outposts.outposts': ok([makeOutpost()]),
      'ecs.clusters': ok([
        makeEcsCluster({ defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] }),
      ]),
      'ecs.containerInstances': ok([
        makeContainerInstance({ containerInstanceArn: 'ci-lz', ec2InstanceId: 'i-0lz', external: false }),
        makeContainerInstance({ containerInstanceArn: 'ci-onprem' }),
      ]),
      'ecs.services': ok([
        makeEcsService({ serviceName: 'api', runningCount: 3 }),
        makeEcsService({
          serviceName: 'by-default',
          launchType: undefined,
          platformVersion: undefined,
          runningCount: 1,
        }),
        makeEcsService({
          serviceName: 'edge-cache',
          launchType: 'EC2',
          platformVersion: undefined,
          subnetIds: ['subnet-lz'],
          runningCount: 2,
        }),
        makeEcsService({
          serviceName: 'line-control',
          launchType: 'EXTERNAL',
          platformVersion: undefined,
          runningCount: 4,
        }),
      ]),
      'ecs.taskDefinitions': ok([makeTaskDefinition()]),
      'eks.clusters': ok([
        makeEksCluster(),
        makeEksCluster({ name: 'plant', arn: 'plant-arn', outpostArns: [FIXTURE_OUTPOST_ARN] }),
        makeEksCluster({
          name: 'aks',
          arn: 'aks-arn',
          connected: true,
          connectorProvider: 'AKS',
          version: undefined,
        }),
      ]),
      'eks.nodegroups': ok([
        makeEksNodegroup({ subnetIds: ['subnet-lz'], scaling: { minSize: 1, maxSize: 4, desiredSize: 2 } }),
      ]),
      'eks.fargateProfiles': ok([makeFargateProfile()]),
      'eks.addons': ok([
        makeEksAddon({
          compatibility: {
            listed: true,
            kubernetesVersions: ['1.30', '1.31'],
            nextKubernetesVersion: '1.32',
          },
        }),
        makeEksAddon({ addonName: 'coredns', clusterName: 'plant', compatibility: undefined }),
      ]),
      'ssm.managedInstances': ok([
        makeManagedInstance({ instanceId: ON_PREM_HOST, eksClusterName: 'platform' }),
      ]),
    });

    // Act
    const rows = inventoryRows(snapshot);
    const summary = placementSummary(rows);

    // Assess
    const find = (type: string, name: string) => rows.find((r) => r.resourceType === type && r.name === name);
    expect(rows.filter((r) => r.resourceType === 'ec2.availabilityZones')).toEqual([
      expect.objectContaining({
        resourceId: 'euw1-lhr1-az1',
        name: LZ,
        location: 'local-zone',
        detail: `local-zone · ${FIXTURE_REGION}-lhr-1 · parent ${FIXTURE_REGION}a`,
      }),
    ]);
    expect(find('ec2.subnets', '')?.location).toBe('cloud');
    expect(
      rows.filter((r) => r.resourceType === 'ec2.instances').map((r) => [r.resourceId, r.location, r.counts]),
    ).toEqual([
      ['i-0lz', 'local-zone', { machines: 1 }],
      ['i-0outpost', 'outpost', { machines: 1 }],
      ['i-0gone', 'outpost', undefined],
    ]);
    expect(find('outposts.outposts', 'plant-1-rack')).toMatchObject({
      location: 'outpost',
      state: 'ACTIVE',
      detail: `RACK · site Plant 1 · ${FIXTURE_REGION}b · 3/3 hosts active · 288 vCPUs · c5,m5 · 1 subnets · 1 instances`,
    });
    expect(rows.filter((r) => r.resourceType === 'ecs.containerInstances').map((r) => r.location)).toEqual([
      'local-zone',
      'on-premises',
    ]);
    expect(
      rows
        .filter((r) => r.resourceType === 'ecs.services')
        .map((r) => [r.name, r.location, r.state, r.counts]),
    ).toEqual([
      ['api', 'fargate', 'ACTIVE 3/3 tasks', { services: 1, tasks: 3 }],
      ['by-default', 'fargate', 'ACTIVE 1/3 tasks', { services: 1, tasks: 1 }],
      ['edge-cache', 'local-zone', 'ACTIVE 2/3 tasks', { services: 1, tasks: 2 }],
      ['line-control', 'on-premises', 'ACTIVE 4/3 tasks', { services: 1, tasks: 4 }],
    ]);
    expect(find('ecs.services', 'by-default')?.detail).toBe('edge · FARGATE ×1 · LINUX · by-default:7');
    expect(find('ecs.taskDefinitions', 'api:7')?.detail).toBe(
      'LINUX/ARM64 · FARGATE · images: ECR 111111111111 eu-west-1 ×1, ECR Public ×1',
    );
    expect(rows.filter((r) => r.resourceType === 'eks.clusters').map((r) => [r.name, r.location])).toEqual([
      ['platform', 'cloud'],
      ['plant', 'outpost'],
      ['aks', 'connected'],
    ]);
    expect(find('eks.nodegroups', 'workers')).toMatchObject({ location: 'local-zone', counts: { nodes: 2 } });
    expect(find('eks.fargateProfiles', 'serverless')).toMatchObject({
      location: 'fargate',
      detail: 'platform · batch (tier=jobs), kube-system · 2 subnets',
    });
    expect(
      rows.filter((r) => r.resourceType === 'eks.addons').map((r) => [r.name, r.location, r.detail]),
    ).toEqual([
      [
        'vpc-cni',
        'cloud',
        'platform · v1.19.2-eksbuild.1 · blocks the upgrade to 1.32 · compatible with 1.30, 1.31',
      ],
      ['coredns', 'outpost', 'plant · v1.19.2-eksbuild.1 · compatibility unknown'],
    ]);
    expect(find('ssm.managedInstances', 'dc1-build-01')).toMatchObject({
      location: 'on-premises',
      counts: { machines: 1, nodes: 1 },
    });
    const zero = {
      clusters: 0,
      services: 0,
      tasks: 0,
      fargateProfiles: 0,
      nodes: 0,
      containerInstances: 0,
      machines: 0,
    };
    expect(summary.estate).toEqual([
      { ...zero, where: 'cloud', clusters: 2 },
      { ...zero, where: 'fargate', services: 2, tasks: 4, fargateProfiles: 1 },
      { ...zero, where: 'outpost', clusters: 1, machines: 1 },
      { ...zero, where: 'local-zone', services: 1, tasks: 2, nodes: 2, containerInstances: 1, machines: 1 },
      { ...zero, where: 'on-premises', services: 1, tasks: 4, nodes: 1, containerInstances: 1, machines: 1 },
      { ...zero, where: 'connected', clusters: 1 },
    ]);
  });
});
