/**
 * AWS Fargate platform versions AWS has retired or scheduled for retirement, from its deprecation
 * page. A platform version is the kernel and container runtime under a Fargate task; once retired
 * it takes no new tasks or services and gets no more security fixes, and AWS may stop the tasks
 * still on it. Services on `LATEST` are moved by AWS (the force update); services and tasks pinned
 * to a version are not.
 *
 * Linux and Windows platform versions are numbered independently. AWS has published retirements
 * of Linux platform versions only: Windows containers on Fargate (Windows Server 2019 and 2022, Full
 * and Core) have no AWS retirement date, so there is no Windows entry and no finding for them. An
 * entry needs a source; no entry, no finding.
 *
 * Dates are `YYYY-MM-DD` as AWS publishes them, the day each step happens (not a last day of
 * support, which is the day before `retired`).
 */

export interface FargatePlatformRetirement {
  /** `LINUX` or `WINDOWS`: the two lines are numbered independently. */
  platform: 'LINUX' | 'WINDOWS';
  /** e.g. `1.3.0`. */
  version: string;
  /** Services on `LATEST` still on this version are redeployed onto the current one from this day. */
  forceUpdate?: string;
  /** From this day no new task or service may use it, and it gets no more security fixes. */
  retired: string;
  /** Tasks still running on it are stopped on this day, when AWS said it would. */
  tasksStopped?: string;
  /** Partitions whose dates differ (the China Regions). */
  byPartition?: Readonly<
    Record<string, Pick<FargatePlatformRetirement, 'forceUpdate' | 'retired' | 'tasksStopped'>>
  >;
  source: string;
}

const deprecationPage =
  'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-versions-retired.html';
const deprecationPageChina =
  'https://docs.amazonaws.cn/en_us/AmazonECS/latest/developerguide/platform-versions-retired.html';
const deprecationPage2020 =
  'https://github.com/awsdocs/amazon-ecs-developer-guide/blob/master/doc_source/platform-versions-retired.md (the 2020 table, since dropped from the live page)';

export const fargatePlatformRetirements: readonly FargatePlatformRetirement[] = [
  ...['1.0.0', '1.1.0', '1.2.0'].map(
    (version): FargatePlatformRetirement => ({
      platform: 'LINUX',
      version,
      forceUpdate: '2020-10-26',
      retired: '2020-12-14',
      source: deprecationPage2020,
    }),
  ),
  {
    platform: 'LINUX',
    version: '1.3.0',
    forceUpdate: '2026-03-02',
    retired: '2026-03-16',
    tasksStopped: '2026-03-31',
    byPartition: { 'aws-cn': { retired: '2026-06-15', tasksStopped: '2026-06-30' } },
    source: `${deprecationPage}; China Regions: ${deprecationPageChina}`,
  },
];

/** The partition of a region: `aws-cn` for the China Regions, `aws-us-gov` for GovCloud, else `aws`. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The retirement of a platform version in a region's partition, or undefined when none is published. */
export function fargateRetirement(
  catalogue: readonly FargatePlatformRetirement[],
  platform: 'LINUX' | 'WINDOWS',
  version: string,
  region: string,
): Omit<FargatePlatformRetirement, 'byPartition'> | undefined {
  const entry = catalogue.find((e) => e.platform === platform && e.version === version);
  if (!entry) return undefined;
  const { byPartition, ...dates } = entry;
  const local = byPartition?.[partitionOf(region)];
  if (!local) return dates;
  // A partition's own schedule replaces the global one whole: steps it does not name do not apply.
  const { forceUpdate: _global, tasksStopped: _globalStop, ...rest } = dates;
  return { ...rest, ...local };
}

/** The day before a `YYYY-MM-DD` date: the last day of support of a version retired on it. */
export function dayBefore(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}
