/**
 * Lifecycle predicates shared by the end-of-life rules: the severity that follows where a support
 * period stands (`src/lifecycle/status.ts`), and the words and evidence every such finding uses.
 */
import type { Severity } from '../../src/findings/types.ts';
import {
  type OsFamily,
  type OsLifecycle,
  osCatalogue,
  osFamilyNames,
} from '../../src/lifecycle/catalogue.ts';
import type { LifecycleDates, LifecycleStatus, ReportableState } from '../../src/lifecycle/status.ts';

export {
  isReportable,
  type LifecycleDates,
  type LifecycleState,
  type LifecycleStatus,
  lifecycleStatus,
  type ReportableState,
} from '../../src/lifecycle/status.ts';

const severities: Record<ReportableState, Severity> = {
  'past-extended': 'critical',
  'past-standard': 'high',
  'ending-soon': 'low',
};

/** critical with no support left, high on extended support only, low when the end is near. */
export function severityFor(state: ReportableState): Severity {
  return severities[state];
}

function days(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}

/**
 * The clause a finding's message ends with, e.g. `standard support ended on 2024-06-30 (513 days
 * ago) and there is no extended support`. `extendedName` names the paid phase (`ESM`, `extended
 * support`).
 */
export function supportPhrase(
  status: LifecycleStatus & { state: ReportableState },
  dates: LifecycleDates,
  extendedName = 'extended support',
): string {
  const standard = `standard support ended on ${dates.endOfStandard}`;
  switch (status.state) {
    case 'past-extended':
      return dates.endOfExtended === undefined
        ? `support ended on ${dates.endOfStandard} (${days(status.daysPastStandard ?? 0)} ago) and there is no extended support`
        : `${standard} and ${extendedName} on ${dates.endOfExtended} (${days(status.daysPastExtended ?? 0)} ago)`;
    case 'past-standard':
      return `${standard} (${days(status.daysPastStandard ?? 0)} ago); only ${extendedName} remains, until ${dates.endOfExtended}`;
    case 'ending-soon':
      return status.daysUntilStandardEnd === 0
        ? `standard support ends today, ${dates.endOfStandard}`
        : `standard support ends on ${dates.endOfStandard}, in ${days(status.daysUntilStandardEnd ?? 0)}`;
  }
}

/**
 * The evidence fields every end-of-life finding carries: the dates (`endOfExtendedSupport` is null
 * when there is none), and the days past or until the end of standard support, and of extended
 * support when there is one.
 */
export function lifecycleEvidence(status: LifecycleStatus, dates: LifecycleDates): Record<string, unknown> {
  return {
    lifecycleState: status.state,
    endOfStandardSupport: dates.endOfStandard,
    endOfExtendedSupport: dates.endOfExtended ?? null,
    ...(status.daysPastStandard !== undefined ? { daysPastEnd: status.daysPastStandard } : {}),
    ...(status.daysUntilStandardEnd !== undefined ? { daysUntilEnd: status.daysUntilStandardEnd } : {}),
    ...(status.daysPastExtended !== undefined ? { daysPastExtendedEnd: status.daysPastExtended } : {}),
    ...(status.daysUntilExtendedEnd !== undefined
      ? { daysUntilExtendedEnd: status.daysUntilExtendedEnd }
      : {}),
  };
}

/** The OS dates in the shape `lifecycleStatus` takes. */
export function osDates(entry: OsLifecycle): LifecycleDates {
  return entry.endOfExtended === undefined
    ? { endOfStandard: entry.endOfStandard }
    : { endOfStandard: entry.endOfStandard, endOfExtended: entry.endOfExtended };
}

/** What the paid phase of an OS is called in messages, e.g. `ESM`, `extended support (ELS)`. */
export function extendedSupportName(entry: OsLifecycle): string {
  switch (entry.extendedKind) {
    case undefined:
    case 'extended':
      return 'extended support';
    case 'security':
      return 'security-only maintenance support';
    default:
      return `extended support (${entry.extendedKind})`;
  }
}

/** Families whose own line ended: where their users go instead. */
const successorFamilies: Partial<Record<OsFamily, readonly OsFamily[]>> = {
  centos: ['rocky', 'almalinux', 'rhel'],
  'centos-stream': ['centos-stream', 'rocky', 'almalinux', 'rhel'],
};

/**
 * The releases to move to from an OS: for each successor family, its newest catalogued release
 * already out on `now` and still in standard support, other than `from` itself (CentOS Linux 7 →
 * Rocky Linux, AlmaLinux OS or RHEL; Amazon Linux 2 → Amazon Linux 2023; Ubuntu → the newest LTS,
 * never an interim release).
 */
export function upgradeTargets(from: { family: string; version: string }, now: Date): OsLifecycle[] {
  const today = now.toISOString().slice(0, 10);
  const families = successorFamilies[from.family as OsFamily] ?? [from.family];
  return families.flatMap((f) => {
    const candidates = osCatalogue.filter(
      (e) =>
        e.family === f &&
        !(e.family === from.family && e.version === from.version) &&
        e.released <= today &&
        e.endOfStandard > today &&
        (f !== 'ubuntu' || e.name.endsWith('LTS')),
    );
    const newest = candidates.reduce<OsLifecycle | undefined>(
      (best, e) => (best === undefined || e.released > best.released ? e : best),
      undefined,
    );
    return newest ? [newest] : [];
  });
}

/** `Rocky Linux 10, AlmaLinux OS 10 or Red Hat Enterprise Linux 10`; a generic phrase when none. */
export function upgradeAdvice(from: { family: string; version: string }, now: Date): string {
  const names = upgradeTargets(from, now).map((e) => e.name);
  if (names.length === 0) {
    const familyName = osFamilyNames[from.family as OsFamily] ?? from.family;
    return `a supported release of ${familyName} or another supported distribution`;
  }
  if (names.length === 1) return names[0]!;
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}
