import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/ssm/managed-instance-connection-lost.ts';
import { defaultRuleSettings, type RuleContext } from '../../../../src/engine/types.ts';
import type { ManagedInstance, Sources } from '../../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../../src/lifecycle/catalogue.ts';
import {
  collectionFailure,
  failed,
  makeContainerInstance,
  makeEksCluster,
  makeManagedInstance,
  makeSnapshot,
  ok,
} from '../../../fixtures/snapshot.ts';

const NOW = new Date('2026-11-25T00:00:00Z');
const ctx: RuleContext = { now: NOW, settings: defaultRuleSettings, lifecycle: lifecycleCatalogue };

const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();

const evaluate = (instances: ManagedInstance[], others: Sources = {}, context = ctx) =>
  rule.evaluate(makeSnapshot({ 'ssm.managedInstances': ok(instances), ...others }), context);

describe('managed-instance-connection-lost', () => {
  it.each([
    ['online and pinged an hour ago', { pingStatus: 'Online', lastPingAt: hoursAgo(1) }],
    ['online and pinged exactly at the limit', { pingStatus: 'Online', lastPingAt: hoursAgo(24) }],
    ['online with no last ping on record', { pingStatus: 'Online', lastPingAt: undefined }],
    [
      'an EC2 instance that lost its connection',
      {
        instanceId: 'i-0123456789abcdef0',
        onPremises: false,
        pingStatus: 'ConnectionLost',
        lastPingAt: hoursAgo(72),
      },
    ],
  ])('passes a host %s', (_label, overrides) => {
    // Prepare
    const instance = makeManagedInstance(overrides);

    // Act + Assess
    expect(evaluate([instance])).toEqual([]);
  });

  it('reports a hybrid host SSM marks ConnectionLost, with last ping, hours since and role', () => {
    // Prepare
    const instance = makeManagedInstance({
      pingStatus: 'ConnectionLost',
      lastPingAt: '2026-11-24T21:30:00.000Z',
      activationId: 'c1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b',
    });

    // Act
    const results = evaluate([instance]);

    // Assess
    expect(results).toEqual([
      {
        resourceId: 'mi-0a1b2c3d4e5f60718',
        message:
          'Hybrid host dc1-build-01 (mi-0a1b2c3d4e5f60718) lost its connection to Systems Manager, ' +
          'last seen 2 hours ago (2026-11-24T21:30:00.000Z).',
        evidence: {
          pingStatus: 'ConnectionLost',
          lastPingAt: '2026-11-24T21:30:00.000Z',
          hoursSinceLastPing: 2.5,
          connectionLostHours: 24,
          role: 'hybrid activation (ECS and EKS membership not checked)',
          computerName: 'dc1-build-01.corp.example.com',
          ipAddress: '192.168.20.31',
          activationId: 'c1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b',
          agentVersion: '3.3.1142.0',
        },
        cli: 'sudo systemctl restart amazon-ssm-agent (on the host)',
      },
    ]);
  });

  it('reports a host still marked Online whose last ping is older than the setting', () => {
    // Prepare
    const instance = makeManagedInstance({ pingStatus: 'Online', lastPingAt: hoursAgo(30) });

    // Act
    const [result] = evaluate([instance]);

    // Assess
    expect(result?.message).toBe(
      'Hybrid host dc1-build-01 (mi-0a1b2c3d4e5f60718) has not reported to Systems Manager for more than ' +
        `24 hours: last seen 30 hours ago (${hoursAgo(30)}).`,
    );
    expect(result?.evidence.hoursSinceLastPing).toBe(30);
  });

  it('reads the limit from the settings', () => {
    // Prepare
    const instance = makeManagedInstance({ pingStatus: 'Online', lastPingAt: hoursAgo(10) });
    const strict: RuleContext = {
      now: NOW,
      settings: { ...defaultRuleSettings, connectionLostHours: 6 },
      lifecycle: lifecycleCatalogue,
    };

    // Act + Assess
    expect(evaluate([instance])).toEqual([]);
    expect(evaluate([instance], {}, strict)).toHaveLength(1);
  });

  it('reports ConnectionLost with no last ping on record', () => {
    // Prepare
    const instance = makeManagedInstance({
      pingStatus: 'ConnectionLost',
      lastPingAt: undefined,
      name: undefined,
    });

    // Act
    const [result] = evaluate([instance]);

    // Assess
    expect(result?.message).toBe(
      'Hybrid host mi-0a1b2c3d4e5f60718 lost its connection to Systems Manager, with no last ping on record.',
    );
    expect(result?.evidence.hoursSinceLastPing).toBeUndefined();
  });

  it.each([
    [
      'an ECS Anywhere host',
      { ecsClusterArn: 'arn:aws:ecs:eu-west-1:111111111111:cluster/edge' },
      'ECS Anywhere host of edge',
    ],
    ['an EKS hybrid node', { eksClusterName: 'platform' }, 'EKS hybrid node of platform'],
    [
      'both',
      { ecsClusterArn: 'arn:aws:ecs:eu-west-1:111111111111:cluster/edge', eksClusterName: 'platform' },
      'ECS Anywhere host of edge, EKS hybrid node of platform',
    ],
  ])('names the role of %s', (_label, overrides, role) => {
    // Prepare
    const instance = makeManagedInstance({
      pingStatus: 'ConnectionLost',
      lastPingAt: hoursAgo(3),
      ...overrides,
    });

    // Act
    const [result] = evaluate([instance]);

    // Assess
    expect(result?.evidence.role).toBe(role);
  });

  it('calls a host a plain hybrid activation only when ECS and EKS membership were checked', () => {
    // Prepare
    const instance = makeManagedInstance({ pingStatus: 'ConnectionLost', lastPingAt: hoursAgo(3) });
    const checked: Sources = {
      'ecs.containerInstances': ok([makeContainerInstance({ ec2InstanceId: 'mi-00000000000000001' })]),
      'eks.clusters': ok([makeEksCluster()]),
    };

    // Act
    const [result] = evaluate([instance], checked);

    // Assess
    expect(result?.evidence.role).toBe('hybrid activation');
  });

  it('gives the Windows agent restart for a Windows host', () => {
    // Prepare
    const instance = makeManagedInstance({ pingStatus: 'ConnectionLost', platformType: 'Windows' });

    // Act
    const [result] = evaluate([instance]);

    // Assess
    expect(result?.cli).toMatch(/^Restart-Service AmazonSSMAgent/);
  });

  it('yields nothing for an empty inventory', () => {
    expect(evaluate([])).toEqual([]);
  });

  it('yields nothing, without throwing, when the managed instances could not be listed', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'ssm.managedInstances': failed(
        collectionFailure('ssm.managedInstances', 'ssm:DescribeInstanceInformation', 'ThrottlingException'),
      ),
    });

    // Act + Assess
    expect(rule.evaluate(snapshot, ctx)).toEqual([]);
  });

  it('declares the one source it reads', () => {
    expect(rule.requires).toEqual(['ssm.managedInstances']);
    expect(rule.resourceType).toBe('AwsSsmManagedInstance');
  });
});
