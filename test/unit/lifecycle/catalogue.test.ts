import { describe, expect, it } from 'vitest';
import {
  catalogueDate,
  eksAmiTypeCatalogue,
  eksAmiTypeLifecycle,
  eksVersionCatalogue,
  eksVersionLifecycle,
  lifecycleCatalogue,
  osCatalogue,
  osFamilyNames,
  osLifecycle,
  osReleaseName,
  osWithoutEnd,
} from '../../../src/lifecycle/catalogue.ts';

/** A real calendar day in `YYYY-MM-DD` form (`Date` would roll 2024-02-30 over into March). */
const isCalendarDate = (text: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;

const label = (entry: { family: string; version: string }) => `${entry.family} ${entry.version}`;

describe('the OS lifecycle catalogue', () => {
  it.each(osCatalogue.map((entry) => [label(entry), entry] as const))(
    '%s has calendar dates in order, a name, a source and says what support follows',
    (_label, entry) => {
      // Prepare
      const dates = [
        ...(entry.released ? [entry.released] : []),
        entry.endOfStandard,
        ...(entry.extended ? [entry.extended.end] : []),
      ];

      // Act
      const sorted = [...dates].sort();

      // Assess
      for (const date of dates) expect(isCalendarDate(date), date).toBe(true);
      expect(dates).toEqual(sorted);
      expect(entry.name).not.toBe('');
      expect(entry.source).toMatch(/\S/);
      expect(Object.keys(osFamilyNames)).toContain(entry.family);
      // A paid phase names what to buy; a free one needs nothing bought.
      if (entry.extended) expect(entry.extended.product !== undefined).toBe(entry.extended.access === 'paid');
      // An unconfirmed date says why.
      if (entry.confirmed === false) expect(entry.note).toMatch(/\S/);
    },
  );

  it('has one entry per family and version, each found by osLifecycle', () => {
    // Act
    const keys = [...osCatalogue, ...osWithoutEnd].map(label);

    // Assess
    expect(new Set(keys).size).toBe(keys.length);
    for (const entry of osCatalogue) expect(osLifecycle(entry.family, entry.version)).toBe(entry);
  });

  it('covers every family and version the detectors produce from real estates', () => {
    // Prepare
    const expected: Record<string, string[]> = {
      'amazon-linux': ['2010.11', '2015.09', '2017.03', '2017.09', '2018.03', '2', '2022', '2023'],
      centos: ['6', '7', '8'],
      'centos-stream': ['8', '9', '10'],
      rhel: ['6', '7', '8', '9', '10', '8.6', '8.8', '9.4', '9.6'],
      rocky: ['8', '9', '10'],
      almalinux: ['8', '9', '10'],
      'oracle-linux': ['6', '7', '8', '9'],
      ubuntu: ['14.04', '16.04', '18.04', '20.04', '22.04', '23.04', '24.04', '25.10', '26.04'],
      debian: ['8', '9', '10', '11', '12', '13'],
      sles: [
        '10',
        '10-sp4',
        '11',
        '11-sp1',
        '11-sp4',
        '12',
        '12-sp1',
        '12-sp2',
        '12-sp3',
        '12-sp4',
        '12-sp5',
      ],
      'sles-sap': ['15-sp1', '15-sp4', '15-sp7'],
      'windows-server': [
        '2003',
        '2003-r2',
        '2008',
        '2008-r2',
        '2012',
        '2012-r2',
        '2016',
        '2019',
        '2022',
        '2025',
      ],
      'windows-server-sac': ['1709', '1803', '1809', '1903', '1909', '2004', '20h2', '23h2'],
      'windows-nano-server': ['2016'],
      freebsd: ['12', '13', '14', '15', '13.2', '14.1'],
    };

    // Act
    const missing = Object.entries(expected).flatMap(([family, versions]) =>
      versions.filter((version) => !osLifecycle(family, version)).map((version) => `${family} ${version}`),
    );

    // Assess
    expect(missing).toEqual([]);
    expect(Object.keys(osFamilyNames)).toEqual(
      expect.arrayContaining([...Object.keys(expected), 'bottlerocket']),
    );
  });

  it.each([
    // Vendor page over endoflife.date: Red Hat's RHEL 7 ELS runs four years from 2024-07-01.
    ['rhel', '7', '2024-06-30', '2028-06-30', 'paid'],
    // AlmaLinux's wiki: security support for 8 to 2029-03-01.
    ['almalinux', '8', '2029-03-01', undefined, undefined],
    // Canonical: 24.04's ESM ends April 2034 (2036 is the separate Legacy add-on).
    ['ubuntu', '24.04', '2029-05-31', '2034-04-30', 'paid'],
    // Microsoft published no ESU for Windows Server 2016.
    ['windows-server', '2016', '2027-01-12', undefined, undefined],
    ['windows-server', '2012-r2', '2023-10-10', '2026-10-13', 'paid'],
    ['windows-server', '2008', '2020-01-14', '2023-01-10', 'paid'],
    ['windows-nano-server', '2016', '2018-10-09', undefined, undefined],
    ['centos', '7', '2024-06-30', undefined, undefined],
    ['amazon-linux', '2', '2026-06-30', undefined, undefined],
    ['amazon-linux', '2023', '2027-06-30', '2029-06-30', 'free'],
    ['amazon-linux', '2017.09', '2020-12-31', '2023-12-31', 'free'],
    ['ubuntu', '20.04', '2025-05-31', '2030-04-02', 'paid'],
    ['debian', '11', '2024-08-14', '2026-08-31', 'free'],
    ['sles', '15-sp5', '2024-12-31', '2027-12-31', 'paid'],
    ['sles', '12-sp3', '2019-06-30', '2022-06-30', 'paid'],
    ['sles', '11', '2010-12-31', undefined, undefined],
    ['sles-sap', '15-sp5', '2024-12-31', '2027-12-31', 'free'],
    ['rhel', '8.6', '2022-11-08', '2024-05-31', 'paid'],
  ])(
    'dates %s %s: standard support to %s, then %s (%s)',
    (family, version, endOfStandard, extendedEnd, access) => {
      // Act
      const entry = osLifecycle(family, version);

      // Assess
      expect(entry?.endOfStandard).toBe(endOfStandard);
      expect(entry?.extended?.end).toBe(extendedEnd);
      expect(entry?.extended?.access).toBe(access);
    },
  );

  it('takes release days from the vendor where endoflife.date differs', () => {
    expect(osLifecycle('amazon-linux', '2023')?.released).toBe('2023-03-15');
    expect(osLifecycle('windows-server', '2008-r2')?.released).toBe('2009-10-22');
    expect(eksVersionLifecycle('1.32')?.released).toBe('2025-01-23');
    expect(eksVersionLifecycle('1.33')?.released).toBe('2025-05-29');
    expect(eksVersionLifecycle('1.34')?.released).toBe('2025-10-02');
  });

  it('marks the dates it could not confirm, and says why', () => {
    const unconfirmed = osCatalogue.filter((e) => e.confirmed === false).map(label);
    expect(unconfirmed).toEqual(
      expect.arrayContaining([
        'amazon-linux 2022',
        'ubuntu 24.04',
        'windows-server 2025',
        'rhel 9.6',
        'sles-sap 15-sp5',
      ]),
    );
    expect(osLifecycle('ubuntu', '24.04')?.note).toContain('April 2034');
  });

  it.each([
    ['centos', '5'],
    ['ubuntu', '22.10'],
    ['ubuntu', '22.04.4'],
    ['oracle-linux', '10'],
    ['solaris', '11'],
  ])('lists no dates for %s %s', (family, version) => {
    // Act
    const entry = osLifecycle(family, version);

    // Assess
    expect(entry).toBeUndefined();
  });

  it('finds a SAC build detection reads as a Windows Server year under its own family', () => {
    expect(osLifecycle('windows-server', '1809')).toMatchObject({
      family: 'windows-server-sac',
      version: '1809',
    });
  });

  it.each([
    ['sles', '11-sp4', 'SUSE Linux Enterprise Server 11 SP4'],
    ['sles', '9', 'SUSE Linux Enterprise Server 9'],
    ['windows-server', '2000', 'Windows Server 2000'],
    ['windows-server', '2003-r2', 'Windows Server 2003 R2'],
    ['amazon-linux', '2011.02', 'Amazon Linux AMI 2011.02'],
    ['ubuntu', '12.04', 'Ubuntu 12.04 LTS'],
    ['ubuntu', '22.10', 'Ubuntu 22.10'],
    ['oracle-linux', '10', 'Oracle Linux 10'],
    ['windows-server-sac', '21h2', 'Windows Server, version 21H2'],
  ])('names %s %s "%s", catalogued or not', (family, version, name) => {
    expect(osReleaseName(family, version)).toBe(name);
  });

  it('names nothing of a family it does not know', () => {
    expect(osReleaseName('solaris', '11')).toBeUndefined();
  });

  it('names the day it was reviewed, and hands everything to rules as one value', () => {
    expect(isCalendarDate(catalogueDate)).toBe(true);
    expect(lifecycleCatalogue).toMatchObject({
      date: catalogueDate,
      os: osCatalogue,
      eksVersions: eksVersionCatalogue,
      eksAmiTypes: eksAmiTypeCatalogue,
    });
  });
});

describe('the EKS version catalogue', () => {
  it('lists 1.23 to 1.36 once each, with calendar dates in order and a source', () => {
    // Prepare
    const expected = Array.from({ length: 14 }, (_, i) => `1.${23 + i}`);

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
      if (entry.confirmed === false) expect(entry.note).toMatch(/\S/);
    }
  });

  it('ends standard support of 1.28 on 2024-11-26 and extended support a year later', () => {
    // Act
    const entry = eksVersionLifecycle('1.28');

    // Assess
    expect(entry).toMatchObject({ endOfStandard: '2024-11-26', endOfExtended: '2025-11-26' });
  });

  it('marks the versions the stored EKS calendar does not confirm', () => {
    expect(eksVersionCatalogue.filter((e) => e.confirmed === false).map((e) => e.version)).toEqual([
      '1.35',
      '1.36',
    ]);
  });

  it.each(['1.22', '1.37', '1.28.3', ''])('knows nothing of version %j', (version) => {
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
