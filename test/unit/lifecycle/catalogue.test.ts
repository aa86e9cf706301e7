import { describe, expect, it } from 'vitest';
import {
  catalogueDate,
  eksAmiTypeCatalogue,
  eksAmiTypeLifecycle,
  eksVersionCatalogue,
  eksVersionLifecycle,
  osCatalogue,
  osFamilyNames,
  osLifecycle,
} from '../../../src/lifecycle/catalogue.ts';

/** A real calendar day in `YYYY-MM-DD` form (`Date` would roll 2024-02-30 over into March). */
const isCalendarDate = (text: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;

const label = (entry: { family: string; version: string }) => `${entry.family} ${entry.version}`;

describe('the OS lifecycle catalogue', () => {
  it.each(osCatalogue.map((entry) => [label(entry), entry] as const))(
    '%s has calendar dates in order, a name and a source',
    (_label, entry) => {
      // Prepare
      const dates = [
        entry.released,
        entry.endOfStandard,
        ...(entry.endOfExtended ? [entry.endOfExtended] : []),
      ];

      // Act
      const sorted = [...dates].sort();

      // Assess
      for (const date of dates) expect(isCalendarDate(date), date).toBe(true);
      expect(dates).toEqual(sorted);
      expect(entry.name).not.toBe('');
      expect(entry.source).toMatch(/\S/);
      expect(Object.keys(osFamilyNames)).toContain(entry.family);
      expect(entry.extendedKind === undefined).toBe(entry.endOfExtended === undefined);
    },
  );

  it('has one entry per family and version, each found by osLifecycle', () => {
    // Act
    const keys = osCatalogue.map(label);

    // Assess
    expect(new Set(keys).size).toBe(keys.length);
    for (const entry of osCatalogue) expect(osLifecycle(entry.family, entry.version)).toBe(entry);
  });

  it('covers every family and version the detectors produce', () => {
    // Prepare
    const expected: Record<string, string[]> = {
      'amazon-linux': ['2018.03', '2', '2023'],
      centos: ['6', '7', '8'],
      'centos-stream': ['8', '9', '10'],
      rhel: ['6', '7', '8', '9', '10'],
      rocky: ['8', '9', '10'],
      almalinux: ['8', '9', '10'],
      'oracle-linux': ['7', '8', '9'],
      ubuntu: [
        '14.04',
        '16.04',
        '18.04',
        '20.04',
        '22.04',
        '23.04',
        '23.10',
        '24.04',
        '24.10',
        '25.04',
        '25.10',
        '26.04',
      ],
      debian: ['8', '9', '10', '11', '12', '13'],
      sles: ['12-sp5', '15', '15-sp1', '15-sp4', '15-sp5', '15-sp6', '15-sp7'],
      'windows-server': ['2008-r2', '2012', '2012-r2', '2016', '2019', '2022', '2025'],
    };

    // Act
    const missing = Object.entries(expected).flatMap(([family, versions]) =>
      versions.filter((version) => !osLifecycle(family, version)).map((version) => `${family} ${version}`),
    );

    // Assess
    expect(missing).toEqual([]);
  });

  it.each([
    ['centos', '7', '2024-06-30', undefined],
    ['amazon-linux', '2', '2026-06-30', undefined],
    ['amazon-linux', '2018.03', '2020-12-31', '2023-12-31'],
    ['rhel', '7', '2024-06-30', '2029-05-31'],
    ['ubuntu', '20.04', '2025-05-31', '2030-04-02'],
    ['ubuntu', '25.10', '2026-07-01', undefined],
    ['debian', '11', '2024-08-14', '2026-08-31'],
    ['sles', '15-sp5', '2024-12-31', '2027-12-31'],
    ['windows-server', '2012-r2', '2023-10-10', '2026-10-13'],
  ])(
    'dates %s %s: standard support to %s, extended to %s',
    (family, version, endOfStandard, endOfExtended) => {
      // Act
      const entry = osLifecycle(family, version);

      // Assess
      expect(entry?.endOfStandard).toBe(endOfStandard);
      expect(entry?.endOfExtended).toBe(endOfExtended);
    },
  );

  it.each([
    ['centos', '5'],
    ['ubuntu', '22.10'],
    ['ubuntu', '22.04.4'],
    ['windows-server', '2008'],
    ['amazon-linux', '2017.09'],
    ['solaris', '11'],
  ])('knows nothing of %s %s', (family, version) => {
    // Act
    const entry = osLifecycle(family, version);

    // Assess
    expect(entry).toBeUndefined();
  });

  it('names its snapshot date', () => {
    // Assess
    expect(isCalendarDate(catalogueDate)).toBe(true);
  });
});

describe('the EKS version catalogue', () => {
  it('lists 1.23 to 1.35 once each, with calendar dates in order and a source', () => {
    // Prepare
    const expected = Array.from({ length: 13 }, (_, i) => `1.${23 + i}`);

    // Act
    const versions = eksVersionCatalogue.map((entry) => entry.version);

    // Assess
    expect(versions).toEqual(expected);
    for (const entry of eksVersionCatalogue) {
      const dates = [entry.released, entry.endOfStandard, entry.endOfExtended];
      for (const date of dates) expect(isCalendarDate(date), `${entry.version} ${date}`).toBe(true);
      expect(dates).toEqual([...dates].sort());
      expect(entry.source).toMatch(/\S/);
      expect(eksVersionLifecycle(entry.version)).toBe(entry);
    }
  });

  it('ends standard support of 1.28 on 2024-11-26 and extended support a year later', () => {
    // Act
    const entry = eksVersionLifecycle('1.28');

    // Assess
    expect(entry).toMatchObject({ endOfStandard: '2024-11-26', endOfExtended: '2025-11-26' });
  });

  it.each(['1.22', '1.36', '1.28.3', ''])('knows nothing of version %j', (version) => {
    // Act
    const entry = eksVersionLifecycle(version);

    // Assess
    expect(entry).toBeUndefined();
  });
});

describe('the EKS AMI type catalogue', () => {
  it.each(['AL2_x86_64', 'AL2_x86_64_GPU', 'AL2_ARM_64'])(
    'ends %s on 2025-11-26, on Amazon Linux 2',
    (amiType) => {
      // Act
      const entry = eksAmiTypeLifecycle(amiType);

      // Assess
      expect(entry).toMatchObject({
        amiType,
        endOfSupport: '2025-11-26',
        os: { family: 'amazon-linux', version: '2' },
      });
      expect(entry?.source).toMatch(/\S/);
    },
  );

  it('points every AMI type at a catalogued OS', () => {
    // Assess
    for (const entry of eksAmiTypeCatalogue) {
      expect(osLifecycle(entry.os.family, entry.os.version)).toBeDefined();
      expect(isCalendarDate(entry.endOfSupport)).toBe(true);
    }
  });

  it.each(['AL2023_x86_64_STANDARD', 'BOTTLEROCKET_ARM_64', 'CUSTOM', 'WINDOWS_CORE_2022_x86_64'])(
    'knows no end for %s',
    (amiType) => {
      // Act
      const entry = eksAmiTypeLifecycle(amiType);

      // Assess
      expect(entry).toBeUndefined();
    },
  );
});
