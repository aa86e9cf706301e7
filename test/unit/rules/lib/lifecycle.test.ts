import { describe, expect, it } from 'vitest';
import {
  extendedSupportName,
  isReportable,
  type LifecycleDates,
  type LifecycleStatus,
  lifecycleEvidence,
  lifecycleStatus,
  osDates,
  type ReportableState,
  severityFor,
  supportPhrase,
  upgradeAdvice,
  upgradeTargets,
} from '../../../../rules/lib/lifecycle.ts';
import { osLifecycle } from '../../../../src/lifecycle/catalogue.ts';

const at = (iso: string) => new Date(iso);
const WARNING_DAYS = 90;

/** Standard support to 2026-06-30, no extended support (Amazon Linux 2's dates). */
const standardOnly: LifecycleDates = { endOfStandard: '2026-06-30' };
/** Standard support to 2025-05-31, extended to 2030-04-02 (Ubuntu 20.04's dates). */
const withExtended: LifecycleDates = { endOfStandard: '2025-05-31', endOfExtended: '2030-04-02' };

describe('lifecycleStatus', () => {
  it.each<[string, LifecycleDates, string, LifecycleStatus]>([
    [
      'far from the end',
      standardOnly,
      '2026-01-01T12:00:00Z',
      { state: 'supported', daysUntilStandardEnd: 180 },
    ],
    [
      'one day before the warning window',
      standardOnly,
      '2026-03-31T00:00:00Z',
      { state: 'supported', daysUntilStandardEnd: 91 },
    ],
    [
      'exactly warningDays before the end',
      standardOnly,
      '2026-04-01T00:00:00Z',
      { state: 'ending-soon', daysUntilStandardEnd: 90 },
    ],
    [
      'the end date itself (its last second)',
      standardOnly,
      '2026-06-30T23:59:59Z',
      { state: 'ending-soon', daysUntilStandardEnd: 0 },
    ],
    [
      'one day after the end, with no extended support: nothing left',
      standardOnly,
      '2026-07-01T00:00:00Z',
      { state: 'past-extended', daysPastStandard: 1 },
    ],
    [
      'one day after the end of standard support, extended support running',
      withExtended,
      '2025-06-01T00:00:00Z',
      { state: 'past-standard', daysPastStandard: 1, daysUntilExtendedEnd: 1766 },
    ],
    [
      'the end of extended support itself',
      withExtended,
      '2030-04-02T08:00:00Z',
      { state: 'past-standard', daysPastStandard: 1767, daysUntilExtendedEnd: 0 },
    ],
    [
      'one day after the end of extended support',
      withExtended,
      '2030-04-03T00:00:00Z',
      { state: 'past-extended', daysPastStandard: 1768, daysPastExtended: 1 },
    ],
    [
      'standard support ending soon, extended support after it',
      { endOfStandard: '2027-01-12', endOfExtended: '2030-01-12' },
      '2026-11-25T00:00:00Z',
      { state: 'ending-soon', daysUntilStandardEnd: 48, daysUntilExtendedEnd: 1144 },
    ],
  ])('%s', (_label, dates, now, expected) => {
    expect(lifecycleStatus(dates, at(now), WARNING_DAYS)).toEqual(expected);
  });

  it('counts UTC calendar days, so the time of day does not change the answer', () => {
    // Act
    const early = lifecycleStatus(standardOnly, at('2026-04-01T00:00:00Z'), WARNING_DAYS);
    const late = lifecycleStatus(standardOnly, at('2026-04-01T23:59:59.999Z'), WARNING_DAYS);

    // Assess
    expect(late).toEqual(early);
  });

  it('with a warning window of 0 days warns only on the last day', () => {
    expect(lifecycleStatus(standardOnly, at('2026-06-29T00:00:00Z'), 0).state).toBe('supported');
    expect(lifecycleStatus(standardOnly, at('2026-06-30T00:00:00Z'), 0).state).toBe('ending-soon');
  });

  it('rejects a date that is not YYYY-MM-DD rather than judging it', () => {
    expect(() => lifecycleStatus({ endOfStandard: 'June 2026' }, at('2026-01-01T00:00:00Z'), 90)).toThrow(
      RangeError,
    );
  });
});

describe('severityFor and isReportable', () => {
  it.each<[ReportableState, string]>([
    ['past-extended', 'critical'],
    ['past-standard', 'high'],
    ['ending-soon', 'low'],
  ])('%s → %s', (state, severity) => {
    expect(severityFor(state)).toBe(severity);
  });

  it('reports every state but supported', () => {
    expect(isReportable({ state: 'supported', daysUntilStandardEnd: 400 })).toBe(false);
    expect(isReportable({ state: 'ending-soon', daysUntilStandardEnd: 4 })).toBe(true);
  });
});

describe('supportPhrase', () => {
  const phrase = (dates: LifecycleDates, now: string, name?: string) => {
    const status = lifecycleStatus(dates, at(now), WARNING_DAYS);
    if (!isReportable(status)) throw new Error('expected a reportable status');
    return supportPhrase(status, dates, name);
  };

  it.each<[string, LifecycleDates, string, string | undefined, string]>([
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
      'ESM',
      'standard support ended on 2025-05-31 and ESM on 2030-04-02 (1 day ago)',
    ],
    [
      'extended support running',
      withExtended,
      '2026-11-25T00:00:00Z',
      'ESM',
      'standard support ended on 2025-05-31 (543 days ago); only ESM remains, until 2030-04-02',
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
  ])('%s', (_label, dates, now, name, expected) => {
    expect(phrase(dates, now, name)).toBe(expected);
  });
});

describe('lifecycleEvidence', () => {
  it('gives the dates, null for a missing extended end, and the days past or until each end', () => {
    // Act
    const past = lifecycleEvidence(
      lifecycleStatus(standardOnly, at('2026-07-11T00:00:00Z'), 90),
      standardOnly,
    );
    const extended = lifecycleEvidence(
      lifecycleStatus(withExtended, at('2026-11-25T00:00:00Z'), 90),
      withExtended,
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
    });
    expect(extended).toEqual({
      lifecycleState: 'past-standard',
      endOfStandardSupport: '2025-05-31',
      endOfExtendedSupport: '2030-04-02',
      daysPastEnd: 543,
      daysUntilExtendedEnd: 1224,
    });
    expect(soon).toEqual({
      lifecycleState: 'ending-soon',
      endOfStandardSupport: '2026-06-30',
      endOfExtendedSupport: null,
      daysUntilEnd: 29,
    });
  });
});

describe('catalogue helpers', () => {
  it('turns a catalogue entry into dates, with the extended end only where there is one', () => {
    expect(osDates(osLifecycle('centos', '7')!)).toEqual({ endOfStandard: '2024-06-30' });
    expect(osDates(osLifecycle('ubuntu', '20.04')!)).toEqual({
      endOfStandard: '2025-05-31',
      endOfExtended: '2030-04-02',
    });
  });

  it.each([
    ['ubuntu', '20.04', 'extended support (ESM)'],
    ['rhel', '7', 'extended support (ELS)'],
    ['oracle-linux', '7', 'extended support'],
    ['amazon-linux', '2018.03', 'security-only maintenance support'],
    ['centos', '7', 'extended support'],
  ])('names the paid phase of %s %s "%s"', (family, version, expected) => {
    expect(extendedSupportName(osLifecycle(family, version)!)).toBe(expected);
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
    ['ubuntu', '20.04', 'Ubuntu 26.04 LTS'],
    ['windows-server', '2012-r2', 'Windows Server 2025'],
    ['sles', '15-sp4', 'SUSE Linux Enterprise Server 15 SP7'],
    ['debian', '11', 'Debian 13 (trixie)'],
    ['oracle-linux', '7', 'Oracle Linux 9'],
  ])('%s %s → %s', (family, version, expected) => {
    expect(upgradeAdvice({ family, version }, now)).toBe(expected);
  });

  it('only proposes releases already out on the day: before Ubuntu 26.04 the newest LTS is 24.04', () => {
    expect(upgradeTargets({ family: 'ubuntu', version: '20.04' }, at('2026-01-01T00:00:00Z'))).toMatchObject([
      { name: 'Ubuntu 24.04 LTS' },
    ]);
  });

  it('never proposes the release itself, and falls back to a generic phrase when nothing newer exists', () => {
    // Act
    const targets = upgradeTargets({ family: 'amazon-linux', version: '2023' }, now);

    // Assess
    expect(targets).toEqual([]);
    expect(upgradeAdvice({ family: 'amazon-linux', version: '2023' }, now)).toBe(
      'a supported release of Amazon Linux or another supported distribution',
    );
  });
});
