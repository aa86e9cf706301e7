/**
 * The lifecycle catalogue: when each operating system version, EKS Kubernetes version and EKS node
 * group AMI type stops getting security fixes. Rules look dates up here (plain data, no I/O) and take
 * the time from `ctx.now`; OS detection uses its keys
 * (`family` + `version`) so that every detected OS can be looked up here.
 *
 * How to refresh it:
 * 1. Take the product files from the endoflife-date/endoflife.date repository (`products/<name>.md`:
 *    `amazon-linux`, `centos`, `centos-stream`, `rhel`, `rocky-linux`, `almalinux`, `oracle-linux`,
 *    `ubuntu`, `debian`, `sles`, `windows-server`, `amazon-eks`). Their `releaseDate` is `released`,
 *    `eol` is `endOfStandard` and `eoes` (or the vendor's paid/long-term phase) is `endOfExtended`.
 * 2. Cross-check each changed date with the vendor page named in the entry's `source`; the vendor
 *    wins when they disagree, and the source says so.
 * 3. Add new versions (a new entry needs a human `name`, a `source`, and, for a family detected from
 *    AMI names or SSM, a test case in `test/unit/inventory/os-detection.test.ts`), move
 *    `catalogueDate` to the snapshot's date, and run `test/unit/lifecycle/catalogue.test.ts`, which
 *    checks that dates parse, are ordered and that every family/version pair is unique.
 *
 * Dates are `YYYY-MM-DD`, the last day of support. Nothing here reads the clock: whether a date has
 * passed is for the rule to decide with `ctx.now`.
 */

/** The day the endoflife.date snapshot behind this catalogue was taken. */
export const catalogueDate = '2026-08-22';

/** What the support after `endOfStandard` is called by its vendor. */
export type ExtendedKind = 'ELS' | 'ESM' | 'LTS' | 'LTSS' | 'ESU' | 'security' | 'extended';

/** Catalogue family ids and their human names. */
export const osFamilyNames = {
  'amazon-linux': 'Amazon Linux',
  centos: 'CentOS Linux',
  'centos-stream': 'CentOS Stream',
  rhel: 'Red Hat Enterprise Linux',
  rocky: 'Rocky Linux',
  almalinux: 'AlmaLinux OS',
  'oracle-linux': 'Oracle Linux',
  ubuntu: 'Ubuntu',
  debian: 'Debian',
  sles: 'SUSE Linux Enterprise Server',
  'windows-server': 'Windows Server',
} as const;

export type OsFamily = keyof typeof osFamilyNames;

/** One operating system version and its support dates. */
export interface OsLifecycle {
  family: OsFamily;
  /** The version key detection produces, e.g. `2`, `7`, `20.04`, `15-sp5`, `2012-r2`. */
  version: string;
  /** Human name, e.g. `CentOS Linux 7`. */
  name: string;
  released: string;
  /** End of the vendor's free or standard security support. */
  endOfStandard: string;
  /** End of paid or long-term support, where there is one. */
  endOfExtended?: string;
  extendedKind?: ExtendedKind;
  /** Where the dates come from. */
  source: string;
}

/** One Kubernetes minor version on Amazon EKS. */
export interface EksVersionLifecycle {
  /** `major.minor`, as `DescribeCluster` reports it, e.g. `1.29`. */
  version: string;
  released: string;
  endOfStandard: string;
  /** End of EKS extended support (billed per cluster hour after `endOfStandard`). */
  endOfExtended: string;
  source: string;
}

/** An EKS managed node group AMI type whose operating system has an end of support. */
export interface EksAmiTypeLifecycle {
  /** As `DescribeNodegroup` reports it, e.g. `AL2_x86_64`. */
  amiType: string;
  /** The catalogue OS the AMI type runs. */
  os: { family: OsFamily; version: string };
  name: string;
  /** The last day EKS publishes and supports AMIs of this type. */
  endOfSupport: string;
  source: string;
}

const eol = 'endoflife.date (snapshot 2026-08-22)';
const src = {
  amazonLinux: `${eol} amazon-linux; https://aws.amazon.com/amazon-linux-2/faqs/, https://docs.aws.amazon.com/linux/al2023/ug/release-cadence.html`,
  centos: `${eol} centos; https://www.centos.org/centos-linux-eol/`,
  centosStream: `${eol} centos-stream; https://www.centos.org/cl-vs-cs/`,
  rhel: `${eol} rhel; https://access.redhat.com/support/policy/updates/errata`,
  rocky: `${eol} rocky-linux; https://wiki.rockylinux.org/rocky/version/`,
  alma: `${eol} almalinux; https://wiki.almalinux.org/release-notes/`,
  oracle: `${eol} oracle-linux; https://www.oracle.com/a/ocom/docs/elsp-lifetime-069338.pdf`,
  ubuntu: `${eol} ubuntu; https://ubuntu.com/about/release-cycle`,
  debian: `${eol} debian; https://wiki.debian.org/LTS`,
  sles: `${eol} sles; https://www.suse.com/lifecycle/`,
  windows: `${eol} windows-server; https://learn.microsoft.com/lifecycle/products/?terms=Windows%20Server`,
  eks: `${eol} amazon-eks; https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html`,
  eksAl2: 'https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html',
} as const;

/**
 * Operating systems. For Windows Server, `endOfStandard` is the end of Microsoft's extended support
 * (mainstream support ends earlier: 2016 on 2022-01-11, 2019 on 2024-01-09, 2022 on 2026-10-13),
 * because security updates continue until then.
 */
export const osCatalogue: readonly OsLifecycle[] = [
  // Amazon Linux AMI (the first generation) was a rolling release whose last version was 2018.03.
  {
    family: 'amazon-linux',
    version: '2018.03',
    name: 'Amazon Linux AMI 2018.03',
    released: '2018-04-25',
    endOfStandard: '2020-12-31',
    endOfExtended: '2023-12-31',
    extendedKind: 'security',
    source: src.amazonLinux,
  },
  {
    family: 'amazon-linux',
    version: '2',
    name: 'Amazon Linux 2',
    released: '2018-06-26',
    endOfStandard: '2026-06-30',
    source: src.amazonLinux,
  },
  {
    family: 'amazon-linux',
    version: '2023',
    name: 'Amazon Linux 2023',
    released: '2023-03-01',
    endOfStandard: '2027-06-30',
    // AWS calls the last two years "maintenance support": security fixes only.
    endOfExtended: '2029-06-30',
    extendedKind: 'security',
    source: src.amazonLinux,
  },

  {
    family: 'centos',
    version: '6',
    name: 'CentOS Linux 6',
    released: '2011-07-10',
    endOfStandard: '2020-11-30',
    source: src.centos,
  },
  {
    family: 'centos',
    version: '7',
    name: 'CentOS Linux 7',
    released: '2014-07-07',
    endOfStandard: '2024-06-30',
    source: src.centos,
  },
  {
    family: 'centos',
    version: '8',
    name: 'CentOS Linux 8',
    released: '2019-09-24',
    endOfStandard: '2021-12-31',
    source: src.centos,
  },
  {
    family: 'centos-stream',
    version: '8',
    name: 'CentOS Stream 8',
    released: '2019-09-24',
    endOfStandard: '2024-05-31',
    source: src.centosStream,
  },
  {
    family: 'centos-stream',
    version: '9',
    name: 'CentOS Stream 9',
    released: '2021-09-15',
    endOfStandard: '2027-05-31',
    source: src.centosStream,
  },
  {
    family: 'centos-stream',
    version: '10',
    name: 'CentOS Stream 10',
    released: '2024-12-12',
    endOfStandard: '2030-05-31',
    source: src.centosStream,
  },

  {
    family: 'rhel',
    version: '6',
    name: 'Red Hat Enterprise Linux 6',
    released: '2010-11-10',
    endOfStandard: '2020-11-30',
    endOfExtended: '2024-06-30',
    extendedKind: 'ELS',
    source: src.rhel,
  },
  {
    family: 'rhel',
    version: '7',
    name: 'Red Hat Enterprise Linux 7',
    released: '2014-06-10',
    endOfStandard: '2024-06-30',
    endOfExtended: '2029-05-31',
    extendedKind: 'ELS',
    source: src.rhel,
  },
  {
    family: 'rhel',
    version: '8',
    name: 'Red Hat Enterprise Linux 8',
    released: '2019-05-07',
    endOfStandard: '2029-05-31',
    endOfExtended: '2033-05-31',
    extendedKind: 'ELS',
    source: src.rhel,
  },
  {
    family: 'rhel',
    version: '9',
    name: 'Red Hat Enterprise Linux 9',
    released: '2022-05-18',
    endOfStandard: '2032-05-31',
    endOfExtended: '2036-05-31',
    extendedKind: 'ELS',
    source: src.rhel,
  },
  {
    family: 'rhel',
    version: '10',
    name: 'Red Hat Enterprise Linux 10',
    released: '2025-05-20',
    endOfStandard: '2035-05-31',
    endOfExtended: '2039-05-31',
    extendedKind: 'ELS',
    source: src.rhel,
  },

  {
    family: 'rocky',
    version: '8',
    name: 'Rocky Linux 8',
    released: '2021-05-01',
    endOfStandard: '2029-05-31',
    source: src.rocky,
  },
  {
    family: 'rocky',
    version: '9',
    name: 'Rocky Linux 9',
    released: '2022-07-14',
    endOfStandard: '2032-05-31',
    source: src.rocky,
  },
  {
    family: 'rocky',
    version: '10',
    name: 'Rocky Linux 10',
    released: '2025-06-11',
    endOfStandard: '2035-05-31',
    source: src.rocky,
  },
  {
    family: 'almalinux',
    version: '8',
    name: 'AlmaLinux OS 8',
    released: '2021-03-30',
    endOfStandard: '2029-05-31',
    source: src.alma,
  },
  {
    family: 'almalinux',
    version: '9',
    name: 'AlmaLinux OS 9',
    released: '2022-05-26',
    endOfStandard: '2032-05-31',
    source: src.alma,
  },
  {
    family: 'almalinux',
    version: '10',
    name: 'AlmaLinux OS 10',
    released: '2025-05-27',
    endOfStandard: '2035-05-31',
    source: src.alma,
  },

  {
    family: 'oracle-linux',
    version: '7',
    name: 'Oracle Linux 7',
    released: '2014-07-23',
    endOfStandard: '2024-12-31',
    endOfExtended: '2028-06-30',
    extendedKind: 'extended',
    source: src.oracle,
  },
  {
    family: 'oracle-linux',
    version: '8',
    name: 'Oracle Linux 8',
    released: '2019-07-19',
    endOfStandard: '2029-07-31',
    endOfExtended: '2032-07-31',
    extendedKind: 'extended',
    source: src.oracle,
  },
  {
    family: 'oracle-linux',
    version: '9',
    name: 'Oracle Linux 9',
    released: '2022-07-06',
    endOfStandard: '2032-06-30',
    endOfExtended: '2035-06-30',
    extendedKind: 'extended',
    source: src.oracle,
  },

  {
    family: 'ubuntu',
    version: '14.04',
    name: 'Ubuntu 14.04 LTS',
    released: '2014-04-17',
    endOfStandard: '2019-04-02',
    endOfExtended: '2024-04-02',
    extendedKind: 'ESM',
    source: src.ubuntu,
  },
  {
    family: 'ubuntu',
    version: '16.04',
    name: 'Ubuntu 16.04 LTS',
    released: '2016-04-21',
    endOfStandard: '2021-04-02',
    endOfExtended: '2026-04-02',
    extendedKind: 'ESM',
    source: src.ubuntu,
  },
  {
    family: 'ubuntu',
    version: '18.04',
    name: 'Ubuntu 18.04 LTS',
    released: '2018-04-26',
    endOfStandard: '2023-05-31',
    endOfExtended: '2028-04-01',
    extendedKind: 'ESM',
    source: src.ubuntu,
  },
  {
    family: 'ubuntu',
    version: '20.04',
    name: 'Ubuntu 20.04 LTS',
    released: '2020-04-23',
    endOfStandard: '2025-05-31',
    endOfExtended: '2030-04-02',
    extendedKind: 'ESM',
    source: src.ubuntu,
  },
  {
    family: 'ubuntu',
    version: '22.04',
    name: 'Ubuntu 22.04 LTS',
    released: '2022-04-21',
    endOfStandard: '2027-04-01',
    endOfExtended: '2032-04-09',
    extendedKind: 'ESM',
    source: src.ubuntu,
  },
  {
    family: 'ubuntu',
    version: '23.04',
    name: 'Ubuntu 23.04',
    released: '2023-04-20',
    endOfStandard: '2024-01-20',
    source: src.ubuntu,
  },
  {
    family: 'ubuntu',
    version: '23.10',
    name: 'Ubuntu 23.10',
    released: '2023-10-12',
    endOfStandard: '2024-07-12',
    source: src.ubuntu,
  },
  {
    family: 'ubuntu',
    version: '24.04',
    name: 'Ubuntu 24.04 LTS',
    released: '2024-04-25',
    endOfStandard: '2029-05-31',
    endOfExtended: '2036-05-31',
    extendedKind: 'ESM',
    source: src.ubuntu,
  },
  {
    family: 'ubuntu',
    version: '24.10',
    name: 'Ubuntu 24.10',
    released: '2024-10-10',
    endOfStandard: '2025-07-10',
    source: src.ubuntu,
  },
  {
    family: 'ubuntu',
    version: '25.04',
    name: 'Ubuntu 25.04',
    released: '2025-04-17',
    endOfStandard: '2026-01-17',
    source: src.ubuntu,
  },
  {
    family: 'ubuntu',
    version: '25.10',
    name: 'Ubuntu 25.10',
    released: '2025-10-09',
    endOfStandard: '2026-07-01',
    source: src.ubuntu,
  },
  {
    family: 'ubuntu',
    version: '26.04',
    name: 'Ubuntu 26.04 LTS',
    released: '2026-04-23',
    endOfStandard: '2031-04-30',
    endOfExtended: '2036-04-30',
    extendedKind: 'ESM',
    source: src.ubuntu,
  },

  {
    family: 'debian',
    version: '8',
    name: 'Debian 8 (jessie)',
    released: '2015-04-25',
    endOfStandard: '2018-06-17',
    endOfExtended: '2020-06-30',
    extendedKind: 'LTS',
    source: src.debian,
  },
  {
    family: 'debian',
    version: '9',
    name: 'Debian 9 (stretch)',
    released: '2017-06-17',
    endOfStandard: '2020-07-18',
    endOfExtended: '2022-07-01',
    extendedKind: 'LTS',
    source: src.debian,
  },
  {
    family: 'debian',
    version: '10',
    name: 'Debian 10 (buster)',
    released: '2019-07-06',
    endOfStandard: '2022-09-10',
    endOfExtended: '2024-06-30',
    extendedKind: 'LTS',
    source: src.debian,
  },
  {
    family: 'debian',
    version: '11',
    name: 'Debian 11 (bullseye)',
    released: '2021-08-14',
    endOfStandard: '2024-08-14',
    endOfExtended: '2026-08-31',
    extendedKind: 'LTS',
    source: src.debian,
  },
  {
    family: 'debian',
    version: '12',
    name: 'Debian 12 (bookworm)',
    released: '2023-06-10',
    endOfStandard: '2026-07-11',
    endOfExtended: '2028-06-30',
    extendedKind: 'LTS',
    source: src.debian,
  },
  {
    family: 'debian',
    version: '13',
    name: 'Debian 13 (trixie)',
    released: '2025-08-09',
    endOfStandard: '2028-08-09',
    endOfExtended: '2030-06-30',
    extendedKind: 'LTS',
    source: src.debian,
  },

  // SLES 15 GA to SP3 and 12 SP4 are long past general support; they are here so that SSM's
  // `SLES 15.1` and old `suse-sles-15-sp2` AMIs are reported as end of life rather than unknown.
  {
    family: 'sles',
    version: '12-sp4',
    name: 'SUSE Linux Enterprise Server 12 SP4',
    released: '2018-12-12',
    endOfStandard: '2020-06-30',
    endOfExtended: '2023-06-30',
    extendedKind: 'LTSS',
    source: src.sles,
  },
  {
    family: 'sles',
    version: '12-sp5',
    name: 'SUSE Linux Enterprise Server 12 SP5',
    released: '2019-12-09',
    endOfStandard: '2024-10-31',
    endOfExtended: '2027-10-31',
    extendedKind: 'LTSS',
    source: src.sles,
  },
  {
    family: 'sles',
    version: '15',
    name: 'SUSE Linux Enterprise Server 15',
    released: '2018-07-16',
    endOfStandard: '2019-12-31',
    endOfExtended: '2022-12-31',
    extendedKind: 'LTSS',
    source: src.sles,
  },
  {
    family: 'sles',
    version: '15-sp1',
    name: 'SUSE Linux Enterprise Server 15 SP1',
    released: '2019-06-24',
    endOfStandard: '2021-01-31',
    endOfExtended: '2024-01-31',
    extendedKind: 'LTSS',
    source: src.sles,
  },
  {
    family: 'sles',
    version: '15-sp2',
    name: 'SUSE Linux Enterprise Server 15 SP2',
    released: '2020-07-21',
    endOfStandard: '2021-12-31',
    endOfExtended: '2024-12-31',
    extendedKind: 'LTSS',
    source: src.sles,
  },
  {
    family: 'sles',
    version: '15-sp3',
    name: 'SUSE Linux Enterprise Server 15 SP3',
    released: '2021-06-22',
    endOfStandard: '2022-12-31',
    endOfExtended: '2025-12-31',
    extendedKind: 'LTSS',
    source: src.sles,
  },
  {
    family: 'sles',
    version: '15-sp4',
    name: 'SUSE Linux Enterprise Server 15 SP4',
    released: '2022-06-21',
    endOfStandard: '2023-12-31',
    endOfExtended: '2026-12-31',
    extendedKind: 'LTSS',
    source: src.sles,
  },
  {
    family: 'sles',
    version: '15-sp5',
    name: 'SUSE Linux Enterprise Server 15 SP5',
    released: '2023-06-20',
    endOfStandard: '2024-12-31',
    endOfExtended: '2027-12-31',
    extendedKind: 'LTSS',
    source: src.sles,
  },
  {
    family: 'sles',
    version: '15-sp6',
    name: 'SUSE Linux Enterprise Server 15 SP6',
    released: '2024-06-26',
    endOfStandard: '2025-12-31',
    endOfExtended: '2028-12-31',
    extendedKind: 'LTSS',
    source: src.sles,
  },
  {
    family: 'sles',
    version: '15-sp7',
    name: 'SUSE Linux Enterprise Server 15 SP7',
    released: '2025-06-17',
    endOfStandard: '2031-07-31',
    endOfExtended: '2034-07-31',
    extendedKind: 'LTSS',
    source: src.sles,
  },

  {
    family: 'windows-server',
    version: '2008-r2',
    name: 'Windows Server 2008 R2',
    released: '2011-02-22',
    endOfStandard: '2020-01-14',
    endOfExtended: '2023-01-10',
    extendedKind: 'ESU',
    source: src.windows,
  },
  {
    family: 'windows-server',
    version: '2012',
    name: 'Windows Server 2012',
    released: '2012-10-30',
    endOfStandard: '2023-10-10',
    endOfExtended: '2026-10-13',
    extendedKind: 'ESU',
    source: src.windows,
  },
  {
    family: 'windows-server',
    version: '2012-r2',
    name: 'Windows Server 2012 R2',
    released: '2013-11-25',
    endOfStandard: '2023-10-10',
    endOfExtended: '2026-10-13',
    extendedKind: 'ESU',
    source: src.windows,
  },
  {
    family: 'windows-server',
    version: '2016',
    name: 'Windows Server 2016',
    released: '2016-10-15',
    endOfStandard: '2027-01-12',
    endOfExtended: '2030-01-12',
    extendedKind: 'ESU',
    source: src.windows,
  },
  {
    family: 'windows-server',
    version: '2019',
    name: 'Windows Server 2019',
    released: '2018-11-13',
    endOfStandard: '2029-01-09',
    source: src.windows,
  },
  {
    family: 'windows-server',
    version: '2022',
    name: 'Windows Server 2022',
    released: '2021-08-18',
    endOfStandard: '2031-10-14',
    source: src.windows,
  },
  {
    family: 'windows-server',
    version: '2025',
    name: 'Windows Server 2025',
    released: '2024-11-01',
    endOfStandard: '2034-11-14',
    source: src.windows,
  },
];

const eksVersionRows: readonly (readonly [
  version: string,
  released: string,
  endOfStandard: string,
  endOfExtended: string,
])[] = [
  ['1.23', '2022-08-11', '2023-10-11', '2024-10-11'],
  ['1.24', '2022-11-15', '2024-01-31', '2025-01-31'],
  ['1.25', '2023-02-21', '2024-05-01', '2025-05-01'],
  ['1.26', '2023-04-11', '2024-06-11', '2025-06-11'],
  ['1.27', '2023-05-24', '2024-07-24', '2025-07-24'],
  ['1.28', '2023-09-26', '2024-11-26', '2025-11-26'],
  ['1.29', '2024-01-23', '2025-03-23', '2026-03-23'],
  ['1.30', '2024-05-23', '2025-07-23', '2026-07-23'],
  ['1.31', '2024-09-26', '2025-11-26', '2026-11-26'],
  ['1.32', '2025-01-23', '2026-03-23', '2027-03-23'],
  ['1.33', '2025-05-29', '2026-07-29', '2027-07-29'],
  ['1.34', '2025-10-02', '2026-12-02', '2027-12-02'],
  ['1.35', '2026-01-28', '2027-03-27', '2028-03-27'],
];

/**
 * Kubernetes versions on EKS. Versions before 1.23 are long past extended support and are not
 * listed; `eks:DescribeClusterVersions` gives live dates and is preferred when it can be reached.
 */
export const eksVersionCatalogue: readonly EksVersionLifecycle[] = eksVersionRows.map(
  ([version, released, endOfStandard, endOfExtended]) => ({
    version,
    released,
    endOfStandard,
    endOfExtended,
    source: src.eks,
  }),
);

const eksAl2AmiTypes: readonly (readonly [amiType: string, name: string])[] = [
  ['AL2_x86_64', 'EKS-optimized Amazon Linux 2 (x86_64)'],
  ['AL2_x86_64_GPU', 'EKS-optimized accelerated Amazon Linux 2 (x86_64, GPU)'],
  ['AL2_ARM_64', 'EKS-optimized Amazon Linux 2 (arm64)'],
];

/** EKS node group AMI types whose operating system has a published end of support. */
export const eksAmiTypeCatalogue: readonly EksAmiTypeLifecycle[] = eksAl2AmiTypes.map(
  ([amiType, name]): EksAmiTypeLifecycle => ({
    amiType,
    os: { family: 'amazon-linux', version: '2' },
    name,
    endOfSupport: '2025-11-26',
    source: src.eksAl2,
  }),
);

const osIndex = new Map(osCatalogue.map((entry) => [`${entry.family}/${entry.version}`, entry]));
const eksVersionIndex = new Map(eksVersionCatalogue.map((entry) => [entry.version, entry]));
const eksAmiTypeIndex = new Map(eksAmiTypeCatalogue.map((entry) => [entry.amiType, entry]));

/** The catalogue entry of an OS version (`'centos'`, `'7'`), or undefined when it is not catalogued. */
export function osLifecycle(family: string, version: string): OsLifecycle | undefined {
  return osIndex.get(`${family}/${version}`);
}

/** The EKS dates of a Kubernetes `major.minor` version (`'1.29'`), or undefined when not catalogued. */
export function eksVersionLifecycle(version: string): EksVersionLifecycle | undefined {
  return eksVersionIndex.get(version);
}

/**
 * The end of support of a node group AMI type (`'AL2_x86_64'`), or undefined for AMI types with no
 * known end (AL2023, Bottlerocket, Windows, `CUSTOM`).
 */
export function eksAmiTypeLifecycle(amiType: string): EksAmiTypeLifecycle | undefined {
  return eksAmiTypeIndex.get(amiType);
}
