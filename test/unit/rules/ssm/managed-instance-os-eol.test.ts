import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/ssm/managed-instance-os-eol.ts';
import { defaultRuleSettings, type RuleContext } from '../../../../src/engine/types.ts';
import type { DetectedOs, ManagedInstance } from '../../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../../src/lifecycle/catalogue.ts';
import {
  collectionFailure,
  FIXTURE_ACCOUNT,
  FIXTURE_REGION,
  failed,
  makeManagedInstance,
  makeSnapshot,
  ok,
} from '../../../fixtures/snapshot.ts';

const ctx: RuleContext = {
  now: new Date('2026-11-25T00:00:00Z'),
  settings: defaultRuleSettings,
  lifecycle: lifecycleCatalogue,
};
const evaluate = (instances: ManagedInstance[], context: RuleContext = ctx) =>
  rule.evaluate(makeSnapshot({ 'ssm.managedInstances': ok(instances) }), context);

function ssmOs(
  family: string,
  version: string,
  name: string,
  evidence: string,
): Extract<DetectedOs, { known: true }> {
  return { known: true, family, version, name, source: 'ssm', evidence };
}

const ubuntu2404 = ssmOs('ubuntu', '24.04', 'Ubuntu 24.04 LTS', 'Ubuntu 24.04');

describe('managed-instance-os-eol', () => {
  it('reports nothing for an on-premises host whose OS is well within support (passing case)', () => {
    expect(evaluate([makeManagedInstance({ os: ubuntu2404 })])).toEqual([]);
  });

  it('reports an on-premises CentOS Linux 7 host as critical, with its evidence (failing case)', () => {
    // Prepare: the fixture host is a hybrid-activation `mi-` instance reporting CentOS Linux 7.
    const host = makeManagedInstance();

    // Act
    const results = evaluate([host]);

    // Assess
    expect(results).toEqual([
      {
        resourceId: 'mi-0a1b2c3d4e5f60718',
        resourceArn: `arn:aws:ssm:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:managed-instance/mi-0a1b2c3d4e5f60718`,
        severity: 'critical',
        message:
          'On-premises managed instance dc1-build-01 (mi-0a1b2c3d4e5f60718) runs CentOS Linux 7: support ' +
          'ended on 2024-06-30 (878 days ago) and there is no extended support; move it to Rocky Linux 10, ' +
          'AlmaLinux OS 10 or Red Hat Enterprise Linux 10.',
        evidence: {
          os: { name: 'CentOS Linux 7', family: 'centos', version: '7' },
          determinedBy: 'ssm',
          determinedFrom: 'CentOS Linux 7',
          role: 'hybrid-activation',
          computerName: 'dc1-build-01.corp.example.com',
          ipAddress: '192.168.20.31',
          pingStatus: 'Online',
          verdict: 'catalogued',
          lifecycleState: 'past-extended',
          endOfStandardSupport: '2024-06-30',
          endOfExtendedSupport: null,
          daysPastEnd: 878,
          supportKind: 'none',
          lifecycleSource: expect.stringContaining('centos'),
          upgradeTo: ['Rocky Linux 10', 'AlmaLinux OS 10', 'Red Hat Enterprise Linux 10'],
        },
        cli:
          'aws ssm describe-instance-information --filters Key=InstanceIds,Values=mi-0a1b2c3d4e5f60718 ' +
          "--query 'InstanceInformationList[].[InstanceId,ComputerName,PlatformName,PlatformVersion]' --output table",
      },
    ]);
  });

  it.each<[string, Partial<ManagedInstance>, string, string]>([
    [
      'an ECS Anywhere host',
      { ecsClusterArn: `arn:aws:ecs:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:cluster/edge` },
      'ecs-anywhere',
      'ECS Anywhere host',
    ],
    ['an EKS hybrid node', { eksClusterName: 'platform' }, 'eks-hybrid-node', 'EKS hybrid node'],
    ['a plain hybrid activation', {}, 'hybrid-activation', 'On-premises managed instance'],
  ])('says the host is %s', (_label, overrides, role, words) => {
    // Act
    const [result] = evaluate([makeManagedInstance(overrides)]);

    // Assess
    expect(result?.evidence).toMatchObject({ role, ...overrides });
    expect(result?.message.startsWith(`${words} dc1-build-01 (mi-0a1b2c3d4e5f60718)`)).toBe(true);
  });

  it('leaves EC2 instances managed by SSM to ec2-instance-os-eol, so nothing is reported twice', () => {
    // Prepare
    const ec2 = makeManagedInstance({
      instanceId: 'i-0123456789abcdef0',
      resourceType: 'EC2Instance',
      onPremises: false,
    });

    // Act / Assess
    expect(evaluate([ec2])).toEqual([]);
  });

  it.each<[string, DetectedOs, string | undefined]>([
    ['CentOS Linux 7', ssmOs('centos', '7', 'CentOS Linux 7', 'CentOS Linux 7'), 'critical'],
    [
      'Windows Server 2012 R2 (ESU ended 2026-10-13)',
      ssmOs(
        'windows-server',
        '2012-r2',
        'Windows Server 2012 R2',
        'Windows Server 2012 R2 Standard 6.3.9600',
      ),
      'critical',
    ],
    [
      'SLES 15 SP4 (on LTSS until 2026-12-31)',
      ssmOs('sles', '15-sp4', 'SUSE Linux Enterprise Server 15 SP4', 'SLES 15.4'),
      'high',
    ],
    [
      'Debian 12 (on free LTS until 2028: patched for free)',
      ssmOs('debian', '12', 'Debian 12 (bookworm)', 'Debian GNU/Linux 12'),
      'medium',
    ],
    [
      'Amazon Linux 2023 (standard support to 2027-06-30)',
      ssmOs('amazon-linux', '2023', 'Amazon Linux 2023', 'Amazon Linux 2023'),
      undefined,
    ],
    [
      'Windows Server 2016 (ends in 48 days)',
      ssmOs('windows-server', '2016', 'Windows Server 2016', 'Windows Server 2016 Datacenter 10.0.14393'),
      'low',
    ],
    ['Ubuntu 24.04', ubuntu2404, undefined],
    [
      'an unknown OS',
      { known: false, reason: 'SSM platform "macOS 14.5" is macOS, which is not in the lifecycle catalogue' },
      undefined,
    ],
    [
      'a family without a version',
      {
        known: false,
        reason: 'SSM platform "CentOS Linux" names CentOS Linux but no usable version',
        familyHint: 'centos',
      },
      undefined,
    ],
    [
      'a version missing from the catalogue but older than an ended release (Debian 7, older than 8)',
      ssmOs('debian', '7', 'Debian 7', 'Debian 7'),
      'critical',
    ],
    [
      'a RHEL minor release left behind (8.7, older than 8.8 whose EUS ended)',
      { ...ssmOs('rhel', '8', 'Red Hat Enterprise Linux 8', 'Red Hat Enterprise Linux 8.7'), release: '8.7' },
      'critical',
    ],
    [
      'the current RHEL minor release (9.7, judged as its line)',
      { ...ssmOs('rhel', '9', 'Red Hat Enterprise Linux 9', 'Red Hat Enterprise Linux 9.7'), release: '9.7' },
      undefined,
    ],
    [
      'a RHEL minor release on paid EUS (9.6)',
      ssmOs('rhel', '9.6', 'Red Hat Enterprise Linux 9.6', 'Red Hat Enterprise Linux 9.6'),
      'high',
    ],
  ])('%s → %s', (_label, os, severity) => {
    expect(evaluate([makeManagedInstance({ os })]).map((r) => r.severity)).toEqual(
      severity ? [severity] : [],
    );
  });

  it.each<[string, string, string | undefined]>([
    ['91 days before the end', '2026-10-13T00:00:00Z', undefined],
    ['exactly warningDays (90) before the end', '2026-10-14T00:00:00Z', 'low'],
    ['the end date itself', '2027-01-12T23:00:00Z', 'low'],
    // Microsoft published no ESU for 2016: past 2027-01-12 nothing is left.
    ['one day after the end (no ESU)', '2027-01-13T00:00:00Z', 'critical'],
  ])('Windows Server 2016 (standard support to 2027-01-12) %s → %s', (_label, now, severity) => {
    // Prepare
    const os = ssmOs('windows-server', '2016', 'Windows Server 2016', 'Windows Server 2016 Datacenter');

    // Act
    const results = evaluate([makeManagedInstance({ os })], { ...ctx, now: new Date(now) });

    // Assess
    expect(results.map((r) => r.severity)).toEqual(severity ? [severity] : []);
  });

  it('names the host by its computer name when it has no Name, and by its id when it has neither', () => {
    // Act
    const results = evaluate([
      makeManagedInstance({ instanceId: 'mi-00000000000000001', name: undefined }),
      makeManagedInstance({ instanceId: 'mi-00000000000000002', name: undefined, computerName: undefined }),
    ]);

    // Assess
    expect(results.map((r) => r.message.split(' runs ')[0])).toEqual([
      'On-premises managed instance dc1-build-01.corp.example.com (mi-00000000000000001)',
      'On-premises managed instance mi-00000000000000002',
    ]);
  });

  it('reports nothing for an empty inventory', () => {
    expect(evaluate([])).toEqual([]);
  });

  it('yields nothing, without throwing, when the managed instances could not be read (failed source)', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'ssm.managedInstances': failed(
        collectionFailure('ssm.managedInstances', 'ssm:DescribeInstanceInformation', 'AccessDeniedException'),
      ),
    });

    // Act / Assess
    expect(rule.evaluate(snapshot, ctx)).toEqual([]);
  });

  it('declares what it reads and full metadata', () => {
    expect(rule).toMatchObject({
      id: 'managed-instance-os-eol',
      service: 'ssm',
      resourceType: 'AwsSsmManagedInstance',
      severity: 'critical',
      requires: ['ssm.managedInstances'],
    });
    expect(rule.description).toContain('ec2-instance-os-eol');
  });
});
