import { describe, expect, it } from 'vitest';
import { osCatalogue } from '../../../src/lifecycle/catalogue.ts';
import { compareVersionKeys, versionKey, versionStream } from '../../../src/lifecycle/versions.ts';

/** Sorts `versions` of `family` by their keys. */
const sorted = (family: string, versions: string[]) =>
  [...versions].sort((a, b) => compareVersionKeys(versionKey(family, a)!, versionKey(family, b)!));

describe('version order', () => {
  it.each<[string, string[]]>([
    ['sles', ['11', '11-sp4', '12', '12-sp3', '12-sp4', '15', '15-sp7', '16', '16.1']],
    ['amazon-linux', ['2010.11', '2017.09', '2018.03', '2', '2022', '2023']],
    ['windows-server', ['2000', '2003', '2003-r2', '2008', '2008-r2', '2012', '2012-r2', '2016', '2025']],
    ['windows-server-sac', ['1709', '1809', '1909', '2004', '20h2', '23h2']],
    ['rhel', ['7', '8.4', '8.6', '8.10', '8', '9.0', '9.6', '9', '10']],
    ['freebsd', ['11', '12.0', '12.4', '12', '13.5', '13', '14.0']],
    ['ubuntu', ['12.04', '14.04', '20.04', '21.10', '22.04', '26.04']],
  ])('orders %s releases oldest first', (family, expected) => {
    expect(sorted(family, [...expected].reverse())).toEqual(expected);
  });

  it.each([
    ['ubuntu', 'focal'],
    ['sles', '12 SP3'],
    ['windows-server', 'vista'],
    ['amazon-linux', '2.0.2024'],
    ['bottlerocket', 'aws-k8s-1.29'],
  ])('cannot place %s %j', (family, version) => {
    expect(versionKey(family, version)).toBeUndefined();
  });

  it('places every catalogued version, once per family', () => {
    for (const entry of osCatalogue) {
      expect(versionKey(entry.family, entry.version), `${entry.family} ${entry.version}`).toBeDefined();
    }
    const keys = osCatalogue.map((e) => `${e.family} ${versionKey(e.family, e.version)!.join('.')}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('tells Ubuntu LTS releases from interim ones, which they outlive', () => {
    expect(['14.04', '20.04', '21.04', '22.10', '26.04'].map((v) => versionStream('ubuntu', v))).toEqual([
      'lts',
      'lts',
      'interim',
      'interim',
      'lts',
    ]);
    expect(versionStream('rhel', '8.6')).toBe('');
  });
});
