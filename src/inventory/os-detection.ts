/**
 * Telling an operating system from what AWS reports about an instance: the AMI's name and
 * description, the billing platform details, and the SSM agent's platform fields.
 *
 * Every answer is a family and a version in the lifecycle catalogue's key format (`family` +
 * `version`), or an explicit "unknown" with the reason and, where the family alone is known, a hint.
 * A version the catalogue does not list is still an answer: whether it is supported is for the
 * lifecycle verdict to say (an old release may be missing from the catalogue, yet older than one
 * that ended). Nothing is guessed: a name that does not follow a known pattern is unknown, however
 * likely its OS looks.
 */
import { type OsFamily, osFamilyNames, osReleaseName } from '../lifecycle/catalogue.ts';
import type { DetectedOs, Image } from './types.ts';

type Unknown = Extract<DetectedOs, { known: false }>;

/** What a text says: a family, and a catalogue-style version key when it names one. */
interface Reading {
  family: OsFamily;
  version?: string;
  /** The exact release when the version key is coarser (RHEL `8.6` of `8`, Bottlerocket `1.20.0`). */
  release?: string;
  /** The Kubernetes version of a Kubernetes variant (Bottlerocket `aws-k8s-1.29`). */
  kubernetesVersion?: string;
}

type Reader = (text: string) => Reading | undefined;

/**
 * Text as the readers see it: without trademark signs, which Windows puts inside its product names
 * (`Microsoft® Windows Server® 2008 Standard`, `Microsoft(R) Windows(R) Server 2003`).
 */
function plainText(text: string): string {
  return text.replace(/[®™©]|\((?:R|TM|C)\)/gi, '');
}

/** A beta image: RHEL's `RHEL-9.4.0_HVM_BETA-…`, `… Beta …` in a name or description. */
function isBeta(text: string): boolean {
  return /(?:^|[^a-z])beta(?![a-z])/i.test(text);
}

// ---------------------------------------------------------------- version normalization

/** Windows Server's semi-annual (and the one annual) channel releases, named by year and month. */
const semiAnnualReleases = new Set(['1709', '1803', '1809', '1903', '1909', '2004', '20h2', '23h2']);

/**
 * The catalogue's Windows reading of a release a name gives: `2012` + R2 → `windows-server` `2012-r2`;
 * a semi-annual or annual channel release → `windows-server-sac` `2004`, `20h2`, `23h2`; the Nano
 * Server installation of 2016 (its own, much shorter lifecycle) → `windows-nano-server` `2016`.
 */
function windowsReading(
  release: string,
  options: { r2?: boolean; nano?: boolean } = {},
): Reading & { version: string } {
  const r = release.toLowerCase();
  if (semiAnnualReleases.has(r)) return { family: 'windows-server-sac', version: r };
  if (options.nano) return { family: 'windows-nano-server', version: r };
  return { family: 'windows-server', version: options.r2 ? `${r}-r2` : r };
}

/**
 * Windows reports a kernel build, not a product year, in `PlatformVersion`; these are the server
 * releases of each build (10.0.17763 is also Windows 10 1809, so the caller checks the name says
 * Server). Long-term releases always name their year (`Windows Server 2019 Datacenter`), so a server
 * name without one is a semi-annual release: 10.0.17763 without a year is version 1809, not 2019.
 */
const windowsServerBuilds: Record<string, string> = {
  '5.2.3790': '2003',
  '6.0.6001': '2008',
  '6.0.6002': '2008',
  '6.0.6003': '2008',
  '6.1.7600': '2008',
  '6.1.7601': '2008',
  '6.2.9200': '2012',
  '6.3.9600': '2012',
  '10.0.14393': '2016',
  '10.0.16299': '1709',
  '10.0.17134': '1803',
  '10.0.17763': '1809',
  '10.0.18362': '1903',
  '10.0.18363': '1909',
  '10.0.19041': '2004',
  '10.0.19042': '20h2',
  '10.0.20348': '2022',
  '10.0.25398': '23h2',
  '10.0.26100': '2025',
};
/** Builds of an R2 release (the year alone is the release before it). */
const r2Builds = new Set(['6.1.7600', '6.1.7601', '6.3.9600']);

/** Builds shared by a long-term and a semi-annual release: only the name tells them apart. */
const ambiguousWindowsBuilds = new Set(['10.0.17763']);

/**
 * `15.1` → `15-sp1`, `15` or `15.0` → `15`, `12.5` → `12-sp5`. SLES 16 has minor releases, not
 * service packs: `16.0` → `16`, `16.1` → `16.1`.
 */
function slesVersionKey(major: string, minor: string | undefined): string {
  if (!minor || Number(minor) === 0) return major;
  return Number(major) >= 16 ? `${major}.${Number(minor)}` : `${major}-sp${Number(minor)}`;
}

/** The major version (`7.6.2004` → `7`, `8.10` → `8`), without leading zeros. */
function majorOf(version: string): string | undefined {
  const major = /^\s*(\d+)/.exec(version)?.[1];
  return major === undefined ? undefined : String(Number(major));
}

/** `1.20.0` → `1.20`, `14.0-RELEASE` → `14.0`: the first two numbers, as written. */
function majorMinorOf(version: string): string | undefined {
  const match = /^\s*(\d+)\.(\d+)/.exec(version);
  return match ? `${Number(match[1])}.${match[2]}` : undefined;
}

/** `2` → `2`, `2023.5.20240624` → `2023`, `2018.03` → `2018.03`, `2017.09.1` → `2017.09`. */
function amazonLinuxVersionKey(version: string): string | undefined {
  const dated = /^\s*(\d{4})\.(\d{2})(?!\d)/.exec(version);
  if (dated && Number(dated[1]) < 2022) return `${dated[1]}.${dated[2]}`;
  return majorOf(version);
}

/** `22.04`, `22.04.4` → `22.04`. */
function ubuntuVersionKey(version: string): string | undefined {
  return /^\s*(\d{2}\.\d{2})(?!\d)/.exec(version)?.[1];
}

/** An SSM `PlatformVersion` read for `family`, with the catalogue key and what else it tells. */
function ssmReading(family: OsFamily, version: string): Reading | undefined {
  const read = (key: string | undefined): Reading | undefined => (key ? { family, version: key } : undefined);
  switch (family) {
    case 'amazon-linux':
      return read(amazonLinuxVersionKey(version));
    case 'ubuntu':
      return read(ubuntuVersionKey(version));
    case 'sles':
    case 'sles-sap': {
      const match = /^\s*(\d+)(?:\.(\d+))?/.exec(version);
      return read(match?.[1] ? slesVersionKey(match[1], match[2]) : undefined);
    }
    case 'rhel': {
      // SSM reads the running system, so its minor release is the one installed: kept as the
      // release (`8.6` of `8`), because EUS supports some minors beyond the next one's release.
      const major = majorOf(version);
      const minor = /^\s*\d+\.\d+/.test(version) ? majorMinorOf(version) : undefined;
      return major && minor ? { family, version: major, release: minor } : read(major);
    }
    case 'bottlerocket':
      // SSM gives the OS release, never the variant that sets how long it is built.
      return undefined;
    case 'freebsd':
      return read(majorMinorOf(version));
    default:
      return read(majorOf(version));
  }
}

// ---------------------------------------------------------------- readers of AMI names and descriptions

// Token boundaries: these names are hyphen/underscore/slash separated, so `\b` (which treats `_` as a
// word character) would miss `Windows_Server` and match inside `x86_64`. The release is a year
// (`2019`), or a semi-annual `1809`/`20H2`.
const windowsPattern = /windows[\s_-]*server[\s_-]*(\d{4}|\d{2}h\d)(?![\da-z])(?:[\s_-]*(R2)(?![a-z]))?/i;
const nanoPattern = /(?:^|[^a-z])nano(?![a-z])/i;

const readWindows: Reader = (text) => {
  const match = windowsPattern.exec(text);
  if (match?.[1]) return windowsReading(match[1], { r2: !!match[2], nano: nanoPattern.test(text) });
  if (/windows/i.test(text)) return { family: 'windows-server' };
  return undefined;
};

const readAmazonLinux: Reader = (text) => {
  // `al2023-ami-…`, `al2022-ami-…` first: `amazon-eks-node-al2023-…` would otherwise read as an EKS
  // AL2 node.
  const generation = /(?:^|[^a-z0-9])al(20\d{2})(?!\d)/i.exec(text)?.[1];
  if (generation) return { family: 'amazon-linux', version: generation };
  // `amzn2-ami-kernel-5.10-hvm-2.0.…`: the prefix says AL2; the kernel version is not the OS version.
  if (/(?:^|[^a-z0-9])amzn2(?!\d)/i.test(text)) return { family: 'amazon-linux', version: '2' };
  const firstGeneration = /(?:^|[^a-z0-9])amzn-ami(?:-[a-z]+)*-(\d{4}\.\d{2})(?!\d)/i.exec(text);
  if (firstGeneration?.[1]) return { family: 'amazon-linux', version: firstGeneration[1] };
  // EKS-optimized AL2 (`amazon-eks-node-1.29-v…`, `amazon-eks-gpu-node-…`, `amazon-eks-arm64-node-…`).
  if (/(?:^|[^a-z0-9])amazon-eks-(?:[a-z0-9]+-)?node-\d/i.test(text)) {
    return { family: 'amazon-linux', version: '2' };
  }
  // Descriptions: `Amazon Linux 2 AMI 2.0.…`, `Amazon Linux AMI 2.0.… ECS HVM` (ECS-optimized AL2),
  // `Amazon Linux AMI 2018.03.0.…`, `Amazon Linux 2023 AMI …`, `… with AmazonLinux2 image`. The
  // version follows the name directly: in `Deep Learning AMI Amazon Linux - 3.3_Oct2017` the number
  // after the dash is the Deep Learning AMI's own. The only single-digit generation is 2.
  const described = /amazon[\s_-]*linux(?:\s+|_|-)?(?:ami[\s_-]*)?(\d{4}\.\d{2}|\d{4}|2)(?!\d)/i.exec(text);
  if (described?.[1]) {
    const version = amazonLinuxVersionKey(described[1]);
    return version ? { family: 'amazon-linux', version } : { family: 'amazon-linux' };
  }
  if (/amzn-ami|amazon[\s_-]*linux/i.test(text)) return { family: 'amazon-linux' };
  return undefined;
};

const ubuntuCodenames: Record<string, string> = {
  trusty: '14.04',
  xenial: '16.04',
  bionic: '18.04',
  cosmic: '18.10',
  disco: '19.04',
  eoan: '19.10',
  focal: '20.04',
  groovy: '20.10',
  hirsute: '21.04',
  impish: '21.10',
  jammy: '22.04',
  kinetic: '22.10',
  lunar: '23.04',
  mantic: '23.10',
  noble: '24.04',
  oracular: '24.10',
  plucky: '25.04',
  questing: '25.10',
  resolute: '26.04',
};
const ubuntuCodenamePattern = new RegExp(
  `(?:^|[^a-z])(${Object.keys(ubuntuCodenames).join('|')})(?![a-z])`,
  'i',
);

const readUbuntu: Reader = (text) => {
  if (!/ubuntu/i.test(text)) return undefined;
  // `YY.04`/`YY.10` not preceded by a digit or dot, so `k8s_1.29` and `2024.04.10` do not count.
  const number = /(?:^|[^\d.])(\d{2}\.(?:04|10))(?![\d])/.exec(text)?.[1];
  if (number) return { family: 'ubuntu', version: number };
  // Without the dot right after the name: `aws-parallelcluster-3.9.0-ubuntu-2004-lts-hvm-…`.
  const compact = /ubuntu[\s_-]?(\d{2})(04|10)(?!\d)/i.exec(text);
  if (compact) return { family: 'ubuntu', version: `${compact[1]}.${compact[2]}` };
  const codename = ubuntuCodenamePattern.exec(text)?.[1]?.toLowerCase();
  const version = codename ? ubuntuCodenames[codename] : undefined;
  return version ? { family: 'ubuntu', version } : { family: 'ubuntu' };
};

const readCentosStream: Reader = (text) => {
  if (!/centos[\s_-]*stream/i.test(text)) return undefined;
  // `CentOS Stream 9 …`, `CentOS-Stream-ec2-9-…`, `CentOS-Stream-GenericCloud-8-…`; the words in between
  // may not contain `_`, so `x86_64` cannot supply a version.
  const match = /centos[\s_-]*stream(?:[\s_-]*|(?:[\s-]+[a-z][a-z0-9]*)+[\s-]+)(\d{1,2})(?!\d)/i.exec(text);
  const major = match?.[1] ? majorOf(match[1]) : undefined;
  return major ? { family: 'centos-stream', version: major } : { family: 'centos-stream' };
};

const readCentos: Reader = (text) => {
  if (!/centos/i.test(text) || /centos[\s_-]*stream/i.test(text)) return undefined;
  // `CentOS 7.9.2009 x86_64`, `CentOS Linux 7 x86_64 HVM EBS ENA 2002_01-…`, `CentOS-7-x86_64-…`.
  const match = /centos(?:[\s_-]*linux)?(?:[\s_-]*release)?[\s_-]*(\d{1,2})(?!\d)/i.exec(text);
  const major = match?.[1] ? majorOf(match[1]) : undefined;
  return major ? { family: 'centos', version: major } : { family: 'centos' };
};

const readRhel: Reader = (text) => {
  // `RHEL-8.6.0_HVM-…`, `RHEL-8.10.0_HVM-…` (major 8, minor 8.10), `RHEL_HA-8.4.0_HVM-…`,
  // `RHEL-SAP-8.2.0_HVM-…`, `…-rhel8-hvm-…`.
  const match =
    /(?:^|[^a-z])(?:rhel|red[\s_-]*hat[\s_-]*enterprise[\s_-]*linux(?:[\s_-]*server)?)(?:[\s_-]*(?:sap|ha|for[\s_-]*sap(?:[\s_-]*(?:solutions|applications))?|byos))*[\s_-]*(\d{1,2})(?:\.(\d{1,2}))?(?!\d)/i.exec(
      text,
    );
  // An image's minor release is where the instance started, not where updates have taken it since:
  // the line is the version, the minor only its release.
  const major = match?.[1] ? majorOf(match[1]) : undefined;
  if (major) {
    return match?.[2] === undefined
      ? { family: 'rhel', version: major }
      : { family: 'rhel', version: major, release: `${major}.${Number(match[2])}` };
  }
  // Official RHEL AMI descriptions only say `Provided by Red Hat, Inc.`
  if (/(?:^|[^a-z])rhel(?![a-z])|red[\s_-]*hat/i.test(text)) return { family: 'rhel' };
  return undefined;
};

const readRocky: Reader = (text) => {
  if (!/(?:^|[^a-z])rocky/i.test(text)) return undefined;
  // `Rocky-8-ec2-8.5-20211114.2.x86_64`, `Rocky-9-EC2-Base-9.3-…`, `Rocky Linux 8.6 …`.
  const match = /rocky(?:[\s_-]*linux)?[\s_-]*(\d{1,2})(?!\d)/i.exec(text);
  const major = match?.[1] ? majorOf(match[1]) : undefined;
  return major ? { family: 'rocky', version: major } : { family: 'rocky' };
};

const readAlma: Reader = (text) => {
  if (!/alma[\s_-]*linux/i.test(text)) return undefined;
  // `AlmaLinux OS 9.3.20231113 x86_64`.
  const match = /alma[\s_-]*linux(?:[\s_-]*os)?[\s_-]*(\d{1,2})(?!\d)/i.exec(text);
  const major = match?.[1] ? majorOf(match[1]) : undefined;
  return major ? { family: 'almalinux', version: major } : { family: 'almalinux' };
};

const readOracle: Reader = (text) => {
  // `OL8.7-x86_64-HVM-2023-03-07`: anchored, because `OL` inside another name means nothing.
  const short = /^OL(\d{1,2})(?=[._-]|U\d|$)/i.exec(text);
  if (short?.[1]) return { family: 'oracle-linux', version: String(Number(short[1])) };
  const match = /oracle[\s_-]*linux(?:[\s_-]*server)?(?:[\s_-]*release)?[\s_-]*R?(\d{1,2})(?!\d)/i.exec(text);
  const major = match?.[1] ? majorOf(match[1]) : undefined;
  if (major) return { family: 'oracle-linux', version: major };
  if (/oracle[\s_-]*linux/i.test(text)) return { family: 'oracle-linux' };
  return undefined;
};

const readSles: Reader = (text) => {
  // `suse-sles-15-sp5-v20230620-hvm-ssd-x86_64`, `suse-sles-sap-15-sp4-…` (SLES for SAP Applications,
  // a product with its own, longer support), `suse-sles-15-v2020…`, `SUSE Linux Enterprise Server 15
  // SP5 (HVM, 64-bit, SSD-Backed)`, `SUSE Linux Enterprise Server 11 Service Pack 4 (PV, …)`.
  const match =
    /(?:(?:^|[^a-z])sles|suse[\s_-]*linux[\s_-]*enterprise[\s_-]*server)((?:[\s_-]*(?:sap|for[\s_-]*sap(?:[\s_-]*applications)?|byos|hpc))*)[\s_-]*(\d{2})(?:[\s_-]*(?:sp|service[\s_-]*pack[\s_-]*)(\d{1,2}))?(?!\d)/i.exec(
      text,
    );
  if (match?.[2]) {
    const family = /sap/i.test(match[1] ?? '') ? 'sles-sap' : 'sles';
    return { family, version: slesVersionKey(match[2], match[3]) };
  }
  if (/(?:^|[^a-z])sles(?![a-z])|suse[\s_-]*linux[\s_-]*enterprise[\s_-]*server/i.test(text)) {
    return { family: /(?:^|[^a-z])sap(?![a-z])/i.test(text) ? 'sles-sap' : 'sles' };
  }
  return undefined;
};

const debianCodenames: Record<string, string> = {
  squeeze: '6',
  wheezy: '7',
  jessie: '8',
  stretch: '9',
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
};
const debianCodenamePattern = new RegExp(
  `(?:^|[^a-z])(${Object.keys(debianCodenames).join('|')})(?![a-z])`,
  'i',
);

const readDebian: Reader = (text) => {
  if (!/(?:^|[^a-z])debian/i.test(text)) return undefined;
  // `debian-12-arm64-…`, `Debian 12 (20240507-1740)`, `debian-stretch-hvm-x86_64-gp2-…`.
  const number = /debian(?:[\s_-]*gnu\/linux)?[\s_-]*(\d{1,2})(?!\d)/i.exec(text)?.[1];
  if (number) return { family: 'debian', version: String(Number(number)) };
  const codename = debianCodenamePattern.exec(text)?.[1]?.toLowerCase();
  const version = codename ? debianCodenames[codename] : undefined;
  return version ? { family: 'debian', version } : { family: 'debian' };
};

const readBottlerocket: Reader = (text) => {
  if (!/bottlerocket/i.test(text)) return undefined;
  // `bottlerocket-aws-k8s-1.29-x86_64-v1.20.0-…`, `bottlerocket-aws-k8s-1.35-fips-x86_64-v1.58.0-…`,
  // `bottlerocket-aws-ecs-2-x86_64-v1.20.0-…`: Bottlerocket builds each variant for as long as what
  // it runs is supported, so the variant is the version (its `-nvidia`, `-fips` flavours share its
  // life); a Kubernetes variant names the Kubernetes version that sets it.
  const variant = /bottlerocket-((?:aws|vmware|metal)-(?:k8s-(\d+\.\d+)|ecs-\d+|dev))(?![\d.])/i.exec(text);
  if (!variant?.[1]) return { family: 'bottlerocket' };
  const release = /(?:^|[\s_-])v(\d+\.\d+\.\d+)(?![\d.])/i.exec(text)?.[1];
  return {
    family: 'bottlerocket',
    version: variant[1].toLowerCase(),
    ...(release === undefined ? {} : { release }),
    ...(variant[2] === undefined ? {} : { kubernetesVersion: variant[2] }),
  };
};

const readFreebsd: Reader = (text) => {
  if (!/freebsd/i.test(text)) return undefined;
  // `FreeBSD 14.0-RELEASE-arm64 UEFI-PREFERRED base ZFS …`: each point release has its own end.
  const release = /freebsd[\s_-]*(\d{1,2}\.\d)(?![\d])/i.exec(text)?.[1];
  return release ? { family: 'freebsd', version: release } : { family: 'freebsd' };
};

/** In order of precedence: a reading with a version beats one without, then the earlier reader wins. */
const readers: readonly Reader[] = [
  readWindows,
  readAmazonLinux,
  readUbuntu,
  readCentosStream,
  readCentos,
  // The RHEL rebuilds before RHEL: their names often say "RHEL 9 compatible", RHEL's never name them.
  readRocky,
  readAlma,
  readOracle,
  readRhel,
  readSles,
  readDebian,
  readBottlerocket,
  readFreebsd,
];

/** Systems estatescan recognizes but has no lifecycle dates for, so the reason can name them. */
const uncataloguedSystems: readonly (readonly [RegExp, string])[] = [
  [/mac[\s_-]*os/i, 'macOS'],
  [/fedora/i, 'Fedora'],
  [/flatcar/i, 'Flatcar Container Linux'],
  [/opensuse/i, 'openSUSE'],
];

/**
 * What `text` says. When it reads as more than one family and the AMI's owner publishes one of them,
 * the owner's family wins, even without a version: the owner pins the family, never the version.
 */
function readOs(text: string, ownerFamilies: readonly OsFamily[] = []): Reading | undefined {
  const readings = readers.map((read) => read(text)).filter((r): r is Reading => r !== undefined);
  const owned = readings.filter((r) => ownerFamilies.includes(r.family));
  if (owned.length > 0) return owned.find(hasVersion) ?? owned[0];
  return readings.find(hasVersion) ?? readings[0];
}

function uncataloguedSystem(text: string): string | undefined {
  return uncataloguedSystems.find(([pattern]) => pattern.test(text))?.[1];
}

// ---------------------------------------------------------------- official publishers

interface Publisher {
  name: string;
  /** The families this publisher's official images carry. */
  families: readonly OsFamily[];
  /** The family a versionless image of theirs is hinted as, when they publish more than one. */
  hint?: OsFamily;
}

/**
 * Owner accounts of official images (os-detection.md). A confidence signal, not proof: a copy or a
 * private AMI has the copying account as owner, so a missing publisher says nothing against an image.
 * 679593333241 (listed there for old CentOS images) is left out: it is the AWS Marketplace account
 * every Marketplace vendor publishes under, so it cannot tell an official image from a lookalike.
 */
const officialOwners = new Map<string, Publisher>([
  ['137112412989', { name: 'Amazon', families: ['amazon-linux'] }],
  ['591542846629', { name: 'Amazon', families: ['amazon-linux'] }],
  [
    '801119661308',
    {
      name: 'Amazon',
      families: ['windows-server', 'windows-server-sac', 'windows-nano-server'],
      hint: 'windows-server',
    },
  ],
  ['099720109477', { name: 'Canonical', families: ['ubuntu'] }],
  ['309956199498', { name: 'Red Hat', families: ['rhel'] }],
  ['136693071363', { name: 'Debian', families: ['debian'] }],
  ['379101102735', { name: 'Debian', families: ['debian'] }],
  ['125523088429', { name: 'CentOS', families: ['centos', 'centos-stream'] }],
  ['792107900819', { name: 'Rocky Linux', families: ['rocky'] }],
  ['764336703387', { name: 'AlmaLinux', families: ['almalinux'] }],
  ['013907871322', { name: 'SUSE', families: ['sles'] }],
  ['131827586825', { name: 'Oracle', families: ['oracle-linux'] }],
]);

// `ImageOwnerAlias` is set by AWS, not the owner: `amazon` marks an Amazon-owned account (EKS-optimized
// AMIs come from per-region accounts the table does not list); `aws-marketplace` is any vendor.
const amazonOwnerAlias = 'amazon';

/** Who published an image of `family`, when its owner is that family's official publisher. */
function publisherOf(
  family: string,
  ownerId: string | undefined,
  ownerAlias: string | undefined,
): string | undefined {
  const owner = ownerId ? officialOwners.get(ownerId) : undefined;
  if (owner && (owner.families as readonly string[]).includes(family)) return owner.name;
  return ownerAlias === amazonOwnerAlias ? 'Amazon' : undefined;
}

// ---------------------------------------------------------------- results

/**
 * A reading with a version. Its name is the catalogue's when the catalogue lists the version, else
 * the family's name and the version: an uncatalogued version is still the OS the image runs.
 */
function fromReading(
  reading: Reading & { version: string },
  source: 'ami-name' | 'ami-description' | 'ssm',
  evidence: string,
  beta = false,
): DetectedOs {
  const { family, version, release, kubernetesVersion } = reading;
  const name = osReleaseName(family, version) ?? `${osFamilyNames[family]} ${version}`;
  return {
    known: true,
    family,
    version,
    name,
    source,
    evidence,
    ...(release === undefined ? {} : { release }),
    ...(kubernetesVersion === undefined ? {} : { kubernetesVersion }),
    ...(beta ? { beta: true as const } : {}),
  };
}

function hasVersion(reading: Reading | undefined): reading is Reading & { version: string } {
  return reading?.version !== undefined;
}

function unknownOs(reason: string, familyHint: string | undefined): Unknown {
  return familyHint ? { known: false, reason, familyHint } : { known: false, reason };
}

/**
 * The OS of an AMI, from its name and then its description. An AMI whose name and description follow
 * no known pattern is unknown (a Windows one with `familyHint: 'windows-server'` from its platform
 * details), even when the name suggests an OS in a way a pattern does not cover.
 */
export function osFromImage(image: {
  imageId: string;
  name?: string;
  description?: string;
  ownerId?: string;
  ownerAlias?: string;
  platformDetails?: string;
}): DetectedOs {
  const os = osFromImageText(image);
  if (!os.known) return os;
  const publisher = publisherOf(os.family, image.ownerId, image.ownerAlias);
  return publisher ? { ...os, publisher } : os;
}

function osFromImageText(image: {
  imageId: string;
  name?: string;
  description?: string;
  ownerId?: string;
  platformDetails?: string;
}): DetectedOs {
  const owner = image.ownerId ? officialOwners.get(image.ownerId) : undefined;
  const ownerFamilies = owner?.families ?? [];
  const name = image.name?.trim() ?? '';
  const description = image.description?.trim() ?? '';
  const beta = isBeta(name) || isBeta(description);
  const fromName = name ? readOs(plainText(name), ownerFamilies) : undefined;
  if (hasVersion(fromName)) return fromReading(fromName, 'ami-name', name, beta);
  const fromDescription = description ? readOs(plainText(description), ownerFamilies) : undefined;
  if (hasVersion(fromDescription)) return fromReading(fromDescription, 'ami-description', description, beta);

  const platformHint = image.platformDetails
    ? platformFamilyHint(undefined, image.platformDetails)
    : undefined;
  // An official owner of a single family pins that family (as a hint: it never gives a version).
  const ownerHint = ownerFamilies.length === 1 ? ownerFamilies[0] : owner?.hint;
  const familyHint = fromName?.family ?? fromDescription?.family ?? ownerHint ?? platformHint?.familyHint;
  const ownedBy = owner ? `; its owner ${image.ownerId} is ${owner.name}, which gives no version` : '';
  if (!name && !description) {
    return unknownOs(
      `AMI ${image.imageId} has no name or description to tell its OS from${ownedBy}`,
      familyHint,
    );
  }
  if (fromName) {
    const family = osFamilyNames[fromName.family];
    return unknownOs(
      `AMI ${image.imageId} name "${name}" names ${family} but no version${ownedBy}`,
      familyHint,
    );
  }
  if (fromDescription) {
    const family = osFamilyNames[fromDescription.family];
    return unknownOs(
      `AMI ${image.imageId} description "${description}" names ${family} but no version${ownedBy}`,
      familyHint,
    );
  }
  const looked =
    name && description
      ? `name "${name}" and description "${description}"`
      : name
        ? `name "${name}"`
        : `description "${description}"`;
  const other = uncataloguedSystem(`${name} ${description}`);
  if (other) {
    // The text names another system, so the owner's usual family is no hint.
    return unknownOs(
      `AMI ${image.imageId} ${looked}: ${other} is not in the lifecycle catalogue`,
      platformHint?.familyHint,
    );
  }
  return unknownOs(
    `AMI ${image.imageId} ${looked}: no known OS naming pattern matches${ownedBy}`,
    familyHint,
  );
}

/** Billing platform details that name a family (never a version), most specific first. */
const platformFamilies: readonly (readonly [RegExp, OsFamily])[] = [
  [/windows/i, 'windows-server'],
  [/red hat/i, 'rhel'],
  [/suse/i, 'sles'],
  [/ubuntu/i, 'ubuntu'],
];

/**
 * What the instance's `Platform` and `PlatformDetails` tell: at most a family, never a version, so
 * the result is always unknown, with a `familyHint` when the family is named (`Linux/UNIX` names none).
 */
export function osFromPlatformDetails(platform?: string, platformDetails?: string): DetectedOs {
  return platformFamilyHint(platform, platformDetails);
}

function platformFamilyHint(platform: string | undefined, platformDetails: string | undefined): Unknown {
  const details = platformDetails?.trim();
  const text = [platform, details].filter(Boolean).join(' ');
  if (!text) return { known: false, reason: 'the instance reports no platform details' };
  const family = platformFamilies.find(([pattern]) => pattern.test(text))?.[1];
  const said = details ? `platform details "${details}"` : `platform "${platform}"`;
  if (family) return unknownOs(`${said} name ${osFamilyNames[family]} but not its version`, family);
  return unknownOs(`${said} name no distribution, so the OS and its version are unknown`, undefined);
}

/** SSM `PlatformName` values (`NAME` from `/etc/os-release` on Linux), most specific first. */
const ssmLinuxNames: readonly (readonly [RegExp, OsFamily])[] = [
  [/^amazon\s*linux/i, 'amazon-linux'],
  [/^centos\s*stream/i, 'centos-stream'],
  [/^centos/i, 'centos'],
  [/^red\s*hat\s*enterprise\s*linux/i, 'rhel'],
  [/^rocky/i, 'rocky'],
  [/^alma\s*linux/i, 'almalinux'],
  [/^oracle\s*linux/i, 'oracle-linux'],
  [/^ubuntu/i, 'ubuntu'],
  [/^debian/i, 'debian'],
  [/^(?:sles[\s_-]*sap|suse\s*linux\s*enterprise\s*server\s*for\s*sap)/i, 'sles-sap'],
  [/^(?:sles|suse\s*linux\s*enterprise\s*server)/i, 'sles'],
  [/^bottlerocket/i, 'bottlerocket'],
  [/^freebsd/i, 'freebsd'],
];

/**
 * The OS an SSM managed instance reports (`DescribeInstanceInformation`'s `PlatformType`,
 * `PlatformName`, `PlatformVersion`). For Windows the version is a build number, mapped to a
 * Windows Server release when the name does not carry the year.
 */
export function osFromSsm(
  platformType?: string,
  platformName?: string,
  platformVersion?: string,
): DetectedOs {
  const name = platformName?.trim().replace(/\s+/g, ' ') ?? '';
  const version = platformVersion?.trim() ?? '';
  const evidence = [name, version].filter(Boolean).join(' ');
  const said = evidence ? `SSM platform "${evidence}"` : 'SSM platform (empty)';
  const plainName = plainText(name);

  if (/mac/i.test(platformType ?? '') || /mac\s*os/i.test(name)) {
    return unknownOs(`${said} is macOS, which is not in the lifecycle catalogue`, undefined);
  }
  if (/windows/i.test(platformType ?? '') || /windows/i.test(name)) {
    const named = readWindows(plainName);
    if (hasVersion(named)) return fromReading(named, 'ssm', evidence);
    // A name without the year: trust the build only for a server edition (or when there is no name).
    if (!name || /server/i.test(name)) {
      const build = version.split('.').slice(0, 3).join('.');
      const release = windowsServerBuilds[build];
      if (release && (name || !ambiguousWindowsBuilds.has(build))) {
        return fromReading(windowsReading(release, { r2: r2Builds.has(build) }), 'ssm', evidence);
      }
      return unknownOs(
        release
          ? `${said} is a Windows build shared by more than one Windows Server release, and no name tells which`
          : `${said} is a Windows build that is not a known Windows Server release`,
        'windows-server',
      );
    }
    return unknownOs(
      `${said} is a Windows client edition, which is not in the lifecycle catalogue`,
      undefined,
    );
  }

  const family = ssmLinuxNames.find(([pattern]) => pattern.test(name))?.[1];
  if (!family) {
    const other = uncataloguedSystem(name);
    return unknownOs(
      other
        ? `${said} is ${other}, which is not in the lifecycle catalogue`
        : `${said} is not a known operating system`,
      undefined,
    );
  }
  const reading = version ? ssmReading(family, version) : undefined;
  if (!hasVersion(reading)) {
    const why =
      family === 'bottlerocket'
        ? 'its release but not its variant, which sets how long it is supported'
        : 'no usable version';
    return unknownOs(`${said} names ${osFamilyNames[family]} but ${why}`, family);
  }
  return fromReading(reading, 'ssm', evidence);
}

/**
 * An EC2 instance's OS: from its AMI when that tells, else from SSM when the instance is managed and
 * SSM tells, else unknown with the platform details' family hint and every reason why.
 * `image` is undefined when the AMI could not be described (deregistered or not shared).
 */
export function resolveInstanceOs(
  instance: { imageId?: string; platform?: string; platformDetails?: string },
  image: Image | undefined,
  managed?: { platformType?: string; platformName?: string; platformVersion?: string },
): DetectedOs {
  if (image?.os.known) return image.os;
  const fromSsm = managed
    ? osFromSsm(managed.platformType, managed.platformName, managed.platformVersion)
    : undefined;
  if (fromSsm?.known) return fromSsm;
  const fromPlatform = platformFamilyHint(instance.platform, instance.platformDetails);

  const reasons: string[] = [];
  if (image && !image.os.known) reasons.push(image.os.reason);
  else if (!image && instance.imageId) {
    reasons.push(`AMI ${instance.imageId} is deregistered or not shared with this account`);
  } else if (!image) reasons.push('the instance has no AMI id');
  if (fromSsm && !fromSsm.known) reasons.push(fromSsm.reason);
  reasons.push(fromPlatform.reason);

  const familyHint =
    (image && !image.os.known ? image.os.familyHint : undefined) ??
    (fromSsm && !fromSsm.known ? fromSsm.familyHint : undefined) ??
    fromPlatform.familyHint;
  return unknownOs(reasons.join('; '), familyHint);
}
