/**
 * Where a support period stands on a given day. Dates are the catalogue's `YYYY-MM-DD`, the last day
 * of support: on the end date itself a version is still supported (0 days left), and it is past its
 * end from the next day on. Days are counted in UTC calendar days, so the time of day of `now` never
 * changes the answer. Rules, the report's timeline and the catalogue share this one arithmetic.
 */

export interface LifecycleDates {
  /** The last day of the vendor's free or standard support. */
  endOfStandard: string;
  /** The last day of paid or long-term support, where there is one. */
  endOfExtended?: string;
}

/**
 * - `past-extended`: no support of any kind is left: past the end of extended support, or past the
 *   end of standard support when there is no extended support at all.
 * - `past-standard`: standard support ended, extended (paid, long-term) support still runs.
 * - `ending-soon`: standard support ends within the warning window (the end date itself included).
 * - `supported`: nothing to report.
 */
export type LifecycleState = 'past-extended' | 'past-standard' | 'ending-soon' | 'supported';

/** The states worth a finding. */
export type ReportableState = Exclude<LifecycleState, 'supported'>;

export interface LifecycleStatus {
  state: LifecycleState;
  /** Days since the end of standard support (1 on the day after it), when it has passed. */
  daysPastStandard?: number;
  /** Days left of standard support (0 on its last day), when it has not passed. */
  daysUntilStandardEnd?: number;
  /** Days since the end of extended support, when there is one and it has passed. */
  daysPastExtended?: number;
  /** Days left of extended support, when there is one and it has not passed. */
  daysUntilExtendedEnd?: number;
}

const dayMs = 86_400_000;

/** The UTC day number of a `YYYY-MM-DD` date (or an ISO timestamp, whose UTC day counts). */
function dayNumber(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  const day = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (Number.isNaN(day)) throw new RangeError(`not a YYYY-MM-DD date: "${date}"`);
  return day / dayMs;
}

/** Where the support periods stand on `now`'s UTC day, with a warning window of `warningDays`. */
export function lifecycleStatus(dates: LifecycleDates, now: Date, warningDays: number): LifecycleStatus {
  const today = Math.floor(now.getTime() / dayMs);
  const standardEnd = dayNumber(dates.endOfStandard);
  const extendedEnd = dates.endOfExtended === undefined ? undefined : dayNumber(dates.endOfExtended);
  const extended =
    extendedEnd === undefined
      ? {}
      : today > extendedEnd
        ? { daysPastExtended: today - extendedEnd }
        : { daysUntilExtendedEnd: extendedEnd - today };

  if (today > standardEnd) {
    const daysPastStandard = today - standardEnd;
    const nothingLeft = extendedEnd === undefined || today > extendedEnd;
    return { state: nothingLeft ? 'past-extended' : 'past-standard', daysPastStandard, ...extended };
  }
  const daysUntilStandardEnd = standardEnd - today;
  return {
    state: daysUntilStandardEnd <= warningDays ? 'ending-soon' : 'supported',
    daysUntilStandardEnd,
    ...extended,
  };
}

export function isReportable(
  status: LifecycleStatus,
): status is LifecycleStatus & { state: ReportableState } {
  return status.state !== 'supported';
}
