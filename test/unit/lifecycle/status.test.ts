import { describe, expect, it } from 'vitest';
import {
  isReportable,
  type LifecycleDates,
  type LifecycleStatus,
  lifecycleStatus,
} from '../../../src/lifecycle/status.ts';

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

describe('isReportable', () => {
  it('reports every state but supported', () => {
    expect(isReportable({ state: 'supported', daysUntilStandardEnd: 400 })).toBe(false);
    expect(isReportable({ state: 'ending-soon', daysUntilStandardEnd: 4 })).toBe(true);
    expect(isReportable({ state: 'past-standard', daysPastStandard: 4 })).toBe(true);
    expect(isReportable({ state: 'past-extended', daysPastStandard: 4 })).toBe(true);
  });
});
