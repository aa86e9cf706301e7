/**
 * The lifecycle verdict on an operating system version: what the catalogue says of it, and, for a
 * version it does not list, what can still be told. A version older than a catalogued release of the
 * same line that is past every phase of support is past its end too ("inferred"); a version newer
 * than everything catalogued is "not catalogued" (the catalogue predates it: nothing to report);
 * "unknown" is kept for what truly cannot be told, with its reason. Rules and the report's timeline
 * share this one function, so they never disagree.
 */
import {
  type EksVersionLifecycle,
  type LifecycleCatalogue,
  type OsLifecycle,
  type OsReleaseWithoutEnd,
  osFamilyNames,
  osReleaseName,
} from './catalogue.ts';
import { type LifecycleDates, type LifecycleStatus, lifecycleStatus } from './status.ts';
import { compareVersionKeys, type VersionKey, versionKey, versionStream } from './versions.ts';

export type OsVerdict =
  | {
      kind: 'catalogued';
      entry: OsLifecycle;
      status: LifecycleStatus;
      /** Why the entry stands for this version when it is not the version's own (RHEL `9.7` → `9`). */
      via?: string;
    }
  | {
      kind: 'inferred';
      /** The version's own name, e.g. `SUSE Linux Enterprise Server 9`. */
      name: string;
      /**
       * `older-release`: older than `olderThan`, which is past every phase of support.
       * `pre-release`: a beta or preview build of `olderThan`, which has since been released.
       */
      basis: 'older-release' | 'pre-release';
      olderThan: OsLifecycle;
      /** The latest day the version can still have had support: `olderThan`'s last, or its release. */
      endedBy: string;
      status: LifecycleStatus;
    }
  | { kind: 'not-catalogued'; name: string; reason: string }
  | { kind: 'unknown'; reason: string };

/** The dates `lifecycleStatus` takes for an entry. */
export function lifecycleDates(entry: OsLifecycle): LifecycleDates {
  return entry.extended
    ? { endOfStandard: entry.endOfStandard, endOfExtended: entry.extended.end }
    : { endOfStandard: entry.endOfStandard };
}

/** The last day of any support for an entry. */
export function lastDayOfSupport(entry: OsLifecycle): string {
  return entry.extended?.end ?? entry.endOfStandard;
}

const bottlerocketKubernetes = /(?:^|-)k8s-(\d+\.\d+)(?:$|-)/;

interface Placed {
  entry: OsLifecycle;
  key: VersionKey;
}

/** What the verdict judges: an OS as detection reads it. */
export interface OsReading {
  family: string;
  version: string;
  /**
   * The exact release running, when `version` is coarser (SSM's RHEL `8.7` of line `8`): judged
   * first, so a minor release left behind is caught. Give it only when it is what runs (SSM), not
   * what an image started from (an AMI name).
   */
  release?: string;
  /** A beta (pre-release) build: supported by nobody once its release is out. */
  beta?: boolean;
}

/**
 * The reading of a detected OS the verdict should judge: the release only when SSM reported it from
 * the running host (an AMI's release is where the instance started, and it may have been updated),
 * or when the image is a beta (a beta is not updated into its release).
 */
export function osReadingOf(os: {
  family: string;
  version: string;
  release?: string;
  beta?: boolean;
  source: string;
}): OsReading {
  return {
    family: os.family,
    version: os.version,
    ...(os.release !== undefined && (os.source === 'ssm' || os.beta) ? { release: os.release } : {}),
    ...(os.beta ? { beta: true } : {}),
  };
}

/**
 * The verdict on `os` (`{ family: 'sles', version: '11-sp4' }`) on `now`'s UTC day, with a warning
 * window of `warningDays` for the end of standard support.
 */
export function osVerdict(
  os: OsReading,
  catalogue: LifecycleCatalogue,
  now: Date,
  warningDays: number,
): OsVerdict {
  const { family } = os;
  if (!Object.hasOwn(osFamilyNames, family)) {
    return { kind: 'unknown', reason: `the lifecycle catalogue has no family "${family}"` };
  }
  const version = os.version.trim().toLowerCase();
  const release = os.release?.trim().toLowerCase();
  if (family === 'bottlerocket') return bottlerocketVerdict(version, catalogue, now, warningDays);
  if (os.beta) return prereleaseVerdict(family, release ?? version, catalogue, now, warningDays);
  if (release && release !== version) {
    const byRelease = judge(family, release, catalogue, now, warningDays);
    if (byRelease.kind === 'catalogued' || byRelease.kind === 'inferred') return byRelease;
  }
  return judge(family, version, catalogue, now, warningDays);
}

function judge(
  family: string,
  version: string,
  catalogue: LifecycleCatalogue,
  now: Date,
  warningDays: number,
): OsVerdict {
  const status = (entry: OsLifecycle) => lifecycleStatus(lifecycleDates(entry), now, warningDays);
  const exact = findEntry(catalogue, family, version);
  if (exact) return { kind: 'catalogued', entry: exact, status: status(exact) };
  const name = osReleaseName(family, version) ?? `${family} ${version}`;

  const withoutEnd = catalogue.osWithoutEnd.find((r) => r.family === family && r.version === version);
  if (withoutEnd) return { kind: 'not-catalogued', name: withoutEnd.name, reason: withoutEnd.note };

  const key = versionKey(family, version);
  if (!key) {
    return {
      kind: 'unknown',
      reason: `${name}: the catalogue cannot place "${version}" among the ${osFamilyNames[family as keyof typeof osFamilyNames]} releases it lists`,
    };
  }

  const line = lineEntry(catalogue, family, version);
  if (line) {
    return {
      kind: 'catalogued',
      entry: line.entry,
      status: status(line.entry),
      via: `${name} is newer than every catalogued minor release of its line, so it is judged as ${line.entry.name}`,
    };
  }

  return inferFromNewer(catalogue, family, version, key, name, now, warningDays);
}

/**
 * A beta build is supported by nobody once its release is out: it ended on the day the release it
 * previews (or, for a minor release the catalogue does not list, the next catalogued minor release
 * of its line) came out.
 */
function prereleaseVerdict(
  family: string,
  version: string,
  catalogue: LifecycleCatalogue,
  now: Date,
  warningDays: number,
): OsVerdict {
  const name = `${osReleaseName(family, version) ?? `${family} ${version}`} (beta)`;
  const today = now.toISOString().slice(0, 10);
  const key = versionKey(family, version);
  const isMinor = key !== undefined && key.length >= 2 && Number.isFinite(key[1]);
  const released = (entry: OsLifecycle) => entry.released !== undefined && entry.released <= today;
  const exact = findEntry(catalogue, family, version);
  const next =
    exact ??
    (isMinor
      ? placedEntries(catalogue, family)
          .filter(
            (p) =>
              p.key[0] === key[0] &&
              Number.isFinite(p.key[1]) &&
              compareVersionKeys(p.key, key) > 0 &&
              released(p.entry),
          )
          .sort((a, b) => compareVersionKeys(a.key, b.key))[0]?.entry
      : undefined);
  if (next?.released && released(next)) {
    return {
      kind: 'inferred',
      name,
      basis: 'pre-release',
      olderThan: next,
      endedBy: next.released,
      status: lifecycleStatus({ endOfStandard: next.released }, now, warningDays),
    };
  }
  return {
    kind: 'unknown',
    reason: `${name} is a pre-release build, which has no support commitment, and the catalogue does not list its release as out`,
  };
}

function findEntry(catalogue: LifecycleCatalogue, family: string, version: string): OsLifecycle | undefined {
  const alias = catalogue.osAliases[`${family}/${version}`];
  const target = alias ?? { family, version };
  return catalogue.os.find((e) => e.family === target.family && e.version === target.version);
}

/**
 * For a minor release (`9.7`) newer than every catalogued minor release of its line: the line's own
 * entry (`9`), which the latest minor release is supported with.
 */
function lineEntry(catalogue: LifecycleCatalogue, family: string, version: string): Placed | undefined {
  const key = versionKey(family, version);
  if (!key || key.length < 2 || !Number.isFinite(key[1])) return undefined;
  const placed = placedEntries(catalogue, family);
  const major = placed.find((p) => p.key[0] === key[0] && p.key[1] === Number.POSITIVE_INFINITY);
  if (!major) return undefined;
  const newerMinor = placed.some(
    (p) => p.key[0] === key[0] && Number.isFinite(p.key[1]) && compareVersionKeys(p.key, key) >= 0,
  );
  return newerMinor ? undefined : major;
}

function placedEntries(catalogue: LifecycleCatalogue, family: string): Placed[] {
  return catalogue.os.flatMap((entry) => {
    if (entry.family !== family) return [];
    const key = versionKey(family, entry.version);
    return key ? [{ entry, key }] : [];
  });
}

function inferFromNewer(
  catalogue: LifecycleCatalogue,
  family: string,
  version: string,
  key: VersionKey,
  name: string,
  now: Date,
  warningDays: number,
): OsVerdict {
  const stream = versionStream(family, version);
  const newer = (candidateVersion: string) => {
    const candidate = versionKey(family, candidateVersion);
    return (
      candidate !== undefined &&
      compareVersionKeys(candidate, key) > 0 &&
      versionStream(family, candidateVersion) === stream
    );
  };
  type Bound = { entry: OsLifecycle; key: VersionKey } | { withoutEnd: OsReleaseWithoutEnd; key: VersionKey };
  const bounds: Bound[] = [
    ...placedEntries(catalogue, family).filter((p) => newer(p.entry.version)),
    ...catalogue.osWithoutEnd
      .filter((r) => r.family === family && newer(r.version))
      .map((r) => ({ withoutEnd: r, key: versionKey(family, r.version)! })),
  ];
  const nearest = bounds.reduce<Bound | undefined>(
    (best, b) => (best === undefined || compareVersionKeys(b.key, best.key) < 0 ? b : best),
    undefined,
  );

  if (!nearest || 'withoutEnd' in nearest) {
    const newest = placedEntries(catalogue, family).reduce<Placed | undefined>(
      (best, p) => (best === undefined || compareVersionKeys(p.key, best.key) > 0 ? p : best),
      undefined,
    );
    return {
      kind: 'not-catalogued',
      name,
      reason: newest
        ? `${name} is newer than every release in the lifecycle catalogue of ${catalogue.date} (the newest is ${newest.entry.name})`
        : `the lifecycle catalogue of ${catalogue.date} lists no release of this family`,
    };
  }

  const { entry } = nearest;
  const endedBy = lastDayOfSupport(entry);
  const bound = lifecycleStatus(lifecycleDates(entry), now, warningDays);
  if (bound.state === 'past-extended') {
    return {
      kind: 'inferred',
      name,
      basis: 'older-release',
      olderThan: entry,
      endedBy,
      status: lifecycleStatus({ endOfStandard: endedBy }, now, warningDays),
    };
  }
  return {
    kind: 'unknown',
    reason:
      `${name} is not in the lifecycle catalogue and the nearest newer release it lists, ${entry.name}, ` +
      `is still supported (until ${endedBy}), so when ${name} ended cannot be told`,
  };
}

/**
 * Bottlerocket has no end date of its own: a Kubernetes variant (`aws-k8s-1.29`) is supported as long
 * as Amazon EKS supports the Kubernetes version it targets, paid extended support included.
 */
function bottlerocketVerdict(
  variant: string,
  catalogue: LifecycleCatalogue,
  now: Date,
  warningDays: number,
): OsVerdict {
  const name = `Bottlerocket ${variant}`;
  const kubernetes = bottlerocketKubernetes.exec(variant)?.[1];
  if (!kubernetes) {
    return {
      kind: 'unknown',
      reason: `${name} is not a Kubernetes variant, and Bottlerocket publishes no end of support for its other variants`,
    };
  }
  const asEntry = (eks: EksVersionLifecycle): OsLifecycle => ({
    family: 'bottlerocket',
    version: variant,
    name: `${name} (follows Kubernetes ${eks.version} on Amazon EKS)`,
    released: eks.released,
    endOfStandard: eks.endOfStandard,
    extended: {
      end: eks.endOfExtended,
      kind: 'extended',
      access: 'paid',
      product: 'Amazon EKS extended support (billed per cluster hour)',
    },
    source: eks.source,
    ...(eks.confirmed === false ? { confirmed: false as const, note: eks.note ?? '' } : {}),
  });
  const via = `Bottlerocket has no end date of its own: its Kubernetes variants are judged by the EKS version they target (${kubernetes})`;
  const eks = catalogue.eksVersions.find((e) => e.version === kubernetes);
  if (eks) {
    const entry = asEntry(eks);
    return {
      kind: 'catalogued',
      entry,
      status: lifecycleStatus(lifecycleDates(entry), now, warningDays),
      via,
    };
  }

  const key = versionKey('eks', kubernetes)!;
  const ordered = catalogue.eksVersions
    .map((e) => ({ eks: e, key: versionKey('eks', e.version)! }))
    .sort((a, b) => compareVersionKeys(a.key, b.key));
  const oldest = ordered[0];
  if (oldest && compareVersionKeys(key, oldest.key) < 0) {
    const entry = asEntry(oldest.eks);
    const status = lifecycleStatus(lifecycleDates(entry), now, warningDays);
    if (status.state === 'past-extended') {
      return {
        kind: 'inferred',
        name,
        basis: 'older-release',
        olderThan: entry,
        endedBy: entry.extended!.end,
        status: lifecycleStatus({ endOfStandard: entry.extended!.end }, now, warningDays),
      };
    }
  }
  return {
    kind: 'not-catalogued',
    name,
    reason: `Kubernetes ${kubernetes} is not in the lifecycle catalogue of ${catalogue.date}, so ${name} cannot be judged by it`,
  };
}
