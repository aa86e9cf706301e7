import { describe, expect, it } from 'vitest';
import { lifecycleCatalogue } from '../../../src/lifecycle/catalogue.ts';
import {
  dayBefore,
  fargatePlatformRetirements,
  fargateRetirement,
  partitionOf,
} from '../../../src/lifecycle/fargate.ts';

const isCalendarDate = (d: string | undefined) =>
  d === undefined ||
  (/^\d{4}-\d{2}-\d{2}$/.test(d) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d));

describe('the Fargate platform version catalogue', () => {
  it('lists each version once, with a source and calendar dates in the order AWS takes the steps', () => {
    // Prepare
    const keys = fargatePlatformRetirements.map((e) => `${e.platform}/${e.version}`);
    const schedules = fargatePlatformRetirements.flatMap((e) => [
      { forceUpdate: e.forceUpdate, retired: e.retired, tasksStopped: e.tasksStopped },
      ...Object.values(e.byPartition ?? {}),
    ]);

    // Assess
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(['LINUX/1.0.0', 'LINUX/1.1.0', 'LINUX/1.2.0', 'LINUX/1.3.0']);
    expect(fargatePlatformRetirements.every((e) => e.source.includes('https://'))).toBe(true);
    for (const s of schedules) {
      expect([s.forceUpdate, s.retired, s.tasksStopped].every(isCalendarDate)).toBe(true);
      if (s.forceUpdate) expect(s.forceUpdate < s.retired).toBe(true);
      if (s.tasksStopped) expect(s.retired < s.tasksStopped).toBe(true);
    }
    // No Windows platform version has a published retirement.
    expect(fargatePlatformRetirements.some((e) => e.platform === 'WINDOWS')).toBe(false);
    expect(lifecycleCatalogue.fargatePlatformVersions).toBe(fargatePlatformRetirements);
  });

  it("gives a region its partition's schedule, whole", () => {
    // Act
    const global = fargateRetirement(fargatePlatformRetirements, 'LINUX', '1.3.0', 'eu-west-1');
    const china = fargateRetirement(fargatePlatformRetirements, 'LINUX', '1.3.0', 'cn-northwest-1');

    // Assess
    expect(global).toMatchObject({
      forceUpdate: '2026-03-02',
      retired: '2026-03-16',
      tasksStopped: '2026-03-31',
    });
    expect(china).toMatchObject({ retired: '2026-06-15', tasksStopped: '2026-06-30' });
    expect(china?.forceUpdate).toBeUndefined();
    expect(fargateRetirement(fargatePlatformRetirements, 'LINUX', '1.4.0', 'eu-west-1')).toBeUndefined();
    expect(fargateRetirement(fargatePlatformRetirements, 'WINDOWS', '1.0.0', 'eu-west-1')).toBeUndefined();
  });

  it('names partitions and the last day before a retirement', () => {
    expect(['eu-west-1', 'cn-north-1', 'us-gov-west-1'].map(partitionOf)).toEqual([
      'aws',
      'aws-cn',
      'aws-us-gov',
    ]);
    expect([dayBefore('2026-03-16'), dayBefore('2024-03-01'), dayBefore('2021-01-01')]).toEqual([
      '2026-03-15',
      '2024-02-29',
      '2020-12-31',
    ]);
  });
});
