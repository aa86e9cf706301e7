import { describe, expect, it } from 'vitest';
import { lifecycleCatalogue } from '../../../src/lifecycle/catalogue.ts';
import { type OsReading, type OsVerdict, osReadingOf, osVerdict } from '../../../src/lifecycle/verdict.ts';

const WARNING_DAYS = 90;
const NOW = new Date('2026-11-25T00:00:00Z');
const verdictOn = (os: OsReading, now = NOW): OsVerdict =>
  osVerdict(os, lifecycleCatalogue, now, WARNING_DAYS);

describe('osVerdict on catalogued versions', () => {
  it('judges a catalogued version by its own entry', () => {
    // Act
    const verdict = verdictOn({ family: 'sles', version: '11-sp4' });

    // Assess
    expect(verdict).toMatchObject({
      kind: 'catalogued',
      entry: { name: 'SUSE Linux Enterprise Server 11 SP4', endOfStandard: '2019-03-31' },
      status: { state: 'past-extended' },
    });
  });

  it.each<[string, OsReading, string]>([
    [
      'a SAC build read as a Windows Server year',
      { family: 'windows-server', version: '1809' },
      'Windows Server, version 1809 (Semi-Annual Channel)',
    ],
    [
      'Nano Server 2016, not Windows Server 2016',
      { family: 'windows-nano-server', version: '2016' },
      'Windows Server 2016 Nano Server',
    ],
    ['SLES 12 SP3', { family: 'sles', version: '12-sp3' }, 'SUSE Linux Enterprise Server 12 SP3'],
    ['Amazon Linux 2022', { family: 'amazon-linux', version: '2022' }, 'Amazon Linux 2022 (preview)'],
    [
      'an Amazon Linux AMI release before 2018.03',
      { family: 'amazon-linux', version: '2016.09' },
      'Amazon Linux AMI 2016.09',
    ],
    ['Windows Server 2003 R2', { family: 'windows-server', version: '2003-r2' }, 'Windows Server 2003 R2'],
    ['Windows Server 2008', { family: 'windows-server', version: '2008' }, 'Windows Server 2008'],
    ['Oracle Linux 6', { family: 'oracle-linux', version: '6' }, 'Oracle Linux 6'],
    ['a FreeBSD release', { family: 'freebsd', version: '13.2' }, 'FreeBSD 13.2-RELEASE'],
  ])('finds %s in the catalogue, past every phase', (_label, os, name) => {
    expect(verdictOn(os)).toMatchObject({
      kind: 'catalogued',
      entry: { name },
      status: { state: 'past-extended' },
    });
  });

  it('judges a minor release newer than every catalogued one of its line as the line, and says so', () => {
    // Act
    const verdict = verdictOn({ family: 'rhel', version: '9.7' });

    // Assess
    expect(verdict).toMatchObject({
      kind: 'catalogued',
      entry: { version: '9' },
      status: { state: 'supported' },
      via: 'Red Hat Enterprise Linux 9.7 is newer than every catalogued minor release of its line, so it is judged as Red Hat Enterprise Linux 9',
    });
  });

  it('judges the running release SSM reports before the line: a minor release left behind has ended', () => {
    // Act: RHEL 8.7 had no EUS; 8.8, newer, left EUS on 2025-05-31.
    const behind = verdictOn({ family: 'rhel', version: '8', release: '8.7' });
    const current = verdictOn({ family: 'rhel', version: '8', release: '8.10' });

    // Assess
    expect(behind).toMatchObject({ kind: 'inferred', olderThan: { version: '8.8' }, endedBy: '2025-05-31' });
    expect(current).toMatchObject({
      kind: 'catalogued',
      entry: { version: '8' },
      status: { state: 'supported' },
    });
  });

  it('keeps a release only when it is what runs: from SSM, or a beta image', () => {
    expect(osReadingOf({ family: 'rhel', version: '8', release: '8.6', source: 'ami-name' })).toEqual({
      family: 'rhel',
      version: '8',
    });
    expect(osReadingOf({ family: 'rhel', version: '8', release: '8.7', source: 'ssm' })).toEqual({
      family: 'rhel',
      version: '8',
      release: '8.7',
    });
    expect(
      osReadingOf({ family: 'rhel', version: '9', release: '9.4', beta: true, source: 'ami-name' }),
    ).toEqual({
      family: 'rhel',
      version: '9',
      release: '9.4',
      beta: true,
    });
  });

  it('judges a Bottlerocket Kubernetes variant by the EKS version it targets, and says so', () => {
    // Act: Kubernetes 1.31 left EKS standard support on 2025-11-26; paid extended support runs to 2026-11-26.
    const verdict = verdictOn({ family: 'bottlerocket', version: 'aws-k8s-1.31' });

    // Assess
    expect(verdict).toMatchObject({
      kind: 'catalogued',
      entry: {
        name: 'Bottlerocket aws-k8s-1.31 (follows Kubernetes 1.31 on Amazon EKS)',
        endOfStandard: '2025-11-26',
        extended: { end: '2026-11-26', access: 'paid' },
      },
      status: { state: 'past-standard' },
      via: expect.stringContaining('judged by the EKS version they target'),
    });
  });
});

describe('osVerdict on versions the catalogue lacks', () => {
  // Older than a catalogued release of the same line that is past every phase: past its end too.
  it.each<[string, OsReading, string, string]>([
    ['SLES 9', { family: 'sles', version: '9' }, 'SUSE Linux Enterprise Server 10', '2007-12-31'],
    [
      'Windows Server 2000',
      { family: 'windows-server', version: '2000' },
      'Windows Server 2003',
      '2015-07-14',
    ],
    [
      'Amazon Linux AMI 2011.02',
      { family: 'amazon-linux', version: '2011.02' },
      'Amazon Linux AMI 2011.09',
      '2023-12-31',
    ],
    ['CentOS Linux 5', { family: 'centos', version: '5' }, 'CentOS Linux 6', '2020-11-30'],
    ['Debian 7', { family: 'debian', version: '7' }, 'Debian 8 (jessie)', '2020-06-30'],
    [
      'Ubuntu 12.04 LTS (judged against LTS releases)',
      { family: 'ubuntu', version: '12.04' },
      'Ubuntu 14.04 LTS',
      '2024-04-02',
    ],
    [
      'Ubuntu 21.10 (judged against interim releases)',
      { family: 'ubuntu', version: '21.10' },
      'Ubuntu 23.04',
      '2024-01-20',
    ],
    ['RHEL 8.5', { family: 'rhel', version: '8.5' }, 'Red Hat Enterprise Linux 8.6', '2024-05-31'],
    ['Oracle Linux 5', { family: 'oracle-linux', version: '5' }, 'Oracle Linux 6', '2024-12-31'],
    ['FreeBSD 10.4', { family: 'freebsd', version: '10.4' }, 'FreeBSD 11 (stable/11)', '2021-09-30'],
    [
      'SLES for SAP 15 GA',
      { family: 'sles-sap', version: '15' },
      'SUSE Linux Enterprise Server for SAP Applications 15 SP1',
      '2024-01-31',
    ],
    [
      'a Bottlerocket variant older than every catalogued EKS version',
      { family: 'bottlerocket', version: 'aws-k8s-1.19' },
      'Bottlerocket aws-k8s-1.19 (follows Kubernetes 1.23 on Amazon EKS)',
      '2024-10-11',
    ],
  ])('%s → past its end, inferred from %s (ended %s)', (_label, os, olderThan, endedBy) => {
    // Act
    const verdict = verdictOn(os);

    // Assess
    expect(verdict).toMatchObject({
      kind: 'inferred',
      basis: 'older-release',
      olderThan: { name: olderThan },
      endedBy,
      status: { state: 'past-extended' },
    });
  });

  // Newer than everything catalogued: the catalogue predates it, nothing to report.
  it.each<[string, OsReading, string]>([
    ['Ubuntu 28.04', { family: 'ubuntu', version: '28.04' }, 'newest is Ubuntu 26.04 LTS'],
    ['Ubuntu 26.10 (interim)', { family: 'ubuntu', version: '26.10' }, 'newer than every release'],
    ['Windows Server 2028', { family: 'windows-server', version: '2028' }, 'newest is Windows Server 2025'],
    ['SLES 17', { family: 'sles', version: '17' }, 'newest is SUSE Linux Enterprise Server 16.0'],
    ['Oracle Linux 10 (no published end)', { family: 'oracle-linux', version: '10' }, 'has not published'],
    [
      'Oracle Linux 11 (newer than one with no published end)',
      { family: 'oracle-linux', version: '11' },
      'newest is Oracle Linux 9',
    ],
    [
      'Bottlerocket on Kubernetes 1.40',
      { family: 'bottlerocket', version: 'aws-k8s-1.40' },
      'Kubernetes 1.40 is not in',
    ],
  ])('%s → not catalogued', (_label, os, reason) => {
    expect(verdictOn(os)).toMatchObject({ kind: 'not-catalogued', reason: expect.stringContaining(reason) });
  });

  // What truly cannot be told stays unknown, with its reason.
  it.each<[string, OsReading, Date, string]>([
    ['a family the catalogue does not have', { family: 'fedora', version: '40' }, NOW, 'no family "fedora"'],
    ['a version that is not one', { family: 'ubuntu', version: 'focal' }, NOW, 'cannot place'],
    [
      'a release between catalogued ones whose newer neighbour is still supported',
      { family: 'rhel', version: '9.3' },
      new Date('2025-06-01T00:00:00Z'),
      'Red Hat Enterprise Linux 9.4, is still supported (until 2026-04-30)',
    ],
    [
      'a Bottlerocket variant that is not a Kubernetes one',
      { family: 'bottlerocket', version: 'aws-ecs-2' },
      NOW,
      'publishes no end of support',
    ],
    [
      'a beta whose release the catalogue does not list as out',
      { family: 'rhel', version: '10', release: '10.2', beta: true },
      NOW,
      'pre-release build',
    ],
  ])('%s → unknown, with its reason', (_label, os, now, reason) => {
    expect(verdictOn(os, now)).toMatchObject({ kind: 'unknown', reason: expect.stringContaining(reason) });
  });

  it('infers only once the newer release has ended: CentOS 5 on the last day of CentOS 6 and the day after', () => {
    // Act
    const lastDay = verdictOn({ family: 'centos', version: '5' }, new Date('2020-11-30T12:00:00Z'));
    const dayAfter = verdictOn({ family: 'centos', version: '5' }, new Date('2020-12-01T00:00:00Z'));

    // Assess
    expect(lastDay.kind).toBe('unknown');
    expect(dayAfter).toMatchObject({
      kind: 'inferred',
      status: { state: 'past-extended', daysPastStandard: 1 },
    });
  });

  it('ends a beta image on the day its release came out', () => {
    // Act: RHEL 9.4 was released on 2024-04-30.
    const onRelease = verdictOn(
      { family: 'rhel', version: '9', release: '9.4', beta: true },
      new Date('2024-04-30T00:00:00Z'),
    );
    const after = verdictOn({ family: 'rhel', version: '9', release: '9.4', beta: true });

    // Assess
    expect(onRelease).toMatchObject({
      kind: 'inferred',
      basis: 'pre-release',
      status: { state: 'ending-soon' },
    });
    expect(after).toMatchObject({
      kind: 'inferred',
      basis: 'pre-release',
      olderThan: { version: '9.4' },
      endedBy: '2024-04-30',
      status: { state: 'past-extended' },
    });
  });
});
