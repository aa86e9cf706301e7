import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/ec2/ec2-instance-os-eol.ts';
import { defaultRuleSettings, type RuleContext } from '../../../../src/engine/types.ts';
import type { DetectedOs, Instance } from '../../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../../src/lifecycle/catalogue.ts';
import {
  collectionFailure,
  FIXTURE_ACCOUNT,
  FIXTURE_REGION,
  failed,
  makeInstance,
  makeSnapshot,
  ok,
  unknownOs,
} from '../../../fixtures/snapshot.ts';

const ctx: RuleContext = {
  now: new Date('2026-11-25T00:00:00Z'),
  settings: defaultRuleSettings,
  lifecycle: lifecycleCatalogue,
};
const evaluate = (instances: Instance[], context: RuleContext = ctx) =>
  rule.evaluate(makeSnapshot({ 'ec2.instances': ok(instances) }), context);

function os(
  family: string,
  version: string,
  name: string,
  evidence = name,
): Extract<DetectedOs, { known: true }> {
  return { known: true, family, version, name, source: 'ami-name', evidence };
}

describe('ec2-instance-os-eol', () => {
  it('reports nothing for an instance whose OS is well within support (passing case)', () => {
    // Standard support of Ubuntu 24.04 runs to 2029-05-31, 918 days away.
    expect(evaluate([makeInstance({ os: os('ubuntu', '24.04', 'Ubuntu 24.04 LTS') })])).toEqual([]);
  });

  it('reports a CentOS Linux 7 instance as critical, with its evidence and a replacement AMI command (failing case)', () => {
    // Prepare: the fixture instance runs CentOS Linux 7, read from its AMI name.
    const instance = makeInstance({ tags: { Name: 'build-01' } });

    // Act
    const results = evaluate([instance]);

    // Assess
    expect(results).toEqual([
      {
        resourceId: 'i-0123456789abcdef0',
        resourceArn: `arn:aws:ec2:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:instance/i-0123456789abcdef0`,
        severity: 'critical',
        message:
          'EC2 instance build-01 (i-0123456789abcdef0) runs CentOS Linux 7: support ended on 2024-06-30 ' +
          '(878 days ago) and there is no extended support; move it to Rocky Linux 10, AlmaLinux OS 10 or ' +
          'Red Hat Enterprise Linux 10.',
        evidence: {
          os: { name: 'CentOS Linux 7', family: 'centos', version: '7' },
          determinedBy: 'ami-name',
          determinedFrom: 'CentOS-7-2111-20220825_1.x86_64',
          imageId: 'ami-0123456789abcdef0',
          instanceName: 'build-01',
          state: 'running',
          verdict: 'catalogued',
          lifecycleState: 'past-extended',
          endOfStandardSupport: '2024-06-30',
          endOfExtendedSupport: null,
          daysPastEnd: 878,
          supportKind: 'none',
          lifecycleSource: expect.stringContaining('https://www.centos.org/centos-linux-eol/'),
          upgradeTo: ['Rocky Linux 10', 'AlmaLinux OS 10', 'Red Hat Enterprise Linux 10'],
        },
        cli:
          `aws ec2 describe-images --region ${FIXTURE_REGION} --owners 792107900819 ` +
          `--filters "Name=name,Values=Rocky-10-*" Name=architecture,Values=x86_64 ` +
          `--query 'sort_by(Images,&CreationDate)[-1].[ImageId,Name]' --output text`,
      },
    ]);
  });

  it.each<[string, DetectedOs, string | undefined]>([
    ['CentOS Linux 7 (no extended support)', os('centos', '7', 'CentOS Linux 7'), 'critical'],
    [
      'Amazon Linux 2 (ended 2026-06-30, no extended support)',
      os('amazon-linux', '2', 'Amazon Linux 2'),
      'critical',
    ],
    [
      'Windows Server 2012 R2 (ESU ended 2026-10-13)',
      os('windows-server', '2012-r2', 'Windows Server 2012 R2'),
      'critical',
    ],
    ['Ubuntu 20.04 (on paid ESM until 2030)', os('ubuntu', '20.04', 'Ubuntu 20.04 LTS'), 'high'],
    ['RHEL 7 (on paid ELS until 2028)', os('rhel', '7', 'Red Hat Enterprise Linux 7'), 'high'],
    ['Debian 11 (on free LTS until 2026-08-31: ended)', os('debian', '11', 'Debian 11'), 'critical'],
    ['Debian 12 (on free LTS until 2028)', os('debian', '12', 'Debian 12 (bookworm)'), 'medium'],
    [
      'SLES 11 SP4 (LTSS ended 2022)',
      os('sles', '11-sp4', 'SUSE Linux Enterprise Server 11 SP4'),
      'critical',
    ],
    [
      'Windows Server 2016 Nano Server (ended 2018-10-09)',
      os('windows-nano-server', '2016', 'Nano'),
      'critical',
    ],
    [
      'Windows Server 2016 (ends 2027-01-12, in 48 days)',
      os('windows-server', '2016', 'Windows Server 2016'),
      'low',
    ],
    [
      'Amazon Linux 2023 (ends 2027-06-30, 217 days away)',
      os('amazon-linux', '2023', 'Amazon Linux 2023'),
      undefined,
    ],
    ['an unknown OS', unknownOs(), undefined],
    [
      'an unknown OS with a family hint only',
      {
        known: false,
        reason: 'platform details "Windows" name Windows Server but not its version',
        familyHint: 'windows-server',
      },
      undefined,
    ],
    [
      'a version older than an ended catalogued release (CentOS 5, older than 6)',
      os('centos', '5', 'CentOS Linux 5'),
      'critical',
    ],
    ['a version newer than the catalogue', os('ubuntu', '28.04', 'Ubuntu 28.04 LTS'), undefined],
    ['a family the catalogue does not have', os('fedora', '40', 'Fedora 40'), undefined],
  ])('%s → %s', (_label, detected, severity) => {
    // Act
    const results = evaluate([makeInstance({ os: detected })]);

    // Assess
    expect(results.map((r) => r.severity)).toEqual(severity ? [severity] : []);
  });

  it('says which phase remains for an OS on paid extended support', () => {
    // Act
    const [result] = evaluate([makeInstance({ os: os('ubuntu', '20.04', 'Ubuntu 20.04 LTS') })]);

    // Assess
    expect(result?.message).toBe(
      'EC2 instance i-0123456789abcdef0 runs Ubuntu 20.04 LTS: standard support ended on 2025-05-31 ' +
        '(543 days ago); security fixes continue only with Ubuntu Pro (ESM), until 2030-04-02; move it to ' +
        'Ubuntu 26.04 LTS.',
    );
    expect(result?.evidence).toMatchObject({
      lifecycleState: 'past-standard',
      endOfExtendedSupport: '2030-04-02',
      daysPastEnd: 543,
      daysUntilExtendedEnd: 1224,
      extendedSupportKind: 'ESM',
      supportKind: 'paid',
      paidProduct: 'Ubuntu Pro (ESM)',
    });
  });

  it('says security fixes still flow for free for an OS in a free extended phase (medium)', () => {
    // Act: Debian 12's LTS runs from 2026-07-12 to 2028-06-30.
    const [result] = evaluate([makeInstance({ os: os('debian', '12', 'Debian 12 (bookworm)') })]);

    // Assess
    expect(result?.severity).toBe('medium');
    expect(result?.message).toBe(
      'EC2 instance i-0123456789abcdef0 runs Debian 12 (bookworm): standard support ended on 2026-07-11 ' +
        '(137 days ago); security fixes continue for free (LTS) until 2028-06-30; move it to Debian 13 (trixie).',
    );
    expect(result?.evidence).toMatchObject({ supportKind: 'free', extendedSupportKind: 'LTS' });
    expect(result?.evidence).not.toHaveProperty('paidProduct');
  });

  it('reports a version the catalogue lacks but that is older than an ended release, naming the inference', () => {
    // Act: SLES 9 is not catalogued; SLES 10 is, and its last support ended on 2007-12-31.
    const [result] = evaluate([makeInstance({ os: os('sles', '9', 'SUSE Linux Enterprise Server 9') })]);

    // Assess
    expect(result?.severity).toBe('critical');
    expect(result?.message).toContain(
      'runs SUSE Linux Enterprise Server 9: not in the lifecycle catalogue, but older than SUSE Linux ' +
        'Enterprise Server 10, which has had no support since 2007-12-31',
    );
    expect(result?.evidence).toMatchObject({
      os: { name: 'SUSE Linux Enterprise Server 9', family: 'sles', version: '9' },
      verdict: 'inferred',
      lifecycleState: 'past-extended',
      supportKind: 'none',
      endedNoLaterThan: '2007-12-31',
      inferredFrom: { basis: 'older-release', name: 'SUSE Linux Enterprise Server 10', version: '10' },
    });
  });

  it('reports a beta image whose release is out as past every phase', () => {
    // Prepare: a RHEL 9.4 beta AMI; 9.4 itself came out on 2024-04-30.
    const beta: DetectedOs = { ...os('rhel', '9', 'Red Hat Enterprise Linux 9'), release: '9.4', beta: true };

    // Act
    const [result] = evaluate([makeInstance({ os: beta })]);

    // Assess
    expect(result?.severity).toBe('critical');
    expect(result?.evidence).toMatchObject({
      verdict: 'inferred',
      inferredFrom: {
        basis: 'pre-release',
        name: 'Red Hat Enterprise Linux 9.4',
        lastDayOfSupport: '2024-04-30',
      },
    });
  });

  it.each<[string, string, string | undefined]>([
    ['91 days before the end', '2026-03-31T00:00:00Z', undefined],
    ['exactly warningDays (90) before the end', '2026-04-01T00:00:00Z', 'low'],
    ['the end date itself', '2026-06-30T12:00:00Z', 'low'],
    ['one day after the end', '2026-07-01T00:00:00Z', 'critical'],
  ])('Amazon Linux 2 (ends 2026-06-30) %s → %s', (_label, now, severity) => {
    // Prepare
    const context = { ...ctx, now: new Date(now) };

    // Act
    const results = evaluate([makeInstance({ os: os('amazon-linux', '2', 'Amazon Linux 2') })], context);

    // Assess
    expect(results.map((r) => r.severity)).toEqual(severity ? [severity] : []);
  });

  it('uses the configured warning window', () => {
    // Prepare: Windows Server 2016 ends in 48 days.
    const windows2016 = makeInstance({ os: os('windows-server', '2016', 'Windows Server 2016') });
    const narrow = { ...ctx, settings: { ...defaultRuleSettings, warningDays: 30 } };

    // Act / Assess
    expect(evaluate([windows2016], narrow)).toEqual([]);
    expect(evaluate([windows2016])[0]?.evidence).toMatchObject({
      lifecycleState: 'ending-soon',
      daysUntilEnd: 48,
    });
  });

  it('points an Amazon Linux 2 instance at the Amazon Linux 2023 SSM parameters for its architecture', () => {
    // Act
    const [result] = evaluate([
      makeInstance({
        architecture: 'arm64',
        os: {
          known: true,
          family: 'amazon-linux',
          version: '2',
          name: 'Amazon Linux 2',
          source: 'ssm',
          evidence: 'Amazon Linux 2',
        },
      }),
    ]);

    // Assess
    expect(result?.message).toContain('; move it to Amazon Linux 2023.');
    expect(result?.evidence).toMatchObject({ determinedBy: 'ssm', determinedFrom: 'Amazon Linux 2' });
    expect(result?.cli).toBe(
      `aws ssm get-parameters-by-path --region ${FIXTURE_REGION} --path /aws/service/ami-amazon-linux-latest ` +
        `--query "Parameters[?contains(Name, 'al2023-ami-kernel-default-arm64')].[Name,Value]" --output table`,
    );
  });

  it('points a Windows Server instance at the Windows SSM parameters of the newest release', () => {
    // Act
    const [result] = evaluate([
      makeInstance({ os: os('windows-server', '2012-r2', 'Windows Server 2012 R2') }),
    ]);

    // Assess
    expect(result?.cli).toContain('/aws/service/ami-windows-latest');
    expect(result?.cli).toContain('Windows_Server-2025-English-Full-Base');
  });

  it.each([
    ['running', 1],
    ['stopped', 1],
    ['shutting-down', 0],
    ['terminated', 0],
  ])('an instance that is %s yields %i finding(s)', (state, count) => {
    expect(evaluate([makeInstance({ state })])).toHaveLength(count);
  });

  it('reports each instance on its own', () => {
    // Act
    const results = evaluate([
      makeInstance({ instanceId: 'i-0000000000000000a' }),
      makeInstance({ instanceId: 'i-0000000000000000b', os: unknownOs() }),
      makeInstance({ instanceId: 'i-0000000000000000c', os: os('rhel', '7', 'Red Hat Enterprise Linux 7') }),
    ]);

    // Assess
    expect(results.map((r) => [r.resourceId, r.severity])).toEqual([
      ['i-0000000000000000a', 'critical'],
      ['i-0000000000000000c', 'high'],
    ]);
  });

  it('names the instances whose OS could not be determined for a failure, and only those, as not evaluated', () => {
    // Prepare: one AMI could not be described; another instance's AMI simply tells nothing.
    const snapshot = makeSnapshot({
      'ec2.instances': ok([
        makeInstance({
          instanceId: 'i-0000000000000000a',
          os: { known: false, reason: 'the AMI could not be described (Throttling)', incomplete: true },
        }),
        makeInstance({ instanceId: 'i-0000000000000000b', os: unknownOs() }),
        makeInstance({ instanceId: 'i-0000000000000000c' }),
      ]),
    });

    // Act / Assess: no finding for the undetermined one, and it is named so its findings are kept.
    expect(rule.evaluate(snapshot, ctx).map((r) => r.resourceId)).toEqual(['i-0000000000000000c']);
    expect(rule.unevaluated?.(snapshot)).toEqual(['i-0000000000000000a']);
    expect(rule.unevaluated?.(makeSnapshot({}))).toEqual([]);
  });

  it('reports nothing for an empty inventory', () => {
    expect(evaluate([])).toEqual([]);
  });

  it('yields nothing, without throwing, when the instances could not be read (failed source)', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'ec2.instances': failed(
        collectionFailure('ec2.instances', 'ec2:DescribeInstances', 'UnauthorizedOperation'),
      ),
    });

    // Act / Assess
    expect(rule.evaluate(snapshot, ctx)).toEqual([]);
  });

  it('yields nothing when the instances were not collected', () => {
    expect(rule.evaluate(makeSnapshot({}), ctx)).toEqual([]);
  });

  it('declares what it reads and full metadata', () => {
    expect(rule).toMatchObject({
      id: 'ec2-instance-os-eol',
      service: 'ec2',
      resourceType: 'AwsEc2Instance',
      severity: 'critical',
      requires: ['ec2.instances'],
    });
    expect(rule.remediation.cli).toContain('/aws/service/ami-amazon-linux-latest');
    expect(rule.references.docs.length).toBeGreaterThan(0);
  });
});
