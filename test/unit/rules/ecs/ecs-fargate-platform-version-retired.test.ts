import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/ecs/ecs-fargate-platform-version-retired.ts';
import { defaultRuleSettings, type RuleContext } from '../../../../src/engine/types.ts';
import type { EcsService } from '../../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../../src/lifecycle/catalogue.ts';
import { makeEcsService } from '../../../fixtures/placement.ts';
import { collectionFailure, failed, makeSnapshot, ok } from '../../../fixtures/snapshot.ts';

const at = (day: string): RuleContext => ({
  now: new Date(`${day}T12:00:00Z`),
  settings: defaultRuleSettings,
  lifecycle: lifecycleCatalogue,
});
const ctx = at('2026-11-25');
const evaluate = (services: EcsService[], context: RuleContext = ctx, region?: string) =>
  rule.evaluate(makeSnapshot({ 'ecs.services': ok(services) }, region ? { region } : {}), context);

describe('ecs-fargate-platform-version-retired', () => {
  it('reports nothing for Fargate services on LATEST or 1.4.0 (passing case)', () => {
    // Prepare
    const services = [
      makeEcsService({ serviceName: 'latest', platformVersion: 'LATEST' }),
      makeEcsService({ serviceName: 'pinned', platformVersion: '1.4.0' }),
    ];

    // Act
    const results = evaluate(services);

    // Assess
    expect(results).toEqual([]);
    expect(rule.scope?.(makeSnapshot({ 'ecs.services': ok(services) }), ctx)).toHaveLength(2);
  });

  it('reports a service pinned to 1.3.0 as critical once AWS retired it and stopped its tasks (failing case)', () => {
    // Prepare
    const service = makeEcsService({
      platformVersion: '1.3.0',
      deployments: [{ status: 'PRIMARY', platformVersion: '1.3.0', runningCount: 0 }],
      runningCount: 0,
    });

    // Act
    const results = evaluate([service]);

    // Assess
    expect(results).toEqual([
      {
        resourceId: service.serviceArn,
        resourceArn: service.serviceArn,
        severity: 'critical',
        message:
          'ECS service api in cluster edge runs on Fargate platform version 1.3.0 (Linux), which AWS retired ' +
          'on 2026-03-16: it takes no new tasks and gets no security fixes, and its tasks were stopped on ' +
          '2026-03-31; move it to LATEST.',
        evidence: {
          cluster: 'edge',
          platform: 'LINUX',
          platformVersion: '1.3.0',
          servicePlatformVersion: '1.3.0',
          deploymentPlatformVersions: ['1.3.0'],
          runningCount: 0,
          desiredCount: 3,
          forceUpdate: '2026-03-02',
          retired: '2026-03-16',
          tasksStopped: '2026-03-31',
          lifecycleState: 'past-extended',
          endOfStandardSupport: '2026-03-15',
          endOfExtendedSupport: null,
          daysPastEnd: 255,
          supportKind: 'none',
          lifecycleSource: expect.stringContaining('platform-versions-retired.html'),
        },
        cli: 'aws ecs update-service --cluster edge --service api --platform-version LATEST --force-new-deployment --region eu-west-1',
      },
    ]);
  });

  it('warns (low) within the 90 days before the retirement, with the China Regions on their own later dates', () => {
    // Prepare: 64 days before the global retirement; in the China Regions it is months away.
    const service = makeEcsService({ platformVersion: '1.3.0' });

    // Act
    const global = evaluate([service], at('2026-01-10'));
    const chinaEarly = evaluate([service], at('2026-01-10'), 'cn-north-1');
    const chinaSoon = evaluate([service], at('2026-06-01'), 'cn-north-1');

    // Assess
    expect(global.map((r) => [r.severity, r.message])).toEqual([
      [
        'low',
        'ECS service api in cluster edge runs on Fargate platform version 1.3.0 (Linux), which AWS retires on ' +
          '2026-03-16 (tasks still on it are stopped on 2026-03-31); move it to LATEST.',
      ],
    ]);
    expect(chinaEarly).toEqual([]);
    expect(chinaSoon.map((r) => [r.severity, r.evidence.retired, r.evidence.tasksStopped])).toEqual([
      ['low', '2026-06-15', '2026-06-30'],
    ]);
    expect(chinaSoon[0]?.evidence.forceUpdate).toBeUndefined();
  });

  it('judges every deployment: a rollout to LATEST still running 1.2.0 tasks is reported on 1.2.0', () => {
    // Prepare
    const service = makeEcsService({
      platformVersion: 'LATEST',
      deployments: [
        { status: 'PRIMARY', platformVersion: 'LATEST', runningCount: 1 },
        { status: 'ACTIVE', platformVersion: '1.2.0', runningCount: 2 },
      ],
    });

    // Act
    const results = evaluate([service]);

    // Assess
    expect(results.map((r) => [r.severity, r.evidence.platformVersion, r.evidence.retired])).toEqual([
      ['critical', '1.2.0', '2020-12-14'],
    ]);
  });

  it('places tasks by launch type or a Fargate-only strategy, and judges no EC2 or Windows service', () => {
    // Prepare
    const services = [
      makeEcsService({
        serviceName: 'spot',
        launchType: undefined,
        capacityProviderStrategy: [
          { capacityProvider: 'FARGATE_SPOT', weight: 3 },
          { capacityProvider: 'FARGATE', weight: 1, base: 1 },
        ],
        platformVersion: '1.3.0',
      }),
      makeEcsService({ serviceName: 'ec2', launchType: 'EC2', platformVersion: '1.3.0' }),
      makeEcsService({
        serviceName: 'asg',
        launchType: undefined,
        capacityProviderStrategy: [{ capacityProvider: 'asg-provider', weight: 1 }],
        platformVersion: '1.3.0',
      }),
      // AWS has published no retirement of a Windows platform version: no entry, no finding.
      makeEcsService({
        serviceName: 'windows',
        platformFamily: 'WINDOWS_SERVER_2019_CORE',
        platformVersion: '1.0.0',
      }),
    ];

    // Act
    const results = evaluate(services);

    // Assess
    expect(results.map((r) => r.resourceId.split('/').pop())).toEqual(['spot']);
    expect(
      rule.scope?.(makeSnapshot({ 'ecs.services': ok(services) }), ctx).map((s) => s.id.split('/').pop()),
    ).toEqual(['spot', 'windows']);
  });

  it('quotes names the remediation command carries as single shell words', () => {
    // Prepare
    const service = makeEcsService({
      serviceName: 'api;rm -rf ~',
      clusterArn: 'arn:aws:ecs:eu-west-1:111111111111:cluster/edge',
      platformVersion: '1.1.0',
    });

    // Act
    const [result] = evaluate([service]);

    // Assess
    expect(result?.cli).toBe(
      "aws ecs update-service --cluster edge --service 'api;rm -rf ~' --platform-version LATEST --force-new-deployment --region eu-west-1",
    );
  });

  it('reports nothing, and judges nothing, in an empty inventory', () => {
    // Act and assess
    expect(evaluate([])).toEqual([]);
    expect(rule.scope?.(makeSnapshot({ 'ecs.services': ok([]) }), ctx)).toEqual([]);
  });

  it('reports nothing when the services could not be read (failed source)', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'ecs.services': failed(collectionFailure('ecs.services', 'ecs:ListServices')),
    });

    // Act and assess
    expect(rule.evaluate(snapshot, ctx)).toEqual([]);
    expect(rule.scope?.(snapshot, ctx)).toEqual([]);
  });
});
