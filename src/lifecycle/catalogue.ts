/**
 * The lifecycle catalogue: when each operating system version, EKS Kubernetes version and EKS node
 * group AMI type stops getting security fixes, and what kind of support (free or paid) runs after
 * standard support. Rules receive it in `ctx.lifecycle` and judge it with `src/lifecycle/verdict.ts`
 * (plain data, no I/O, no clock); OS detection uses its keys (`family` + `version`) and names.
 *
 * How to refresh it:
 * 1. Take the product files from the endoflife-date/endoflife.date repository (`products/<name>.md`:
 *    `amazon-linux`, `centos`, `centos-stream`, `rhel`, `rocky-linux`, `almalinux`, `oracle-linux`,
 *    `ubuntu`, `debian`, `sles`, `windows-server`, `windows-nano-server`, `freebsd`, `amazon-eks`).
 *    Their `releaseDate` is `released`, `eol` is `endOfStandard` and `eoes` (or the vendor's
 *    paid/long-term phase) is `extended.end`.
 * 2. Cross-check each changed date with the vendor page named in the entry's `source`; the vendor
 *    wins when they disagree, and the source says so. A date that could not be checked against the
 *    vendor (or that the vendor gives only as a month) gets `confirmed: false` and a `note` saying
 *    what is missing; never make a date more precise than its source.
 * 3. Record for every extended phase whether security fixes flow for free (`access: 'free'`: Debian
 *    LTS, Amazon Linux maintenance support, ESPOS included with SLES for SAP) or only with a paid
 *    product (`access: 'paid'`, with the `product` to buy: ESU, ESM, ELS, LTSS, EUS).
 * 4. Add new versions (a new entry needs a human `name`, a `source`, and, for a family detected from
 *    AMI names or SSM, a test case in `test/unit/inventory/os-detection.test.ts`), move
 *    `catalogueDate` to the day of the review, and run `test/unit/lifecycle/`, which checks that
 *    dates parse, are ordered, that every family/version pair is unique and that versions order.
 *
 * Dates are `YYYY-MM-DD`, the last day of support. Nothing here reads the clock: whether a date has
 * passed is for the verdict to decide with `ctx.now`.
 */

import { type FargatePlatformRetirement, fargatePlatformRetirements } from './fargate.ts';

/** The day this catalogue was last reviewed against its sources (endoflife.date snapshot of 2026-08-22). */
export const catalogueDate = '2026-12-06';

/** What the support after standard support is called by its vendor. */
export type ExtendedKind =
  | 'ELS'
  | 'ESM'
  | 'ESPOS'
  | 'ESU'
  | 'EUS'
  | 'LTS'
  | 'LTSS'
  | 'maintenance'
  | 'extended';

/**
 * `free`: security fixes keep flowing with nothing more to buy (Debian LTS, Amazon Linux maintenance
 * support, ESPOS that comes with the SLES for SAP subscription the image already carries).
 * `paid`: fixes flow only for those who buy the named product (ESU, ESM, ELS, LTSS, EUS, EKS
 * extended support): unpatched unless you pay.
 */
export type SupportAccess = 'free' | 'paid';

/** The phase after standard support. */
export interface ExtendedPhase {
  /** Its last day. */
  end: string;
  kind: ExtendedKind;
  access: SupportAccess;
  /** For `paid`: the product to buy, e.g. `Ubuntu Pro (ESM)`. */
  product?: string;
}

/** Catalogue family ids and their human names. Detection emits these ids. */
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
  /** SLES for SAP Applications: its service packs carry ESPOS after general support. */
  'sles-sap': 'SUSE Linux Enterprise Server for SAP Applications',
  'windows-server': 'Windows Server',
  /** Semi-Annual and Annual Channel builds, keyed `1709` … `2004`, `20h2`, `23h2`. */
  'windows-server-sac': 'Windows Server (Semi-Annual or Annual Channel)',
  /** The Nano Server installation option (`2016`), serviced on the Semi-Annual Channel. */
  'windows-nano-server': 'Windows Server Nano Server',
  /** Keyed by release (`14.1`) or by stable branch (`14`). */
  freebsd: 'FreeBSD',
  /**
   * Keyed by variant (`aws-k8s-1.29`, `aws-ecs-2`): no dates of its own; a Kubernetes variant is
   * judged by the EKS version it targets.
   */
  bottlerocket: 'Bottlerocket',
} as const;

export type OsFamily = keyof typeof osFamilyNames;

/** One operating system version and its support dates. */
export interface OsLifecycle {
  family: OsFamily;
  /**
   * The version key detection produces, e.g. `2`, `7`, `20.04`, `15-sp5`, `2012-r2`, `2018.03`;
   * a RHEL minor release reported by SSM (`8.6`) is its own entry.
   */
  version: string;
  /** Human name, e.g. `CentOS Linux 7`. */
  name: string;
  /** General availability; absent when the vendor published no day. */
  released?: string;
  /** End of the vendor's standard security support (Windows: the end of Microsoft's extended support). */
  endOfStandard: string;
  /** The phase after `endOfStandard`, where there is one. */
  extended?: ExtendedPhase;
  /**
   * `minor-release`: a point release of a line catalogued by its major version too (RHEL `8.6`
   * against `8`, FreeBSD `14.1` against `14`); never proposed as an upgrade target.
   */
  stream?: 'minor-release';
  /** Where the dates come from. */
  source: string;
  /** `false` when a date could not be checked against the vendor; `note` says which and why. */
  confirmed?: false;
  note?: string;
}

/** A release that exists but whose vendor published no end date yet: nothing to judge. */
export interface OsReleaseWithoutEnd {
  family: OsFamily;
  version: string;
  name: string;
  released: string;
  source: string;
  note: string;
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
  confirmed?: false;
  note?: string;
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

/** Everything a lifecycle verdict needs, handed to rules in `ctx.lifecycle`. */
export interface LifecycleCatalogue {
  date: string;
  os: readonly OsLifecycle[];
  osWithoutEnd: readonly OsReleaseWithoutEnd[];
  /** Keys detection may produce under another family: `windows-server/1809` is a SAC build. */
  osAliases: Readonly<Record<string, { family: OsFamily; version: string }>>;
  eksVersions: readonly EksVersionLifecycle[];
  eksAmiTypes: readonly EksAmiTypeLifecycle[];
  /** Fargate platform versions AWS retired or will retire (`src/lifecycle/fargate.ts`). */
  fargatePlatformVersions: readonly FargatePlatformRetirement[];
}

const eol = 'endoflife.date (snapshot 2026-08-22)';
const src = {
  amazonLinux1: `${eol} amazon-linux; https://aws.amazon.com/blogs/aws/update-on-amazon-linux-ami-end-of-life/`,
  amazonLinux2: `${eol} amazon-linux; https://aws.amazon.com/amazon-linux-2/faqs/`,
  amazonLinux2022:
    'https://github.com/amazonlinux/amazon-linux-2023 (AL2022 was a preview, renamed Amazon Linux 2023 at GA)',
  amazonLinux2023:
    'https://docs.aws.amazon.com/linux/al2023/ug/release-cadence.html; GA 2023-03-15 per https://github.com/amazonlinux/amazon-linux-2023 (endoflife.date says 2023-03-01)',
  centos: `${eol} centos; https://www.centos.org/centos-linux-eol/`,
  centosStream: `${eol} centos-stream; https://www.centos.org/cl-vs-cs/`,
  rhel: `${eol} rhel; https://access.redhat.com/support/policy/updates/errata`,
  rhel7:
    'https://www.redhat.com/en/blog/announcing-4-years-extended-life-cycle-support-els-red-hat-enterprise-linux-7 (ELS for four years from 2024-07-01; endoflife.date says 2029-05-31); https://access.redhat.com/support/policy/updates/errata',
  rhelEus:
    'https://access.redhat.com/support/policy/updates/errata (EUS), https://access.redhat.com/articles/3078 (release dates)',
  rocky: `${eol} rocky-linux; https://wiki.rockylinux.org/rocky/version/`,
  alma: `${eol} almalinux; https://wiki.almalinux.org/release-notes/`,
  alma8:
    'https://wiki.almalinux.org/release-notes/ (AlmaLinux 8 security support to 2029-03-01; endoflife.date says 2029-05-31)',
  oracle: `${eol} oracle-linux; https://www.oracle.com/a/ocom/docs/elsp-lifetime-069338.pdf`,
  ubuntu: `${eol} ubuntu; https://ubuntu.com/about/release-cycle`,
  debian: `${eol} debian; https://wiki.debian.org/LTS`,
  sles: `${eol} sles; https://www.suse.com/lifecycle/`,
  slesSap: 'https://www.suse.com/lifecycle/ (SUSE Linux Enterprise Server for SAP Applications)',
  windows: 'https://learn.microsoft.com/lifecycle/products/?terms=Windows%20Server',
  windowsSac: `${eol} windows-server; https://learn.microsoft.com/lifecycle/products/windows-server-semiannual-channel`,
  windowsBaseImages:
    'https://learn.microsoft.com/virtualization/windowscontainers/deploy-containers/base-image-lifecycle',
  freebsd: `${eol} freebsd; https://www.freebsd.org/security/#sup`,
  eks: 'https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html',
  eksAl2: 'https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html',
} as const;

const product = {
  rhelEls: 'Red Hat Enterprise Linux Extended Life Cycle Support (ELS) Add-On',
  rhelEus: 'Red Hat Enterprise Linux Extended Update Support (EUS) Add-On',
  oracle: 'Oracle Linux Extended Support (an Oracle Linux Premier Support subscription)',
  ubuntuPro: 'Ubuntu Pro (ESM)',
  slesLtss: 'SUSE Linux Enterprise Server Long Term Service Pack Support (LTSS)',
  windowsEsu: 'Windows Server Extended Security Updates (ESU)',
} as const;

const paid = (end: string, kind: ExtendedKind, name: string): ExtendedPhase => ({
  end,
  kind,
  access: 'paid',
  product: name,
});
const free = (end: string, kind: ExtendedKind): ExtendedPhase => ({ end, kind, access: 'free' });

/** Amazon Linux AMI (first generation) releases: one rolling line whose last release was 2018.03. */
const amazonLinux1Rows: readonly (readonly [version: string, released: string])[] = [
  ['2010.11', '2010-12-01'],
  ['2011.09', '2011-09-26'],
  ['2012.03', '2012-03-28'],
  ['2012.09', '2012-10-11'],
  ['2013.03', '2013-03-27'],
  ['2013.09', '2013-09-30'],
  ['2014.03', '2014-03-27'],
  ['2014.09', '2014-09-23'],
  ['2015.03', '2015-03-24'],
  ['2015.09', '2015-09-22'],
  ['2016.03', '2016-03-22'],
  ['2016.09', '2016-11-16'],
  ['2017.03', '2017-04-07'],
  ['2017.09', '2017-11-03'],
  ['2018.03', '2018-04-25'],
];

/** SLES service packs: general support, then LTSS (paid) where SUSE offered it. */
const slesRows: readonly (readonly [
  version: string,
  name: string,
  released: string,
  generalEnds: string,
  ltssEnds: string | undefined,
])[] = [
  ['10', '10', '2006-07-17', '2007-12-31', undefined],
  ['10-sp1', '10 SP1', '2007-06-18', '2008-11-30', '2010-12-31'],
  ['10-sp2', '10 SP2', '2008-05-19', '2010-04-11', '2013-04-10'],
  ['10-sp3', '10 SP3', '2009-10-12', '2011-10-11', '2014-10-31'],
  ['10-sp4', '10 SP4', '2011-04-12', '2013-07-31', '2016-07-30'],
  ['11', '11', '2009-03-24', '2010-12-31', undefined],
  ['11-sp1', '11 SP1', '2010-06-02', '2012-08-31', '2015-08-30'],
  ['11-sp2', '11 SP2', '2012-02-29', '2014-01-31', '2017-01-30'],
  ['11-sp3', '11 SP3', '2013-07-01', '2016-01-31', '2019-01-30'],
  ['11-sp4', '11 SP4', '2015-07-15', '2019-03-31', '2022-03-31'],
  ['12', '12', '2014-10-27', '2016-06-30', '2019-07-01'],
  ['12-sp1', '12 SP1', '2015-12-15', '2017-05-31', '2020-05-31'],
  ['12-sp2', '12 SP2', '2016-11-08', '2018-03-31', '2021-03-31'],
  ['12-sp3', '12 SP3', '2017-09-07', '2019-06-30', '2022-06-30'],
  ['12-sp4', '12 SP4', '2018-12-12', '2020-06-30', '2023-06-30'],
  ['12-sp5', '12 SP5', '2019-12-09', '2024-10-31', '2027-10-31'],
  ['15', '15', '2018-07-16', '2019-12-31', '2022-12-31'],
  ['15-sp1', '15 SP1', '2019-06-24', '2021-01-31', '2024-01-31'],
  ['15-sp2', '15 SP2', '2020-07-21', '2021-12-31', '2024-12-31'],
  ['15-sp3', '15 SP3', '2021-06-22', '2022-12-31', '2025-12-31'],
  ['15-sp4', '15 SP4', '2022-06-21', '2023-12-31', '2026-12-31'],
  ['15-sp5', '15 SP5', '2023-06-20', '2024-12-31', '2027-12-31'],
  ['15-sp6', '15 SP6', '2024-06-26', '2025-12-31', '2028-12-31'],
  ['15-sp7', '15 SP7', '2025-06-17', '2031-07-31', '2034-07-31'],
];

/** FreeBSD releases (`releng/X.Y`) and stable branches (`stable/X`); security support is free. */
const freebsdRows: readonly (readonly [version: string, released: string, end: string])[] = [
  ['11', '2016-10-10', '2021-09-30'],
  ['12.0', '2018-12-11', '2020-02-29'],
  ['12.1', '2019-11-04', '2021-01-31'],
  ['12.2', '2020-10-27', '2022-03-31'],
  ['12.3', '2021-12-07', '2023-03-31'],
  ['12.4', '2022-12-05', '2023-12-31'],
  ['12', '2018-12-11', '2023-12-31'],
  ['13.0', '2021-04-13', '2022-08-31'],
  ['13.1', '2022-05-16', '2023-07-31'],
  ['13.2', '2023-04-11', '2024-06-30'],
  ['13.3', '2024-03-05', '2024-12-31'],
  ['13.4', '2024-09-17', '2025-06-30'],
  ['13.5', '2025-03-11', '2026-04-30'],
  ['13', '2021-04-13', '2026-04-30'],
  ['14.0', '2023-11-20', '2024-09-30'],
  ['14.1', '2024-06-04', '2025-03-31'],
  ['14.2', '2024-12-03', '2025-09-30'],
  ['14.3', '2025-06-10', '2026-06-30'],
  ['14.4', '2026-03-10', '2026-12-31'],
  ['14', '2023-11-20', '2028-11-30'],
  ['15.0', '2025-12-02', '2026-09-30'],
  ['15.1', '2026-06-16', '2027-03-31'],
  ['15', '2025-12-02', '2029-12-31'],
];

/** Windows Server Semi-Annual Channel builds (and the one Annual Channel build): no extended phase. */
const windowsSacRows: readonly (readonly [version: string, name: string, released: string, end: string])[] = [
  ['1709', 'Windows Server, version 1709', '2017-10-17', '2019-04-09'],
  ['1803', 'Windows Server, version 1803', '2018-04-30', '2019-11-12'],
  ['1809', 'Windows Server, version 1809 (Semi-Annual Channel)', '2018-11-13', '2020-11-10'],
  ['1903', 'Windows Server, version 1903', '2019-05-21', '2020-12-08'],
  ['1909', 'Windows Server, version 1909', '2019-11-12', '2021-05-11'],
  ['2004', 'Windows Server, version 2004', '2020-05-27', '2021-12-14'],
  ['20h2', 'Windows Server, version 20H2', '2020-10-20', '2022-08-09'],
];

/**
 * Operating systems. For Windows Server, `endOfStandard` is the end of Microsoft's extended support
 * (mainstream support ends earlier: 2016 on 2022-01-11, 2019 on 2024-01-09, 2022 on 2026-10-13),
 * because security updates continue for free until then.
 */
export const osCatalogue: readonly OsLifecycle[] = [
  // Amazon Linux AMI was one rolling line: every release is updated in place to the latest, so each
  // shares the line's dates (the maintenance phase gave security fixes for free).
  ...amazonLinux1Rows.map(
    ([version, released]): OsLifecycle => ({
      family: 'amazon-linux',
      version,
      name: `Amazon Linux AMI ${version}`,
      released,
      endOfStandard: '2020-12-31',
      extended: free('2023-12-31', 'maintenance'),
      source: src.amazonLinux1,
    }),
  ),
  {
    family: 'amazon-linux',
    version: '2',
    name: 'Amazon Linux 2',
    released: '2018-06-26',
    endOfStandard: '2026-06-30',
    source: src.amazonLinux2,
  },
  {
    family: 'amazon-linux',
    version: '2022',
    name: 'Amazon Linux 2022 (preview)',
    endOfStandard: '2023-03-15',
    source: src.amazonLinux2022,
    confirmed: false,
    note:
      'A preview (from November 2021) that AWS never supported for production and ended when it was ' +
      'renamed Amazon Linux 2023 at general availability on 2023-03-15; AWS published no end date of ' +
      'its own for the preview, so that day stands in for it.',
  },
  {
    family: 'amazon-linux',
    version: '2023',
    name: 'Amazon Linux 2023',
    released: '2023-03-15',
    endOfStandard: '2027-06-30',
    // AWS calls the last two years "maintenance support": security fixes only, at no charge.
    extended: free('2029-06-30', 'maintenance'),
    source: src.amazonLinux2023,
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
    extended: paid('2024-06-30', 'ELS', product.rhelEls),
    source: src.rhel,
  },
  {
    family: 'rhel',
    version: '7',
    name: 'Red Hat Enterprise Linux 7',
    released: '2014-06-10',
    endOfStandard: '2024-06-30',
    extended: paid('2028-06-30', 'ELS', product.rhelEls),
    source: src.rhel7,
  },
  {
    family: 'rhel',
    version: '8',
    name: 'Red Hat Enterprise Linux 8',
    released: '2019-05-07',
    endOfStandard: '2029-05-31',
    extended: paid('2033-05-31', 'ELS', product.rhelEls),
    source: src.rhel,
    confirmed: false,
    note: 'ELS end from endoflife.date; a summary of Red Hat’s page gives 2032-05-31. Check the errata policy page.',
  },
  {
    family: 'rhel',
    version: '9',
    name: 'Red Hat Enterprise Linux 9',
    released: '2022-05-18',
    endOfStandard: '2032-05-31',
    extended: paid('2036-05-31', 'ELS', product.rhelEls),
    source: src.rhel,
    confirmed: false,
    note: 'ELS end from endoflife.date; a summary of Red Hat’s page gives 2035-05-31. Check the errata policy page.',
  },
  {
    family: 'rhel',
    version: '10',
    name: 'Red Hat Enterprise Linux 10',
    released: '2025-05-20',
    endOfStandard: '2035-05-31',
    extended: paid('2039-05-31', 'ELS', product.rhelEls),
    source: src.rhel,
    confirmed: false,
    note: 'ELS end from endoflife.date; a summary of Red Hat’s page gives 2038-05-31. Check the errata policy page.',
  },
  // RHEL minor releases, as SSM reports them (`8.6`): a minor release gets fixes until the next one
  // ships (its `endOfStandard` is the day before), then only through the paid EUS add-on, for the
  // even minors Red Hat offers it for. The last minor of a line (8.10) is the line itself (`8`).
  ...(
    [
      ['8.4', '2021-05-18', '2021-11-08', '2023-05-31'],
      ['8.6', '2022-05-10', '2022-11-08', '2024-05-31'],
      ['8.8', '2023-05-16', '2023-11-13', '2025-05-31'],
      ['9.0', '2022-05-17', '2022-11-14', '2024-05-31'],
      ['9.2', '2023-05-10', '2023-11-06', '2025-05-31'],
      ['9.4', '2024-04-30', '2024-11-11', '2026-04-30'],
      ['9.5', '2024-11-12', '2025-05-19', undefined],
      ['9.6', '2025-05-20', '2025-11-10', '2027-05-31'],
    ] as const
  ).map(
    ([version, released, endOfStandard, eusEnds]): OsLifecycle => ({
      family: 'rhel',
      version,
      name: `Red Hat Enterprise Linux ${version}`,
      released,
      endOfStandard,
      ...(eusEnds ? { extended: paid(eusEnds, 'EUS', product.rhelEus) } : {}),
      stream: 'minor-release',
      source: src.rhelEus,
      confirmed: false,
      note:
        'Minor release and EUS dates as recorded from Red Hat’s release-date and EUS tables, not ' +
        're-checked against them in this review; the end of standard support is the day before the ' +
        'next minor release.',
    }),
  ),

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
    endOfStandard: '2029-03-01',
    source: src.alma8,
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

  // Oracle publishes months ("March 2021"); the last day of the month stands for each.
  {
    family: 'oracle-linux',
    version: '6',
    name: 'Oracle Linux 6',
    released: '2011-02-12',
    endOfStandard: '2021-03-31',
    extended: paid('2024-12-31', 'extended', product.oracle),
    source: src.oracle,
  },
  {
    family: 'oracle-linux',
    version: '7',
    name: 'Oracle Linux 7',
    released: '2014-07-23',
    endOfStandard: '2024-12-31',
    extended: paid('2028-06-30', 'extended', product.oracle),
    source: src.oracle,
  },
  {
    family: 'oracle-linux',
    version: '8',
    name: 'Oracle Linux 8',
    released: '2019-07-19',
    endOfStandard: '2029-07-31',
    extended: paid('2032-07-31', 'extended', product.oracle),
    source: src.oracle,
  },
  {
    family: 'oracle-linux',
    version: '9',
    name: 'Oracle Linux 9',
    released: '2022-07-06',
    endOfStandard: '2032-06-30',
    extended: paid('2035-06-30', 'extended', product.oracle),
    source: src.oracle,
  },

  {
    family: 'ubuntu',
    version: '14.04',
    name: 'Ubuntu 14.04 LTS',
    released: '2014-04-17',
    endOfStandard: '2019-04-02',
    extended: paid('2024-04-02', 'ESM', product.ubuntuPro),
    source: src.ubuntu,
  },
  {
    family: 'ubuntu',
    version: '16.04',
    name: 'Ubuntu 16.04 LTS',
    released: '2016-04-21',
    endOfStandard: '2021-04-02',
    extended: paid('2026-04-02', 'ESM', product.ubuntuPro),
    source: src.ubuntu,
  },
  {
    family: 'ubuntu',
    version: '18.04',
    name: 'Ubuntu 18.04 LTS',
    released: '2018-04-26',
    endOfStandard: '2023-05-31',
    extended: paid('2028-04-01', 'ESM', product.ubuntuPro),
    source: src.ubuntu,
  },
  {
    family: 'ubuntu',
    version: '20.04',
    name: 'Ubuntu 20.04 LTS',
    released: '2020-04-23',
    endOfStandard: '2025-05-31',
    extended: paid('2030-04-02', 'ESM', product.ubuntuPro),
    source: src.ubuntu,
  },
  {
    // ESM only: the Legacy add-on (to 2034) is a separate purchase and not counted.
    family: 'ubuntu',
    version: '22.04',
    name: 'Ubuntu 22.04 LTS',
    released: '2022-04-21',
    endOfStandard: '2027-04-01',
    extended: paid('2032-04-09', 'ESM', product.ubuntuPro),
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
    extended: paid('2034-04-30', 'ESM', product.ubuntuPro),
    source: `${src.ubuntu} (ESM to April 2034; endoflife.date's 2036-05-31 is the separate Legacy add-on)`,
    confirmed: false,
    note: 'Canonical gives the end of ESM as a month (April 2034); its last day stands for it.',
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
    extended: paid('2036-04-30', 'ESM', product.ubuntuPro),
    source: src.ubuntu,
    confirmed: false,
    note: 'Canonical gives both ends as months (April 2031, April 2036); their last days stand for them.',
  },

  {
    family: 'debian',
    version: '8',
    name: 'Debian 8 (jessie)',
    released: '2015-04-25',
    endOfStandard: '2018-06-17',
    extended: free('2020-06-30', 'LTS'),
    source: src.debian,
  },
  {
    family: 'debian',
    version: '9',
    name: 'Debian 9 (stretch)',
    released: '2017-06-17',
    endOfStandard: '2020-07-18',
    extended: free('2022-07-01', 'LTS'),
    source: src.debian,
  },
  {
    family: 'debian',
    version: '10',
    name: 'Debian 10 (buster)',
    released: '2019-07-06',
    endOfStandard: '2022-09-10',
    extended: free('2024-06-30', 'LTS'),
    source: src.debian,
  },
  {
    family: 'debian',
    version: '11',
    name: 'Debian 11 (bullseye)',
    released: '2021-08-14',
    endOfStandard: '2024-08-14',
    extended: free('2026-08-31', 'LTS'),
    source: src.debian,
  },
  {
    family: 'debian',
    version: '12',
    name: 'Debian 12 (bookworm)',
    released: '2023-06-10',
    endOfStandard: '2026-07-11',
    extended: free('2028-06-30', 'LTS'),
    source: src.debian,
  },
  {
    family: 'debian',
    version: '13',
    name: 'Debian 13 (trixie)',
    released: '2025-08-09',
    endOfStandard: '2028-08-09',
    extended: free('2030-06-30', 'LTS'),
    source: src.debian,
  },

  ...slesRows.map(
    ([version, name, released, generalEnds, ltssEnds]): OsLifecycle => ({
      family: 'sles',
      version,
      name: `SUSE Linux Enterprise Server ${name}`,
      released,
      endOfStandard: generalEnds,
      ...(ltssEnds ? { extended: paid(ltssEnds, 'LTSS', product.slesLtss) } : {}),
      source: src.sles,
    }),
  ),
  {
    family: 'sles',
    version: '16',
    name: 'SUSE Linux Enterprise Server 16.0',
    released: '2025-11-04',
    endOfStandard: '2027-11-30',
    extended: paid('2030-11-30', 'LTS', 'SUSE Linux Enterprise Server 16 Long Term Support'),
    source: src.sles,
    confirmed: false,
    note: 'SLES 16 renamed LTSS to "LTS"; its dates and that it is sold separately were not re-checked with SUSE.',
  },
  // SLES for SAP Applications: Extended Service Pack Overlap Support comes with the subscription.
  ...slesRows
    .filter(([version]) => version.startsWith('15-sp'))
    .map(
      ([version, name, released, generalEnds, ltssEnds]): OsLifecycle => ({
        family: 'sles-sap',
        version,
        name: `SUSE Linux Enterprise Server for SAP Applications ${name}`,
        released,
        endOfStandard: generalEnds,
        extended: free(ltssEnds ?? generalEnds, 'ESPOS'),
        source: src.slesSap,
        confirmed: false,
        note:
          'ESPOS end taken as the plain SLES service pack’s LTSS end; check the SLES for SAP table on ' +
          'SUSE’s lifecycle page.',
      }),
    ),

  {
    family: 'windows-server',
    version: '2003',
    name: 'Windows Server 2003',
    released: '2003-05-28',
    endOfStandard: '2015-07-14',
    source: src.windows,
  },
  {
    family: 'windows-server',
    version: '2003-r2',
    name: 'Windows Server 2003 R2',
    endOfStandard: '2015-07-14',
    source: src.windows,
  },
  {
    // Microsoft sold ESU for a fourth year (to 2024-01-09) on Azure only; outside Azure it ended here.
    family: 'windows-server',
    version: '2008',
    name: 'Windows Server 2008',
    released: '2008-05-06',
    endOfStandard: '2020-01-14',
    extended: paid('2023-01-10', 'ESU', product.windowsEsu),
    source: `${src.windows}; https://learn.microsoft.com/lifecycle/products/windows-server-2008`,
  },
  {
    family: 'windows-server',
    version: '2008-r2',
    name: 'Windows Server 2008 R2',
    released: '2009-10-22',
    endOfStandard: '2020-01-14',
    extended: paid('2023-01-10', 'ESU', product.windowsEsu),
    source: `${src.windows}; https://learn.microsoft.com/lifecycle/products/windows-server-2008-r2`,
  },
  {
    family: 'windows-server',
    version: '2012',
    name: 'Windows Server 2012',
    released: '2012-10-30',
    endOfStandard: '2023-10-10',
    extended: paid('2026-10-13', 'ESU', product.windowsEsu),
    source: `${src.windows}; https://learn.microsoft.com/lifecycle/products/windows-server-2012`,
  },
  {
    family: 'windows-server',
    version: '2012-r2',
    name: 'Windows Server 2012 R2',
    released: '2013-11-25',
    endOfStandard: '2023-10-10',
    extended: paid('2026-10-13', 'ESU', product.windowsEsu),
    source: `${src.windows}; https://learn.microsoft.com/lifecycle/products/windows-server-2012-r2`,
  },
  {
    // Microsoft has published no ESU for 2016 (endoflife.date's 2030-01-12 is not Microsoft's).
    family: 'windows-server',
    version: '2016',
    name: 'Windows Server 2016',
    released: '2016-10-15',
    endOfStandard: '2027-01-12',
    source: `${src.windows}; https://learn.microsoft.com/lifecycle/products/windows-server-2016`,
  },
  {
    family: 'windows-server',
    version: '2019',
    name: 'Windows Server 2019',
    released: '2018-11-13',
    endOfStandard: '2029-01-09',
    source: `${src.windows}; https://learn.microsoft.com/lifecycle/products/windows-server-2019`,
  },
  {
    family: 'windows-server',
    version: '2022',
    name: 'Windows Server 2022',
    released: '2021-08-18',
    endOfStandard: '2031-10-14',
    source: `${src.windows}; https://learn.microsoft.com/lifecycle/products/windows-server-2022`,
  },
  {
    family: 'windows-server',
    version: '2025',
    name: 'Windows Server 2025',
    released: '2024-11-01',
    endOfStandard: '2034-11-14',
    source: `${src.windows}; https://learn.microsoft.com/lifecycle/products/windows-server-2025`,
    confirmed: false,
    note:
      'The lifecycle page gives 2034-11-14 (mainstream to 2029-11-13); the release-information page ' +
      '(https://learn.microsoft.com/windows/release-health/windows-server-release-info) has given ' +
      '2034-10-10 (mainstream to 2029-10-09). Settle it with Microsoft’s current pages.',
  },
  ...windowsSacRows.map(
    ([version, name, released, end]): OsLifecycle => ({
      family: 'windows-server-sac',
      version,
      name,
      released,
      endOfStandard: end,
      source: ['1709', '1803', '1809'].includes(version) ? src.windowsBaseImages : src.windowsSac,
    }),
  ),
  {
    family: 'windows-server-sac',
    version: '23h2',
    name: 'Windows Server, version 23H2 (Annual Channel)',
    released: '2023-10-24',
    endOfStandard: '2026-05-12',
    source: `${eol} windows-server; https://support.microsoft.com/servicing/os/windows-server/2026/05/end-of-updates-statement`,
    confirmed: false,
    note: 'Annual Channel policy gave 2025-10-24; the snapshot cites a later end-of-updates statement.',
  },
  {
    // Read from `Windows_Server-2016-English-Nano-Base` images, which are not Windows Server 2016 LTSC.
    family: 'windows-nano-server',
    version: '2016',
    name: 'Windows Server 2016 Nano Server',
    released: '2016-10-15',
    endOfStandard: '2018-10-09',
    source: `${src.windowsBaseImages} (sac2016: 10/09/2018; endoflife.date's 2018-09-10 swaps day and month)`,
  },

  ...freebsdRows.map(
    ([version, released, end]): OsLifecycle => ({
      family: 'freebsd',
      version,
      name: version.includes('.') ? `FreeBSD ${version}-RELEASE` : `FreeBSD ${version} (stable/${version})`,
      released,
      endOfStandard: end,
      ...(version.includes('.') ? { stream: 'minor-release' as const } : {}),
      source: src.freebsd,
    }),
  ),
];

/** Releases in use whose vendor has not published an end of support yet. */
export const osWithoutEnd: readonly OsReleaseWithoutEnd[] = [
  {
    family: 'oracle-linux',
    version: '10',
    name: 'Oracle Linux 10',
    released: '2025-06-26',
    source: src.oracle,
    note: 'Oracle has not published the end of Premier or Extended Support for Oracle Linux 10.',
  },
];

/** Detection reads SAC build numbers as Windows Server "years"; these keys are SAC builds. */
const osAliases: LifecycleCatalogue['osAliases'] = Object.fromEntries(
  [...windowsSacRows.map(([version]) => version), '23h2'].map((version) => [
    `windows-server/${version}`,
    { family: 'windows-server-sac' as const, version },
  ]),
);

const eksVersionRows: readonly (readonly [
  version: string,
  released: string,
  endOfStandard: string,
  endOfExtended: string,
  confirmed?: false,
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
  // The EKS user guide's release calendar gives these release days (endoflife.date: 01-25, 05-28, 10-06).
  ['1.32', '2025-01-23', '2026-03-23', '2027-03-23'],
  ['1.33', '2025-05-29', '2026-07-29', '2027-07-29'],
  ['1.34', '2025-10-02', '2026-12-02', '2027-12-02'],
  ['1.35', '2026-01-28', '2027-03-27', '2028-03-27', false],
  ['1.36', '2026-06-02', '2027-08-02', '2028-08-02', false],
];

/**
 * Kubernetes versions on EKS. Versions before 1.23 are long past extended support and are not
 * listed; `eks:DescribeClusterVersions` gives live dates and is preferred when it can be reached.
 */
export const eksVersionCatalogue: readonly EksVersionLifecycle[] = eksVersionRows.map(
  ([version, released, endOfStandard, endOfExtended, confirmed]) => ({
    version,
    released,
    endOfStandard,
    endOfExtended,
    source: confirmed === false ? `${eol} amazon-eks; ${src.eks}` : src.eks,
    ...(confirmed === false
      ? {
          confirmed,
          note: 'From endoflife.date; the stored copy of the EKS release calendar ends at 1.34.',
        }
      : {}),
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

/** The catalogue as one value, for `RuleContext.lifecycle`. */
export const lifecycleCatalogue: LifecycleCatalogue = {
  date: catalogueDate,
  os: osCatalogue,
  osWithoutEnd,
  osAliases,
  eksVersions: eksVersionCatalogue,
  eksAmiTypes: eksAmiTypeCatalogue,
  fargatePlatformVersions: fargatePlatformRetirements,
};

const osIndex = new Map(osCatalogue.map((entry) => [`${entry.family}/${entry.version}`, entry]));
const eksVersionIndex = new Map(eksVersionCatalogue.map((entry) => [entry.version, entry]));
const eksAmiTypeIndex = new Map(eksAmiTypeCatalogue.map((entry) => [entry.amiType, entry]));

/**
 * The catalogue entry of an OS version (`'centos'`, `'7'`; an alias such as `'windows-server'`,
 * `'1809'` finds its SAC entry), or undefined when it is not catalogued.
 */
export function osLifecycle(family: string, version: string): OsLifecycle | undefined {
  const alias = osAliases[`${family}/${version}`];
  return alias ? osIndex.get(`${alias.family}/${alias.version}`) : osIndex.get(`${family}/${version}`);
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

function isOsFamily(family: string): family is OsFamily {
  return Object.hasOwn(osFamilyNames, family);
}

/**
 * A human name for any version of a catalogue family, catalogued or not: the entry's name when there
 * is one, else one built the family's way (`sles`, `12-sp3` → `SUSE Linux Enterprise Server 12 SP3`;
 * `windows-server`, `2000` → `Windows Server 2000`; `amazon-linux`, `2011.02` → `Amazon Linux AMI
 * 2011.02`). Undefined for a family the catalogue does not know.
 */
export function osReleaseName(family: string, version: string): string | undefined {
  const entry =
    osLifecycle(family, version) ?? osWithoutEnd.find((r) => r.family === family && r.version === version);
  if (entry) return entry.name;
  if (!isOsFamily(family)) return undefined;
  const familyName = osFamilyNames[family];
  switch (family) {
    case 'sles':
    case 'sles-sap':
      return `${familyName} ${version.replace(/-sp(\d+)$/i, ' SP$1')}`;
    case 'windows-server':
    case 'windows-nano-server':
      return `${familyName} ${version.replace(/-r2$/i, ' R2')}`;
    case 'windows-server-sac':
      return `Windows Server, version ${version.toUpperCase()}`;
    case 'amazon-linux':
      return /^\d{4}\.\d{2}$/.test(version) ? `Amazon Linux AMI ${version}` : `${familyName} ${version}`;
    case 'ubuntu':
      return /^\d{2}\.04$/.test(version) && Number(version.slice(0, 2)) % 2 === 0
        ? `${familyName} ${version} LTS`
        : `${familyName} ${version}`;
    default:
      return `${familyName} ${version}`;
  }
}
