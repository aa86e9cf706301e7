/**
 * Lifecycle predicates shared by the end-of-life rules: the severity that follows what support
 * remains (`src/lifecycle/status.ts`, `src/lifecycle/verdict.ts`), and the words and evidence every
 * such finding uses.
 *
 * Severity: critical past every phase of support; high past standard support where security fixes
 * now need a paid extension (ESU, ESM, ELS, LTSS, EUS, EKS extended support): unpatched unless you
 * pay; medium past standard support where fixes still flow for free (Debian LTS, Amazon Linux
 * maintenance support); low when standard support ends within the warning window.
 */
import type { Severity } from '../../src/findings/types.ts';
import {
  type ExtendedPhase,
  type LifecycleCatalogue,
  type OsFamily,
  type OsLifecycle,
  osFamilyNames,
  type SupportAccess,
} from '../../src/lifecycle/catalogue.ts';
import {
  isReportable,
  type LifecycleDates,
  type LifecycleStatus,
  type ReportableState,
} from '../../src/lifecycle/status.ts';
import { lifecycleDates, type OsVerdict } from '../../src/lifecycle/verdict.ts';

/**
 * What support remains: `standard` (still in it, its end near), `free` (past standard, security
 * fixes for free), `paid` (past standard, fixes only with a paid product), `none`.
 */
export type SupportKind = 'standard' | 'free' | 'paid' | 'none';

/** The severity of a reportable state, given who may have the extended phase (`paid` when unsaid). */
export function severityFor(state: ReportableState, extendedAccess?: SupportAccess): Severity {
  switch (state) {
    case 'past-extended':
      return 'critical';
    case 'past-standard':
      return extendedAccess === 'free' ? 'medium' : 'high';
    case 'ending-soon':
      return 'low';
  }
}

export function supportKindOf(state: ReportableState, extendedAccess?: SupportAccess): SupportKind {
  switch (state) {
    case 'past-extended':
      return 'none';
    case 'past-standard':
      return extendedAccess ?? 'paid';
    case 'ending-soon':
      return 'standard';
  }
}

function days(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}

/** How a message names the phase after standard support. */
export interface ExtendedWording {
  /** e.g. `ESM`, `maintenance support`, `EKS extended support`. */
  name: string;
  access: SupportAccess;
  /** For `paid`: what to buy. */
  product?: string;
}

/**
 * The clause a finding's message ends with, e.g. `standard support ended on 2024-06-30 (513 days
 * ago) and there is no extended support`, or `standard support ended on 2025-05-31 (543 days ago);
 * security fixes continue only with Ubuntu Pro (ESM), until 2030-04-02`.
 */
export function supportPhrase(
  status: LifecycleStatus & { state: ReportableState },
  dates: LifecycleDates,
  extended?: ExtendedWording,
): string {
  const standard = `standard support ended on ${dates.endOfStandard}`;
  const name = extended?.name ?? 'extended support';
  switch (status.state) {
    case 'past-extended':
      return dates.endOfExtended === undefined
        ? `support ended on ${dates.endOfStandard} (${days(status.daysPastStandard ?? 0)} ago) and there is no extended support`
        : `${standard} and ${name} on ${dates.endOfExtended} (${days(status.daysPastExtended ?? 0)} ago)`;
    case 'past-standard': {
      const since = `${standard} (${days(status.daysPastStandard ?? 0)} ago)`;
      return extended?.access === 'free'
        ? `${since}; security fixes continue for free (${name}) until ${dates.endOfExtended}`
        : `${since}; security fixes continue only with ${extended?.product ?? name}, until ${dates.endOfExtended}`;
    }
    case 'ending-soon':
      return status.daysUntilStandardEnd === 0
        ? `standard support ends today, ${dates.endOfStandard}`
        : `standard support ends on ${dates.endOfStandard}, in ${days(status.daysUntilStandardEnd ?? 0)}`;
  }
}

/**
 * The evidence fields every end-of-life finding carries: the dates (`endOfExtendedSupport` is null
 * when there is none), the days past or until the end of standard support, and of extended support
 * when there is one; what support remains (`supportKind`) and, when it must be bought, `paidProduct`.
 */
export function lifecycleEvidence(
  status: LifecycleStatus,
  dates: LifecycleDates,
  extended?: { access: SupportAccess; product?: string },
): Record<string, unknown> {
  const kind = isReportable(status) ? supportKindOf(status.state, extended?.access) : 'standard';
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
    supportKind: kind,
    ...(kind === 'paid' && extended?.product ? { paidProduct: extended.product } : {}),
  };
}

/** What the phase after standard support is called in messages, e.g. `ESM`, `maintenance support`. */
export function extendedSupportName(extended: ExtendedPhase): string {
  switch (extended.kind) {
    case 'maintenance':
      return 'maintenance support';
    case 'extended':
      return 'extended support';
    case 'LTS':
      return extended.access === 'free' ? 'LTS' : 'long-term support (LTS)';
    default:
      return extended.kind;
  }
}

function wording(extended: ExtendedPhase | undefined): ExtendedWording | undefined {
  if (!extended) return undefined;
  return {
    name: extendedSupportName(extended),
    access: extended.access,
    ...(extended.product ? { product: extended.product } : {}),
  };
}

/** Families whose own line ended or runs on another's: where their users go instead. */
const successorFamilies: Partial<Record<OsFamily, readonly OsFamily[]>> = {
  centos: ['rocky', 'almalinux', 'rhel'],
  'centos-stream': ['centos-stream', 'rocky', 'almalinux', 'rhel'],
  'windows-server-sac': ['windows-server'],
  'windows-nano-server': ['windows-server'],
};

/**
 * The releases to move to from an OS: for each successor family, its newest catalogued release
 * already out on `now` and still in standard support, other than `from` itself (CentOS Linux 7 →
 * Rocky Linux, AlmaLinux OS or RHEL; Amazon Linux 2 → Amazon Linux 2023; Ubuntu → the newest LTS,
 * never an interim release; never a minor release of a line).
 */
export function upgradeTargets(
  from: { family: string; version: string },
  catalogue: LifecycleCatalogue,
  now: Date,
): OsLifecycle[] {
  const today = now.toISOString().slice(0, 10);
  const families = successorFamilies[from.family as OsFamily] ?? [from.family];
  return families.flatMap((f) => {
    const candidates = catalogue.os.filter(
      (e) =>
        e.family === f &&
        !(e.family === from.family && e.version === from.version) &&
        e.stream === undefined &&
        e.released !== undefined &&
        e.released <= today &&
        e.endOfStandard > today &&
        (f !== 'ubuntu' || e.name.endsWith('LTS')),
    );
    const newest = candidates.reduce<OsLifecycle | undefined>(
      (best, e) => (best === undefined || (e.released ?? '') > (best.released ?? '') ? e : best),
      undefined,
    );
    return newest ? [newest] : [];
  });
}

/** `Rocky Linux 10, AlmaLinux OS 10 or Red Hat Enterprise Linux 10`; a generic phrase when none. */
export function upgradeAdvice(
  from: { family: string; version: string },
  catalogue: LifecycleCatalogue,
  now: Date,
): string {
  const names = upgradeTargets(from, catalogue, now).map((e) => e.name);
  if (names.length === 0) {
    const familyName = osFamilyNames[from.family as OsFamily] ?? from.family;
    return `a supported release of ${familyName} or another supported distribution`;
  }
  if (names.length === 1) return names[0]!;
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** What an OS end-of-life finding says, whichever rule reports it. */
export interface OsFinding {
  severity: Severity;
  /** The OS as the message names it. */
  name: string;
  /** The clause after the name: where support stands. */
  phrase: string;
  /** `Rocky Linux 10, AlmaLinux OS 10 or …`. */
  upgradeTo: string;
  targets: OsLifecycle[];
  /** The lifecycle part of the evidence (the rule adds what it read the OS from). */
  evidence: Record<string, unknown>;
}

/**
 * The finding a verdict on `os` gives, or undefined when there is nothing to report: still well
 * supported, not catalogued (the catalogue predates it), or unknown.
 */
export function osFinding(
  os: { family: string; version: string; name?: string },
  verdict: OsVerdict,
  catalogue: LifecycleCatalogue,
  now: Date,
): OsFinding | undefined {
  if (verdict.kind === 'not-catalogued' || verdict.kind === 'unknown') return undefined;
  if (!isReportable(verdict.status)) return undefined;
  const targets = upgradeTargets(os, catalogue, now);
  const upgradeTo = upgradeAdvice(os, catalogue, now);

  if (verdict.kind === 'catalogued') {
    const { entry, status } = verdict;
    const dates = lifecycleDates(entry);
    return {
      severity: severityFor(status.state, entry.extended?.access),
      name: entry.name,
      phrase: supportPhrase(status, dates, wording(entry.extended)),
      upgradeTo,
      targets,
      evidence: {
        os: { name: entry.name, family: entry.family, version: entry.version },
        verdict: 'catalogued',
        ...(verdict.via ? { judgedAs: verdict.via } : {}),
        ...lifecycleEvidence(status, dates, entry.extended),
        ...(entry.extended ? { extendedSupportKind: entry.extended.kind } : {}),
        lifecycleSource: entry.source,
        ...(entry.confirmed === false
          ? { lifecycleConfirmed: false, ...(entry.note ? { lifecycleNote: entry.note } : {}) }
          : {}),
        upgradeTo: targets.map((t) => t.name),
      },
    };
  }

  const { olderThan, endedBy, name, basis, status } = verdict;
  const phrase =
    basis === 'pre-release'
      ? `a pre-release build, and ${olderThan.name} was released on ${endedBy}: pre-release builds get no ` +
        'fixes once the release is out, so no support is left'
      : `not in the lifecycle catalogue, but older than ${olderThan.name}, which has had no support since ` +
        `${endedBy}, so no support is left for it either`;
  return {
    severity: 'critical',
    name,
    phrase,
    upgradeTo,
    targets,
    evidence: {
      os: { name, family: os.family, version: os.version },
      verdict: 'inferred',
      lifecycleState: status.state,
      endOfStandardSupport: null,
      endOfExtendedSupport: null,
      endedNoLaterThan: endedBy,
      supportKind: 'none',
      inferredFrom: {
        basis,
        name: olderThan.name,
        family: olderThan.family,
        version: olderThan.version,
        lastDayOfSupport: endedBy,
      },
      lifecycleSource: olderThan.source,
      upgradeTo: targets.map((t) => t.name),
    },
  };
}
