/**
 * The catalogue check runs offline here, on endoflife.date answers recorded in
 * `test/fixtures/endoflife/` (see the README there), and on a fake `fetch` for the online path.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compareProduct,
  type Difference,
  main,
  type ProductCheck,
  productChecks,
  type UpstreamCycle,
  uncheckedFamilies,
} from '../../../scripts/catalogue-check.ts';
import {
  type LifecycleCatalogue,
  lifecycleCatalogue,
  type OsFamily,
  type OsLifecycle,
  osFamilyNames,
} from '../../../src/lifecycle/catalogue.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'endoflife');
const recorded = (product: string): UpstreamCycle[] =>
  JSON.parse(readFileSync(join(fixtures, `${product}.json`), 'utf8'));
const check = (product: string): ProductCheck => {
  const found = productChecks.find((c) => c.product === product);
  if (!found) throw new Error(`no check for ${product}`);
  return found;
};

const makeCatalogue = (os: OsLifecycle[], extra: Partial<LifecycleCatalogue> = {}): LifecycleCatalogue => ({
  date: '2026-12-06',
  os,
  osWithoutEnd: [],
  osAliases: {},
  eksVersions: [],
  eksAmiTypes: [],
  fargatePlatformVersions: [],
  ...extra,
});

const amazonLinux = (version: string, fields: Partial<OsLifecycle> = {}): OsLifecycle => ({
  family: 'amazon-linux',
  version,
  name: `Amazon Linux ${version}`,
  endOfStandard: '2020-12-31',
  extended: { end: '2023-12-31', kind: 'maintenance', access: 'free' },
  source: 'test',
  ...fields,
});

/** The recorded Amazon Linux releases, all matching except what a test changes. */
const amazonLinuxAsRecorded = (): OsLifecycle[] =>
  recorded('amazon-linux').map((c) =>
    c.cycle === '2'
      ? amazonLinux('2', { released: '2018-06-26', endOfStandard: '2026-06-30', extended: undefined })
      : c.cycle === '2023'
        ? amazonLinux('2023', {
            released: '2023-03-01',
            endOfStandard: '2027-06-30',
            extended: { end: '2029-06-30', kind: 'maintenance', access: 'free' },
          })
        : amazonLinux(c.cycle, { released: c.releaseDate }),
  );

const run = async (argv: string[], options: { fetch?: typeof fetch } = {}) => {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    now: new Date('2026-12-06T12:00:00Z'),
    ...options,
  });
  return { code, out, err };
};

describe('compareProduct', () => {
  it('finds nothing when the catalogue says what endoflife.date says', () => {
    // Prepare
    const catalogue = makeCatalogue(amazonLinuxAsRecorded());

    // Act
    const differences = compareProduct(
      check('amazon-linux'),
      recorded('amazon-linux'),
      catalogue,
      '2026-12-06',
    );

    // Assess
    expect(differences).toEqual([]);
  });

  it('reports a date that differs, and whether the catalogue already names the upstream value', () => {
    // Prepare
    const entries = amazonLinuxAsRecorded().map((e) =>
      e.version === '2'
        ? { ...e, endOfStandard: '2025-06-30' }
        : e.version === '2023'
          ? { ...e, released: '2023-03-15', source: 'GA 2023-03-15 per AWS (endoflife.date says 2023-03-01)' }
          : e,
    );

    // Act
    const differences = compareProduct(
      check('amazon-linux'),
      recorded('amazon-linux'),
      makeCatalogue(entries),
      '2026-12-06',
    );

    // Assess
    expect(differences).toEqual<Difference[]>([
      {
        kind: 'date',
        product: 'amazon-linux',
        name: 'Amazon Linux 2023',
        field: 'released',
        catalogue: '2023-03-15',
        upstream: '2023-03-01',
        acknowledged: true,
      },
      {
        kind: 'date',
        product: 'amazon-linux',
        name: 'Amazon Linux 2',
        field: 'endOfStandard',
        catalogue: '2025-06-30',
        upstream: '2026-06-30',
        acknowledged: false,
      },
    ]);
  });

  it('reports a release the catalogue lacks while it is supported, not an old one that has ended', () => {
    // Prepare: neither 2023 (supported) nor 2017.03 (ended in 2023, older than catalogued ones).
    const entries = amazonLinuxAsRecorded().filter((e) => e.version !== '2023' && e.version !== '2017.03');

    // Act
    const differences = compareProduct(
      check('amazon-linux'),
      recorded('amazon-linux'),
      makeCatalogue(entries),
      '2026-12-06',
    );

    // Assess
    expect(differences).toEqual<Difference[]>([
      {
        kind: 'missing',
        product: 'amazon-linux',
        key: 'amazon-linux/2023',
        cycle: '2023',
        releaseDate: '2023-03-01',
        end: '2029-06-30',
      },
    ]);
  });

  it('reports an end published for a release the catalogue lists without one', () => {
    // Prepare
    const catalogue = makeCatalogue(
      amazonLinuxAsRecorded().filter((e) => e.version !== '2023'),
      {
        osWithoutEnd: [
          {
            family: 'amazon-linux',
            version: '2023',
            name: 'Amazon Linux 2023',
            released: '2023-03-01',
            source: 't',
            note: 'n',
          },
        ],
      },
    );

    // Act
    const differences = compareProduct(
      check('amazon-linux'),
      recorded('amazon-linux'),
      catalogue,
      '2026-12-06',
    );

    // Assess
    expect(differences).toEqual([
      { kind: 'end-published', product: 'amazon-linux', name: 'Amazon Linux 2023', upstream: '2027-06-30' },
    ]);
  });

  it.each([
    ['2012-r2', [{ family: 'windows-server', version: '2012-r2' }]],
    ['2008-r2-sp1', [{ family: 'windows-server', version: '2008-r2', servicePack: true }]],
    ['20h2-sac', [{ family: 'windows-server-sac', version: '20h2' }]],
    ['23h2-ac', [{ family: 'windows-server-sac', version: '23h2' }]],
    ['2003-sp1', []],
  ])('maps the windows-server cycle %s to %j', (cycle, keys) => {
    // Act / Assess
    expect(check('windows-server').keys(cycle)).toEqual(keys);
  });

  it.each([
    ['15.5', 'sles', '15-sp5'],
    ['15.0', 'sles', '15'],
    ['16.0', 'sles', '16'],
  ])('maps the %s cycle of %s to %s', (cycle, product, version) => {
    // Act / Assess
    expect(check(product).keys(cycle)).toEqual([{ family: product, version }]);
  });

  it('compares a service pack cycle by its ends, not by the pack’s release date', () => {
    // Prepare
    const server2008R2: OsLifecycle = {
      family: 'windows-server',
      version: '2008-r2',
      name: 'Windows Server 2008 R2',
      released: '2009-10-22',
      endOfStandard: '2020-01-14',
      extended: { end: '2023-01-10', kind: 'ESU', access: 'paid' },
      source: 'test',
    };
    const cycles = recorded('windows-server').filter((c) => c.cycle === '2008-r2-sp1');

    // Act
    const differences = compareProduct(
      check('windows-server'),
      cycles,
      makeCatalogue([server2008R2]),
      '2026-12-06',
    );

    // Assess
    expect(differences).toEqual([]);
  });
});

describe('productChecks', () => {
  it('covers every catalogue family, or says that endoflife.date has no product for it', () => {
    // Prepare
    const covered = new Set([...productChecks.flatMap((c) => c.families), ...uncheckedFamilies]);

    // Act
    const families = Object.keys(osFamilyNames).filter((f) => !covered.has(f as OsFamily));

    // Assess
    expect(families).toEqual([]);
  });
});

describe('catalogue-check (the command)', () => {
  const catalogueHash = () =>
    createHash('sha256')
      .update(readFileSync(join(import.meta.dirname, '..', '..', '..', 'src', 'lifecycle', 'catalogue.ts')))
      .digest('hex');

  it('prints the recorded products and exits 0 without --strict, leaving the catalogue as it was', async () => {
    // Prepare
    const before = catalogueHash();

    // Act
    const { code, out } = await run(['--fixtures', fixtures, '--as-of', '2026-12-06']);

    // Assess
    expect(code).toBe(0);
    expect(out).toContain(
      `Lifecycle catalogue of ${lifecycleCatalogue.date} against endoflife.date, as of 2026-12-06`,
    );
    for (const product of ['amazon-linux', 'rhel', 'sles', 'ubuntu', 'windows-server', 'amazon-eks']) {
      expect(out).toMatch(new RegExp(`^${product}: \\d+ cycles, `, 'm'));
    }
    expect(catalogueHash()).toBe(before);
  });

  it('exits 1 with --strict when a difference is not acknowledged', async () => {
    // Prepare: a recording where Amazon Linux 2 ends later than the catalogue says.
    const dir = mkdtempSync(join(tmpdir(), 'eol-'));
    const cycles = recorded('amazon-linux').map((c) =>
      c.cycle === '2' ? { ...c, eol: '2099-01-01', support: '2099-01-01' } : c,
    );
    writeFileSync(join(dir, 'amazon-linux.json'), JSON.stringify(cycles));

    // Act
    const { code, out } = await run(['--fixtures', dir, '--strict']);

    // Assess
    expect(code).toBe(1);
    expect(out).toContain('≠ Amazon Linux 2 endOfStandard: catalogue 2026-06-30, endoflife.date 2099-01-01');
    expect(out).toContain('the catalogue was not changed');
  });

  it('exits 0 with --strict when the recording agrees with the catalogue', async () => {
    // Prepare: a CentOS answer written from the catalogue's own entries.
    const dir = mkdtempSync(join(tmpdir(), 'eol-'));
    const cycles = lifecycleCatalogue.os
      .filter((e) => e.family === 'centos')
      .map((e) => ({ cycle: e.version, releaseDate: e.released, eol: e.endOfStandard }));
    writeFileSync(join(dir, 'centos.json'), JSON.stringify(cycles));

    // Act
    const { code, out } = await run(['--fixtures', dir, '--strict']);

    // Assess
    expect(code).toBe(0);
    expect(out).toContain(`centos: ${cycles.length} cycles, no differences`);
    expect(out).toContain('Nothing to review.');
  });

  it('asks endoflife.date for every product when no recording is given', async () => {
    // Prepare
    const asked: string[] = [];
    const fakeFetch = (async (url: string) => {
      asked.push(url);
      const product = /\/api\/(.+)\.json$/.exec(url)?.[1] ?? '';
      const body = product === 'amazon-linux' ? recorded(product) : [];
      return new Response(JSON.stringify(body), { status: 200 });
    }) as typeof fetch;

    // Act
    const { code } = await run([], { fetch: fakeFetch });

    // Assess
    expect(code).toBe(0);
    expect(asked).toEqual(productChecks.map((c) => `https://endoflife.date/api/${c.product}.json`));
  });

  it.each([
    [
      'endoflife.date cannot be reached',
      (async () => {
        throw new TypeError('fetch failed');
      }) as unknown as typeof fetch,
      'could not reach https://endoflife.date/api/amazon-linux.json (fetch failed)',
    ],
    [
      'an HTTP error',
      (async () => new Response('busy', { status: 503 })) as unknown as typeof fetch,
      'answered HTTP 503',
    ],
    [
      'an answer of another shape',
      (async () => new Response(JSON.stringify({ result: {} }), { status: 200 })) as unknown as typeof fetch,
      'is not a list of release cycles',
    ],
  ])('exits 2 and says why when %s', async (_case, fakeFetch, message) => {
    // Act
    const { code, err } = await run([], { fetch: fakeFetch });

    // Assess
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  it('exits 2 when the recordings cannot be read', async () => {
    // Act
    const { code, err } = await run(['--fixtures', join(tmpdir(), 'no-such-recordings')]);

    // Assess
    expect(code).toBe(2);
    expect(err).toContain('could not read the recordings in');
  });

  it('exits 2 on an unknown option', async () => {
    // Act
    const { code, err } = await run(['--write']);

    // Assess
    expect(code).toBe(2);
    expect(err).toContain('unknown or incomplete option "--write"');
  });
});
