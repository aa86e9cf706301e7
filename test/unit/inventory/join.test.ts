import { describe, expect, it } from 'vitest';
import { cidrContains, joinSources } from '../../../src/inventory/join.ts';
import type { Sources } from '../../../src/inventory/types.ts';
import {
  centos7,
  collectionFailure,
  failed,
  makeContainerInstance,
  makeEcsCluster,
  makeEksCluster,
  makeImage,
  makeInstance,
  makeManagedInstance,
  ok,
  unknownOs,
} from '../../fixtures/snapshot.ts';

describe('cidrContains', () => {
  it('includes both ends of the block and excludes the addresses just outside', () => {
    // Act
    const results = {
      first: cidrContains('10.20.0.0/16', '10.20.0.0'),
      last: cidrContains('10.20.0.0/16', '10.20.255.255'),
      before: cidrContains('10.20.0.0/16', '10.19.255.255'),
      after: cidrContains('10.20.0.0/16', '10.21.0.0'),
    };

    // Assess
    expect(results).toEqual({ first: true, last: true, before: false, after: false });
  });

  it('handles prefix lengths that do not fall on an octet', () => {
    // Act
    const results = [
      cidrContains('192.168.20.0/22', '192.168.23.254'),
      cidrContains('192.168.20.0/22', '192.168.24.1'),
      cidrContains('172.16.0.0/12', '172.31.255.255'),
      cidrContains('172.16.0.0/12', '172.32.0.0'),
    ];

    // Assess
    expect(results).toEqual([true, false, true, false]);
  });

  it('treats /0 as every address and /32 (or no prefix) as one address', () => {
    // Act
    const results = {
      zeroLow: cidrContains('0.0.0.0/0', '0.0.0.0'),
      zeroHigh: cidrContains('0.0.0.0/0', '255.255.255.255'),
      hostSame: cidrContains('192.168.20.31/32', '192.168.20.31'),
      hostNext: cidrContains('192.168.20.31/32', '192.168.20.32'),
      bareSame: cidrContains('192.168.20.31', '192.168.20.31'),
      bareNext: cidrContains('192.168.20.31', '192.168.20.30'),
    };

    // Assess
    expect(results).toEqual({
      zeroLow: true,
      zeroHigh: true,
      hostSame: true,
      hostNext: false,
      bareSame: true,
      bareNext: false,
    });
  });

  it('compares by network even when the base address has host bits set', () => {
    // Act
    const inside = cidrContains('10.0.0.77/24', '10.0.0.200');

    // Assess
    expect(inside).toBe(true);
  });

  it('answers false for malformed blocks and addresses instead of throwing', () => {
    // Prepare
    const cases: [string, string][] = [
      ['10.0.0.0/33', '10.0.0.1'],
      ['10.0.0.0/-1', '10.0.0.1'],
      ['10.0.0.0/8.5', '10.0.0.1'],
      ['10.0.0.0/abc', '10.0.0.1'],
      ['10.0.0/8', '10.0.0.1'],
      ['256.0.0.0/8', '10.0.0.1'],
      ['', '10.0.0.1'],
      ['10.0.0.0/8', '10.0.0.256'],
      ['10.0.0.0/8', '10.0.0'],
      ['10.0.0.0/8', '10.0.0.1.5'],
      ['10.0.0.0/8', 'ten.0.0.1'],
      ['10.0.0.0/8', '10.0.0.-1'],
      ['10.0.0.0/8', ''],
      ['2001:db8::/32', '2001:db8::1'],
    ];

    // Act
    const results = cases.map(([cidr, address]) => cidrContains(cidr, address));

    // Assess
    expect(results).toEqual(cases.map(() => false));
  });
});

describe('joinSources', () => {
  const EC2_HOST = 'i-0aaaabbbbccccdddd';
  const ON_PREM_HOST = 'mi-0a1b2c3d4e5f60718';

  it('takes the OS of an instance whose AMI told nothing from SSM, and leaves a known OS alone', () => {
    // Prepare
    const sources: Sources = {
      'ec2.instances': ok([
        makeInstance({ instanceId: EC2_HOST, imageId: 'ami-0deadbeef0000000a', os: unknownOs() }),
        makeInstance({ instanceId: 'i-0known00000000000', os: centos7 }),
        makeInstance({ instanceId: 'i-0unmanaged0000000', os: unknownOs() }),
      ]),
      'ec2.images': ok([makeImage()]),
      'ssm.managedInstances': ok([
        makeManagedInstance({
          instanceId: EC2_HOST,
          resourceType: 'EC2Instance',
          onPremises: false,
          platformName: 'Ubuntu',
          platformVersion: '20.04',
        }),
        makeManagedInstance({
          instanceId: 'i-0known00000000000',
          resourceType: 'EC2Instance',
          onPremises: false,
          platformName: 'Ubuntu',
          platformVersion: '22.04',
        }),
      ]),
    };

    // Act
    const joined = joinSources(sources);

    // Assess
    const instances = joined['ec2.instances']?.ok ? joined['ec2.instances'].items : [];
    expect(instances[0]?.os).toMatchObject({
      known: true,
      family: 'ubuntu',
      version: '20.04',
      source: 'ssm',
      evidence: 'Ubuntu 20.04',
    });
    expect(instances[1]?.os).toBe(centos7);
    expect(instances[2]?.os).toEqual(unknownOs());
  });

  it("gives an external ECS host's managed instance the cluster it serves, not an EC2 host's", () => {
    // Prepare
    const cluster = makeEcsCluster();
    const sources: Sources = {
      'ecs.clusters': ok([cluster]),
      'ecs.containerInstances': ok([
        makeContainerInstance({ ec2InstanceId: ON_PREM_HOST, external: true }),
        makeContainerInstance({
          containerInstanceArn: `${cluster.clusterArn.replace(':cluster/', ':container-instance/')}/0aa`,
          ec2InstanceId: EC2_HOST,
          external: false,
        }),
      ]),
      'ssm.managedInstances': ok([
        makeManagedInstance({ instanceId: ON_PREM_HOST }),
        makeManagedInstance({ instanceId: EC2_HOST, resourceType: 'EC2Instance', onPremises: false }),
      ]),
    };

    // Act
    const joined = joinSources(sources);

    // Assess
    const managed = joined['ssm.managedInstances']?.ok ? joined['ssm.managedInstances'].items : [];
    expect(managed[0]?.ecsClusterArn).toBe(cluster.clusterArn);
    expect(managed[1]).not.toHaveProperty('ecsClusterArn');
  });

  it("names the EKS cluster whose remote node network holds an on-premises host's address", () => {
    // Prepare
    const sources: Sources = {
      'eks.clusters': ok([
        makeEksCluster({ name: 'cloud-only' }),
        makeEksCluster({ name: 'dc1-hybrid', remoteNodeNetworks: ['10.80.0.0/16', '192.168.20.0/24'] }),
      ]),
      'ssm.managedInstances': ok([
        makeManagedInstance({ instanceId: ON_PREM_HOST, ipAddress: '192.168.20.31' }),
        makeManagedInstance({ instanceId: 'mi-0outside00000000', ipAddress: '192.168.21.31' }),
        makeManagedInstance({
          instanceId: EC2_HOST,
          resourceType: 'EC2Instance',
          onPremises: false,
          ipAddress: '10.80.1.5',
        }),
        makeManagedInstance({ instanceId: 'mi-0noaddress000000', ipAddress: undefined }),
      ]),
    };

    // Act
    const joined = joinSources(sources);

    // Assess
    const managed = joined['ssm.managedInstances']?.ok ? joined['ssm.managedInstances'].items : [];
    expect(managed.map((m) => m.eksClusterName)).toEqual(['dc1-hybrid', undefined, undefined, undefined]);
  });

  it('joins nothing when SSM could not be read, and marks the OS it could have told as undetermined', () => {
    // Prepare
    const sources: Sources = {
      'ec2.instances': ok([makeInstance({ instanceId: EC2_HOST, os: unknownOs() })]),
      'ecs.containerInstances': ok([makeContainerInstance()]),
      'eks.clusters': ok([makeEksCluster({ remoteNodeNetworks: ['0.0.0.0/0'] })]),
      'ssm.managedInstances': failed(
        collectionFailure('ssm.managedInstances', 'ssm:DescribeInstanceInformation', 'AccessDeniedException'),
      ),
    };
    const before = structuredClone(sources);

    // Act
    const joined = joinSources(sources);

    // Assess: the instance's OS is still unknown, but no longer "unknowable" (rules neither report
    // nor clear it); nothing else moved.
    const instances = joined['ec2.instances'];
    const os = instances?.ok ? instances.items[0]?.os : undefined;
    expect(os).toMatchObject({ known: false, incomplete: true });
    expect(os?.known === false && os.reason).toMatch(/SSM could not be read \(AccessDeniedException\)$/);
    expect({ ...joined, 'ec2.instances': undefined }).toEqual({ ...before, 'ec2.instances': undefined });
  });

  it('leaves the managed instances alone when the other sources failed or were not collected', () => {
    // Prepare
    const sources: Sources = {
      'ecs.containerInstances': failed(collectionFailure('ecs.containerInstances', 'ecs:ListClusters')),
      'ssm.managedInstances': ok([makeManagedInstance()]),
    };

    // Act
    const joined = joinSources(sources);

    // Assess
    expect(joined['ssm.managedInstances']).toEqual(ok([makeManagedInstance()]));
  });
});

describe('cidrContains with malformed prefixes', () => {
  it.each([
    ['10.0.0.0/', '203.0.113.9'],
    ['10.0.0.0/0x8', '10.1.2.3'],
    ['10.0.0.0/8/24', '10.1.2.3'],
  ])('rejects %s', (cidr, address) => {
    expect(cidrContains(cidr, address)).toBe(false);
  });
});
