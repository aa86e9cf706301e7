import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/ecs/ecs-external-instance-disconnected.ts';
import { defaultRuleSettings, type RuleContext } from '../../../../src/engine/types.ts';
import type { EcsContainerInstance } from '../../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../../src/lifecycle/catalogue.ts';
import {
  collectionFailure,
  failed,
  makeContainerInstance,
  makeSnapshot,
  ok,
} from '../../../fixtures/snapshot.ts';

const ctx: RuleContext = {
  now: new Date('2026-11-25T00:00:00Z'),
  settings: defaultRuleSettings,
  lifecycle: lifecycleCatalogue,
};

const evaluate = (...instances: EcsContainerInstance[]) =>
  rule.evaluate(makeSnapshot({ 'ecs.containerInstances': ok(instances) }), ctx);

describe('ecs-external-instance-disconnected', () => {
  it.each([
    ['an external instance whose agent is connected', {}],
    ['a DRAINING external instance (being retired)', { agentConnected: false, status: 'DRAINING' }],
    ['an INACTIVE external instance (deregistered)', { agentConnected: false, status: 'INACTIVE' }],
    [
      'a disconnected EC2 container instance (not ECS Anywhere)',
      { external: false, agentConnected: false, ec2InstanceId: 'i-0123456789abcdef0' },
    ],
  ])('passes %s', (_label, overrides) => {
    // Prepare
    const instance = makeContainerInstance(overrides);

    // Act + Assess
    expect(evaluate(instance)).toEqual([]);
  });

  it('reports an ACTIVE external instance whose agent is disconnected, with its running tasks', () => {
    // Prepare
    const instance = makeContainerInstance({
      agentConnected: false,
      runningTasksCount: 3,
      osType: 'LINUX',
      registeredAt: '2025-02-01T10:00:00.000Z',
    });

    // Act
    const results = evaluate(instance);

    // Assess
    expect(results).toEqual([
      {
        resourceId: instance.containerInstanceArn,
        resourceArn: instance.containerInstanceArn,
        message:
          'ECS Anywhere host mi-0a1b2c3d4e5f60718 in cluster edge is ACTIVE but its ECS agent is ' +
          'disconnected; it last reported 3 running tasks.',
        evidence: {
          cluster: 'edge',
          status: 'ACTIVE',
          agentConnected: false,
          runningTasksCount: 3,
          managedInstanceId: 'mi-0a1b2c3d4e5f60718',
          agentVersion: '1.82.1',
          osType: 'LINUX',
          registeredAt: '2025-02-01T10:00:00.000Z',
        },
        cli:
          'aws ssm send-command --region eu-west-1 --instance-ids mi-0a1b2c3d4e5f60718 --document-name ' +
          'AWS-RunShellScript --parameters \'commands=["sudo systemctl restart ecs"]\'',
      },
    ]);
  });

  it('says nothing about tasks when none were running, and restarts the Windows service on Windows', () => {
    // Prepare
    const instance = makeContainerInstance({
      agentConnected: false,
      runningTasksCount: 0,
      osType: 'WINDOWS_SERVER_2022_CORE',
    });

    // Act
    const [result] = evaluate(instance);

    // Assess
    expect(result?.message).toMatch(/disconnected\.$/);
    expect(result?.evidence.runningTasksCount).toBe(0);
    expect(result?.cli).toContain('AWS-RunPowerShellScript');
    expect(result?.cli).toContain('Restart-Service AmazonECS');
  });

  it('falls back to describing the container instance when the host id is unknown', () => {
    // Prepare
    const instance = makeContainerInstance({ agentConnected: false, ec2InstanceId: undefined });

    // Act
    const [result] = evaluate(instance);

    // Assess
    expect(result?.message).toContain('ECS Anywhere host 0f1e2d3c4b5a69788 in cluster edge');
    expect(result?.cli).toBe(
      `aws ecs describe-container-instances --cluster edge --container-instances ${instance.containerInstanceArn} --region eu-west-1`,
    );
  });

  it('yields nothing for an empty inventory', () => {
    expect(evaluate()).toEqual([]);
  });

  it('yields nothing, without throwing, when the container instances could not be listed', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'ecs.containerInstances': failed(
        collectionFailure('ecs.containerInstances', 'ecs:ListContainerInstances'),
      ),
    });

    // Act + Assess
    expect(rule.evaluate(snapshot, ctx)).toEqual([]);
  });

  it('declares the one source it reads', () => {
    expect(rule.requires).toEqual(['ecs.containerInstances']);
    expect(rule.resourceType).toBe('AwsEcsContainerInstance');
  });
});
