import { describe, expect, it } from 'vitest';
import {
  type ExtendedWording,
  extendedSupportName,
  lifecycleEvidence,
  osFinding,
  severityFor,
  supportKindOf,
  supportPhrase,
  upgradeAdvice,
  upgradeTargets,
} from '../../../../rules/lib/lifecycle.ts';
import { lifecycleCatalogue, osLifecycle, type SupportAccess } from '../../../../src/lifecycle/catalogue.ts';
import {
  isReportable,
  type LifecycleDates,
  lifecycleStatus,
  type ReportableState,
} from '../../../../src/lifecycle/status.ts';
import { osVerdict } from '../../../../src/lifecycle/verdict.ts';

const at = (iso: string) => new Date(iso);
const WARNING_DAYS = 90;

/** Standard support to 2026-06-30, no extended support (Amazon Linux 2's dates). */
const standardOnly: LifecycleDates = { endOfStandard: '2026-06-30' };
/** Standard support to 2025-05-31, extended to 2030-04-02 (Ubuntu 20.04's dates). */
const withExtended: LifecycleDates = { endOfStandard: '2025-05-31', endOfExtended: '2030-04-02' };
const esm: ExtendedWording = { name: 'ESM', access: 'paid', product: 'Ubuntu Pro (ESM)' };
const lts: ExtendedWording = { name: 'LTS', access: 'free' };

describe('severityFor', () => {
  it.each<[ReportableState, SupportAccess | undefined, string]>([
    ['past-extended', undefined, 'critical'],
    ['past-extended', 'free', 'critical'],
    ['past-standard', 'paid', 'high'],
    ['past-standard', 'free', 'medium'],
    ['past-standard', undefined, 'high'],
    ['ending-soon', 'free', 'low'],
    ['ending-soon', 'paid', 'low'],
  ])('%s with %s extended support → %s', (state, access, severity) => {
    expect(severityFor(state, access)).toBe(severity);
  });

  it.each<[ReportableState, SupportAccess | undefined, string]>([
    ['past-extended', 'paid', 'none'],
    ['past-standard', 'paid', 'paid'],
    ['past-standard', 'free', 'free'],
    ['ending-soon', undefined, 'standard'],
  ])('says %s with %s extended support leaves %s support', (state, access, kind) => {
    expect(supportKindOf(state, access)).toBe(kind);
  });
});

describe('supportPhrase', () => {
  const phrase = (dates: LifecycleDates, now: string, extended?: ExtendedWording) => {
    const status = lifecycleStatus(dates, at(now), WARNING_DAYS);
    if (!isReportable(status)) throw new Error('expected a reportable status');
    return supportPhrase(status, dates, extended);
  };

  it.each<[string, LifecycleDates, string, ExtendedWording | undefined, string]>([
    [
      'no support left, none extended',
      standardOnly,
      '2026-07-02T00:00:00Z',
      undefined,
      'support ended on 2026-06-30 (2 days ago) and there is no extended support',
    ],
    [
      'no support left, extended ended too',
      withExtended,
      '2030-04-03T00:00:00Z',
      esm,
      'standard support ended on 2025-05-31 and ESM on 2030-04-02 (1 day ago)',
    ],
    [
      'paid extended support running: names the product to buy',
      withExtended,
      '2026-11-25T00:00:00Z',
      esm,
      'standard support ended on 2025-05-31 (543 days ago); security fixes continue only with Ubuntu Pro (ESM), until 2030-04-02',
    ],
    [
      'free extended support running',
      withExtended,
      '2026-11-25T00:00:00Z',
      lts,
      'standard support ended on 2025-05-31 (543 days ago); security fixes continue for free (LTS) until 2030-04-02',
    ],
    [
      'ending soon',
      standardOnly,
      '2026-06-20T00:00:00Z',
      undefined,
      'standard support ends on 2026-06-30, in 10 days',
    ],
    [
      'ending today',
      standardOnly,
      '2026-06-30T00:00:00Z',
      undefined,
      'standard support ends today, 2026-06-30',
    ],
  ])('%s', (_label, dates, now, extended, expected) => {
    expect(phrase(dates, now, extended)).toBe(expected);
  });
});

describe('lifecycleEvidence', () => {
  it('gives the dates, null for a missing extended end, the days past or until each end, and what support remains', () => {
    // Act
    const past = lifecycleEvidence(
      lifecycleStatus(standardOnly, at('2026-07-11T00:00:00Z'), 90),
      standardOnly,
    );
    const paid = lifecycleEvidence(
      lifecycleStatus(withExtended, at('2026-11-25T00:00:00Z'), 90),
      withExtended,
      esm,
    );
    const free = lifecycleEvidence(
      lifecycleStatus(withExtended, at('2026-11-25T00:00:00Z'), 90),
      withExtended,
      lts,
    );
    const soon = lifecycleEvidence(
      lifecycleStatus(standardOnly, at('2026-06-01T00:00:00Z'), 90),
      standardOnly,
    );

    // Assess
    expect(past).toEqual({
      lifecycleState: 'past-extended',
      endOfStandardSupport: '2026-06-30',
      endOfExtendedSupport: null,
      daysPastEnd: 11,
      supportKind: 'none',
    });
    expect(paid).toEqual({
      lifecycleState: 'past-standard',
      endOfStandardSupport: '2025-05-31',
      endOfExtendedSupport: '2030-04-02',
      daysPastEnd: 543,
      daysUntilExtendedEnd: 1224,
      supportKind: 'paid',
      paidProduct: 'Ubuntu Pro (ESM)',
    });
    expect(free).toMatchObject({ supportKind: 'free' });
    expect(free).not.toHaveProperty('paidProduct');
    expect(soon).toEqual({
      lifecycleState: 'ending-soon',
      endOfStandardSupport: '2026-06-30',
      endOfExtendedSupport: null,
      daysUntilEnd: 29,
      supportKind: 'standard',
    });
  });
});

describe('extendedSupportName', () => {
  it.each([
    ['ubuntu', '20.04', 'ESM'],
    ['rhel', '7', 'ELS'],
    ['oracle-linux', '7', 'extended support'],
    ['amazon-linux', '2018.03', 'maintenance support'],
    ['debian', '12', 'LTS'],
    ['windows-server', '2012-r2', 'ESU'],
  ])('names the phase after standard support of %s %s "%s"', (family, version, expected) => {
    expect(extendedSupportName(osLifecycle(family, version)!.extended!)).toBe(expected);
  });
});

/**
 * Every boundary of a free phase (Debian 12: standard to 2026-07-11, free LTS to 2028-06-30), a paid
 * phase (Ubuntu 20.04: standard to 2025-05-31, paid ESM to 2030-04-02) and no extended phase (CentOS
 * Linux 7: to 2024-06-30): the day before, the day of and the day after each end.
 */
describe('OS findings across each boundary', () => {
  const severityOn = (family: string, version: string, day: string) => {
    const now = at(`${day}T12:00:00Z`);
    const verdict = osVerdict({ family, version }, lifecycleCatalogue, now, WARNING_DAYS);
    const found = osFinding({ family, version }, verdict, lifecycleCatalogue, now);
    return found ? [found.severity, found.evidence.supportKind] : undefined;
  };

  it.each<[string, string, string, [string, string] | undefined]>([
    ['debian', '12', '2026-04-11', undefined],
    ['debian', '12', '2026-04-12', ['low', 'standard']],
    ['debian', '12', '2026-07-10', ['low', 'standard']],
    ['debian', '12', '2026-07-11', ['low', 'standard']],
    ['debian', '12', '2026-07-12', ['medium', 'free']],
    ['debian', '12', '2028-06-29', ['medium', 'free']],
    ['debian', '12', '2028-06-30', ['medium', 'free']],
    ['debian', '12', '2028-07-01', ['critical', 'none']],
    ['amazon-linux', '2023', '2027-06-30', ['low', 'standard']],
    ['amazon-linux', '2023', '2027-07-01', ['medium', 'free']],
    ['amazon-linux', '2023', '2029-06-30', ['medium', 'free']],
    ['amazon-linux', '2023', '2029-07-01', ['critical', 'none']],
    ['ubuntu', '20.04', '2025-05-30', ['low', 'standard']],
    ['ubuntu', '20.04', '2025-05-31', ['low', 'standard']],
    ['ubuntu', '20.04', '2025-06-01', ['high', 'paid']],
    ['ubuntu', '20.04', '2030-04-01', ['high', 'paid']],
    ['ubuntu', '20.04', '2030-04-02', ['high', 'paid']],
    ['ubuntu', '20.04', '2030-04-03', ['critical', 'none']],
    ['windows-server', '2012-r2', '2023-10-11', ['high', 'paid']],
    ['windows-server', '2012-r2', '2026-10-13', ['high', 'paid']],
    ['windows-server', '2012-r2', '2026-10-14', ['critical', 'none']],
    ['centos', '7', '2024-06-29', ['low', 'standard']],
    ['centos', '7', '2024-06-30', ['low', 'standard']],
    ['centos', '7', '2024-07-01', ['critical', 'none']],
  ])('%s %s on %s → %j', (family, version, day, expected) => {
    expect(severityOn(family, version, day)).toEqual(expected);
  });
});

describe('osFinding', () => {
  const now = at('2026-11-25T00:00:00Z');
  const find = (os: { family: string; version: string; release?: string }) =>
    osFinding(os, osVerdict(os, lifecycleCatalogue, now, WARNING_DAYS), lifecycleCatalogue, now);

  it('names the inference for a version older than an ended release', () => {
    // Act
    const found = find({ family: 'windows-server', version: '2000' });

    // Assess
    expect(found).toMatchObject({
      severity: 'critical',
      name: 'Windows Server 2000',
      phrase:
        'not in the lifecycle catalogue, but older than Windows Server 2003, which has had no support since ' +
        '2015-07-14, so no support is left for it either',
      evidence: {
        verdict: 'inferred',
        endOfStandardSupport: null,
        endedNoLaterThan: '2015-07-14',
        supportKind: 'none',
        inferredFrom: { basis: 'older-release', name: 'Windows Server 2003', family: 'windows-server' },
      },
    });
  });

  it('says when a catalogued date is unconfirmed', () => {
    // Act: RHEL 9.6's dates were not re-checked against Red Hat's tables.
    const rhel96 = find({ family: 'rhel', version: '9.6' });

    // Assess
    expect(rhel96?.evidence).toMatchObject({
      lifecycleConfirmed: false,
      lifecycleNote: expect.stringContaining('EUS'),
      paidProduct: expect.stringContaining('Extended Update Support'),
    });
  });

  it('says which line stands for a minor release newer than the catalogued ones', () => {
    // FreeBSD 13.6 is not catalogued; stable/13, which it would belong to, ended on 2026-04-30.
    expect(find({ family: 'freebsd', version: '13.6' })).toMatchObject({
      severity: 'critical',
      evidence: {
        os: { name: 'FreeBSD 13 (stable/13)' },
        judgedAs: expect.stringContaining('judged as FreeBSD 13 (stable/13)'),
      },
    });
  });

  it.each([
    ['a version newer than the catalogue', { family: 'ubuntu', version: '28.04' }],
    ['an unknown family', { family: 'fedora', version: '40' }],
    ['a release with no published end', { family: 'oracle-linux', version: '10' }],
    ['a supported release', { family: 'ubuntu', version: '24.04' }],
  ])('reports nothing for %s', (_label, os) => {
    expect(find(os)).toBeUndefined();
  });
});

describe('upgradeTargets and upgradeAdvice', () => {
  const now = at('2026-11-25T00:00:00Z');

  it.each([
    ['centos', '7', 'Rocky Linux 10, AlmaLinux OS 10 or Red Hat Enterprise Linux 10'],
    [
      'centos-stream',
      '8',
      'CentOS Stream 10, Rocky Linux 10, AlmaLinux OS 10 or Red Hat Enterprise Linux 10',
    ],
    ['amazon-linux', '2', 'Amazon Linux 2023'],
    ['amazon-linux', '2017.09', 'Amazon Linux 2023'],
    ['ubuntu', '20.04', 'Ubuntu 26.04 LTS'],
    ['windows-server', '2012-r2', 'Windows Server 2025'],
    ['windows-nano-server', '2016', 'Windows Server 2025'],
    ['windows-server-sac', '1809', 'Windows Server 2025'],
    ['sles', '15-sp4', 'SUSE Linux Enterprise Server 16.0'],
    ['rhel', '8.6', 'Red Hat Enterprise Linux 10'],
    ['debian', '11', 'Debian 13 (trixie)'],
    ['oracle-linux', '7', 'Oracle Linux 9'],
  ])('%s %s → %s', (family, version, expected) => {
    expect(upgradeAdvice({ family, version }, lifecycleCatalogue, now)).toBe(expected);
  });

  it('only proposes releases already out on the day: before Ubuntu 26.04 the newest LTS is 24.04', () => {
    expect(
      upgradeTargets({ family: 'ubuntu', version: '20.04' }, lifecycleCatalogue, at('2026-01-01T00:00:00Z')),
    ).toMatchObject([{ name: 'Ubuntu 24.04 LTS' }]);
  });

  it('never proposes the release itself, and falls back to a generic phrase when nothing newer exists', () => {
    // Act
    const targets = upgradeTargets({ family: 'amazon-linux', version: '2023' }, lifecycleCatalogue, now);

    // Assess
    expect(targets).toEqual([]);
    expect(upgradeAdvice({ family: 'amazon-linux', version: '2023' }, lifecycleCatalogue, now)).toBe(
      'a supported release of Amazon Linux or another supported distribution',
    );
  });
});
