/**
 * How the versions of one OS family order, so that a version the catalogue does not list can be
 * placed between the ones it does. Each family's keys become tuples compared element by element:
 * SLES `12-sp3` < `12-sp4` < `15`; Amazon Linux `2017.09` < `2018.03` < `2` < `2022` < `2023`;
 * Windows Server `2003` < `2003-r2` < `2008` < `2008-r2` < `2012`; RHEL `8.6` < `8.10` < `8` < `9.0`
 * (a major key stands for its whole line, so it sorts after the line's minor releases).
 */

/** A sort key, or undefined when the key is not one of the family's forms (it cannot be placed). */
export type VersionKey = readonly number[];

const dotted = /^\d+(?:\.\d+)*$/;

/** `8` → [8, ∞]: the line outlives each of its minor releases. `8.6` → [8, 6]. */
function numeric(version: string): VersionKey | undefined {
  if (!dotted.test(version)) return undefined;
  const parts = version.split('.').map(Number);
  return parts.length === 1 ? [parts[0]!, Number.POSITIVE_INFINITY] : parts;
}

function amazonLinux(version: string): VersionKey | undefined {
  const dated = /^(\d{4})\.(\d{2})$/.exec(version);
  if (dated) return [1, Number(dated[1]), Number(dated[2])];
  if (version === '2') return [2];
  if (/^20\d{2}$/.test(version)) return [3, Number(version)];
  return undefined;
}

/** `12-sp3` → [12, 3]; `15` → [15, 0]; SLES 16 numbers minor releases instead: `16.1` → [16, 1]. */
function sles(version: string): VersionKey | undefined {
  const match = /^(\d+)(?:-sp(\d+)|\.(\d+))?$/.exec(version);
  return match ? [Number(match[1]), Number(match[2] ?? match[3] ?? 0)] : undefined;
}

function windowsLtsc(version: string): VersionKey | undefined {
  const match = /^(\d{4})(-r2)?$/.exec(version);
  return match ? [Number(match[1]), match[2] ? 1 : 0] : undefined;
}

/** `1709` → 1709; `20h2` → 2010, `23h2` → 2310 (after `2004`, the release it follows). */
function windowsSac(version: string): VersionKey | undefined {
  if (/^\d{4}$/.test(version)) return [Number(version)];
  const half = /^(\d{2})h([12])$/.exec(version);
  return half ? [Number(half[1]) * 100 + (half[2] === '1' ? 5 : 10)] : undefined;
}

function ubuntu(version: string): VersionKey | undefined {
  const match = /^(\d{2})\.(\d{2})$/.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

const keyers: Record<string, (version: string) => VersionKey | undefined> = {
  'amazon-linux': amazonLinux,
  sles,
  'sles-sap': sles,
  'windows-server': windowsLtsc,
  'windows-nano-server': windowsLtsc,
  'windows-server-sac': windowsSac,
  ubuntu,
};

/** The sort key of a family's version key; undefined when it has no order (e.g. Bottlerocket). */
export function versionKey(family: string, version: string): VersionKey | undefined {
  if (family === 'bottlerocket') return undefined;
  return (keyers[family] ?? numeric)(version.toLowerCase());
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareVersionKeys(a: VersionKey, b: VersionKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Lines within a family that do not outlive each other in version order, so an inference must stay
 * within one: an Ubuntu LTS release (even year, `.04`) outlives the interim releases after it.
 */
export function versionStream(family: string, version: string): string {
  if (family === 'ubuntu') {
    const key = ubuntu(version);
    return key && key[1] === 4 && key[0]! % 2 === 0 ? 'lts' : 'interim';
  }
  return '';
}
