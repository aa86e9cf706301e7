/**
 * `npm run catalogue:check [-- --strict] [-- --fixtures <dir>] [-- --as-of YYYY-MM-DD]`: compares the
 * lifecycle catalogue (`src/lifecycle/catalogue.ts`) with endoflife.date and prints every
 * difference. It never edits the catalogue: a difference is for a person to judge against the
 * vendor's page (the catalogue's refresh steps say how), because endoflife.date is sometimes the
 * one that is wrong.
 *
 * Online it asks `https://endoflife.date/api/<product>.json` for each product below; with
 * `--fixtures <dir>` it reads `<dir>/<product>.json` instead (recorded responses, for tests and for
 * offline review). A difference the catalogue already records (its entry's `source` or `note` names
 * the endoflife.date value, as the refresh steps ask) is printed as acknowledged.
 *
 * Exit codes: 0 checked (differences or not); 1 with `--strict` when there are unacknowledged
 * differences; 2 when endoflife.date or a recording could not be read, or for a usage error.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type EksVersionLifecycle,
  type LifecycleCatalogue,
  lifecycleCatalogue,
  type OsFamily,
  type OsLifecycle,
} from '../src/lifecycle/catalogue.ts';
import { forTerminal } from '../src/text/sanitize.ts';

/** One release cycle as endoflife.date's `/api/<product>.json` gives it (dates are `YYYY-MM-DD`). */
export interface UpstreamCycle {
  cycle: string;
  releaseDate?: string;
  /** End of life: a date, `true` (ended, no date) or `false` (no end yet). */
  eol?: string | boolean;
  /** End of active support (`support`); `true` when it has ended without a date. */
  support?: string | boolean;
  /** End of extended support, for products that have a column for it. */
  extendedSupport?: string | boolean;
}

/** A catalogue entry an upstream cycle stands for. */
export interface CatalogueKey {
  family: OsFamily | 'eks';
  version: string;
  /** The cycle is a service pack of the release: its release date is the pack's, not the release's. */
  servicePack?: true;
}

/** Which endoflife.date fields hold the catalogue's dates, and which catalogue key a cycle is. */
export interface ProductCheck {
  /** endoflife.date's product id. */
  product: string;
  /** The catalogue families its cycles cover (`eks`: the EKS Kubernetes versions). */
  families: readonly (OsFamily | 'eks')[];
  /** The catalogue version keys a cycle stands for: none for a cycle the catalogue does not track. */
  keys(cycle: string): readonly CatalogueKey[];
  /** The field whose date is the catalogue's `endOfStandard`. */
  standard: 'eol' | 'support';
  /** The field whose date is the end of the catalogue's extended phase, if the product has one. */
  extended?: 'eol' | 'extendedSupport';
}

const same =
  (family: OsFamily | 'eks') =>
  (cycle: string): readonly CatalogueKey[] => [{ family, version: cycle }];

/** `15.5` → `15-sp5`, `15.0` → `15`, `16.0` → `16` (SLES 16 has minor releases, not service packs). */
function slesKey(cycle: string): string {
  const [major = cycle, minor = '0'] = cycle.split('.');
  if (Number(minor) === 0) return major;
  return Number(major) >= 16 ? cycle : `${major}-sp${Number(minor)}`;
}

/**
 * endoflife.date cycles → catalogue keys for Windows Server: `2012-r2` as is, service packs to their
 * release (`2008-r2-sp1` → `2008-r2`; 2003 SP2 carries both 2003 and 2003 R2; the superseded 2003
 * RTM and SP1 cycles are not tracked), `20h2-sac` and `23h2-ac` to the SAC family.
 */
function windowsServerKeys(cycle: string): readonly CatalogueKey[] {
  const channel = /^(\d{4}|\d{2}h\d)-(?:sac|ac)$/.exec(cycle);
  if (channel?.[1]) return [{ family: 'windows-server-sac', version: channel[1] }];
  if (cycle === '2003' || cycle === '2003-sp1') return [];
  if (cycle === '2003-sp2') {
    return [
      { family: 'windows-server', version: '2003', servicePack: true },
      { family: 'windows-server', version: '2003-r2', servicePack: true },
    ];
  }
  const release = cycle.replace(/-sp\d+$/, '');
  return release === cycle
    ? [{ family: 'windows-server', version: cycle }]
    : [{ family: 'windows-server', version: release, servicePack: true }];
}

/** The products the catalogue follows, and how their fields map onto it. */
export const productChecks: readonly ProductCheck[] = [
  // Amazon Linux: `support` is standard support, `eol` the end of maintenance (security) support.
  {
    product: 'amazon-linux',
    families: ['amazon-linux'],
    keys: same('amazon-linux'),
    standard: 'support',
    extended: 'eol',
  },
  { product: 'centos', families: ['centos'], keys: same('centos'), standard: 'eol' },
  { product: 'centos-stream', families: ['centos-stream'], keys: same('centos-stream'), standard: 'eol' },
  { product: 'rhel', families: ['rhel'], keys: same('rhel'), standard: 'eol', extended: 'extendedSupport' },
  { product: 'rocky-linux', families: ['rocky'], keys: same('rocky'), standard: 'eol' },
  { product: 'almalinux', families: ['almalinux'], keys: same('almalinux'), standard: 'eol' },
  {
    product: 'oracle-linux',
    families: ['oracle-linux'],
    keys: same('oracle-linux'),
    standard: 'eol',
    extended: 'extendedSupport',
  },
  {
    product: 'ubuntu',
    families: ['ubuntu'],
    keys: same('ubuntu'),
    standard: 'eol',
    extended: 'extendedSupport',
  },
  {
    product: 'debian',
    families: ['debian'],
    keys: same('debian'),
    standard: 'eol',
    extended: 'extendedSupport',
  },
  {
    product: 'sles',
    families: ['sles'],
    keys: (cycle) => [{ family: 'sles', version: slesKey(cycle) }],
    standard: 'eol',
    extended: 'extendedSupport',
  },
  {
    product: 'windows-server',
    families: ['windows-server', 'windows-server-sac'],
    keys: windowsServerKeys,
    standard: 'eol',
    extended: 'extendedSupport',
  },
  // Nano Server as a host OS is only 2016's (endoflife.date's `1607`); later cycles are container images.
  {
    product: 'windows-nano-server',
    families: ['windows-nano-server'],
    keys: (cycle) => (cycle === '1607' ? [{ family: 'windows-nano-server', version: '2016' }] : []),
    standard: 'eol',
  },
  { product: 'freebsd', families: ['freebsd'], keys: same('freebsd'), standard: 'eol' },
  {
    product: 'amazon-eks',
    families: ['eks'],
    keys: same('eks'),
    standard: 'eol',
    extended: 'extendedSupport',
  },
];

/** Catalogue families with no endoflife.date product: nothing to compare them with. */
export const uncheckedFamilies: readonly OsFamily[] = ['sles-sap', 'bottlerocket'];

/** The dates of one catalogue entry, whatever its kind. */
interface CatalogueDates {
  family: OsFamily | 'eks';
  version: string;
  name: string;
  released?: string;
  endOfStandard?: string;
  endOfExtended?: string;
  /** Where the catalogue says its dates come from, and its note: acknowledgements live there. */
  said: string;
}

function fromOs(entry: OsLifecycle): CatalogueDates {
  return {
    family: entry.family,
    version: entry.version,
    name: entry.name,
    ...(entry.released ? { released: entry.released } : {}),
    endOfStandard: entry.endOfStandard,
    ...(entry.extended ? { endOfExtended: entry.extended.end } : {}),
    said: `${entry.source} ${entry.note ?? ''}`,
  };
}

function fromEks(entry: EksVersionLifecycle): CatalogueDates {
  return {
    family: 'eks',
    version: entry.version,
    name: `Amazon EKS Kubernetes ${entry.version}`,
    released: entry.released,
    endOfStandard: entry.endOfStandard,
    endOfExtended: entry.endOfExtended,
    said: `${entry.source} ${entry.note ?? ''}`,
  };
}

export type Difference =
  | {
      kind: 'date';
      product: string;
      name: string;
      field: 'released' | 'endOfStandard' | 'endOfExtended';
      catalogue: string | undefined;
      upstream: string | undefined;
      /** The catalogue's source or note already names the upstream value. */
      acknowledged: boolean;
    }
  | {
      kind: 'missing';
      product: string;
      /** The catalogue key the upstream cycle would have. */
      key: string;
      cycle: string;
      releaseDate?: string;
      end?: string;
    }
  | { kind: 'end-published'; product: string; name: string; upstream: string };

/** A date field's value: the date, or undefined for `true`/`false`/absent. */
function dateOf(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
}

/**
 * The differences between one product's cycles and the catalogue. An upstream cycle the catalogue
 * does not list is reported when it still has support on `asOf` or is newer than every catalogued
 * release of the family: an older, ended one needs no entry (the verdict infers that it ended).
 */
export function compareProduct(
  check: ProductCheck,
  cycles: readonly UpstreamCycle[],
  catalogue: LifecycleCatalogue,
  asOf: string,
): Difference[] {
  const entries = [...catalogue.os.map(fromOs), ...catalogue.eksVersions.map(fromEks)];
  const find = (family: string, version: string) =>
    entries.find((e) => e.family === family && e.version === version);
  const newestRelease = (family: string) =>
    entries.reduce(
      (newest, e) => (e.family === family && e.released && e.released > newest ? e.released : newest),
      '',
    );

  const differences: Difference[] = [];
  for (const cycle of cycles) {
    const standard = dateOf(cycle[check.standard]);
    const extendedRaw = check.extended ? cycle[check.extended] : undefined;
    // A phase that ends with standard support is no extended phase.
    const extended = dateOf(extendedRaw) !== standard ? dateOf(extendedRaw) : undefined;
    for (const key of check.keys(String(cycle.cycle))) {
      const entry = find(key.family, key.version);
      if (entry) {
        const compare = (
          field: 'released' | 'endOfStandard' | 'endOfExtended',
          upstream: string | undefined,
        ) => {
          if (entry[field] === upstream) return;
          differences.push({
            kind: 'date',
            product: check.product,
            name: entry.name,
            field,
            catalogue: entry[field],
            upstream,
            acknowledged: upstream !== undefined && entry.said.includes(upstream),
          });
        };
        // A field without a date upstream (absent, or `true`: ended on an unknown day) says nothing.
        if (cycle.releaseDate && entry.released && !key.servicePack) compare('released', cycle.releaseDate);
        if (standard) compare('endOfStandard', standard);
        if (check.extended && extendedRaw !== true) compare('endOfExtended', extended);
        continue;
      }
      const withoutEnd = catalogue.osWithoutEnd.find(
        (r) => r.family === key.family && r.version === key.version,
      );
      if (withoutEnd) {
        const end = standard ?? extended;
        if (end)
          differences.push({
            kind: 'end-published',
            product: check.product,
            name: withoutEnd.name,
            upstream: end,
          });
        continue;
      }
      const lastEnd = extended ?? standard;
      const stillSupported = lastEnd === undefined ? cycle[check.standard] === false : lastEnd >= asOf;
      const newer = cycle.releaseDate !== undefined && cycle.releaseDate > newestRelease(key.family);
      if (stillSupported || newer) {
        differences.push({
          kind: 'missing',
          product: check.product,
          key: `${key.family}/${key.version}`,
          cycle: String(cycle.cycle),
          ...(cycle.releaseDate ? { releaseDate: cycle.releaseDate } : {}),
          ...(lastEnd ? { end: lastEnd } : {}),
        });
      }
    }
  }
  return differences;
}

export interface CheckReport {
  catalogueDate: string;
  asOf: string;
  products: { product: string; cycles: number; differences: Difference[] }[];
}

/** Reads one product's cycles: from endoflife.date, or from a recording. */
export type CycleSource = (product: string) => Promise<unknown>;

export class CatalogueCheckError extends Error {
  override name = 'CatalogueCheckError';
}

function asCycles(product: string, body: unknown): UpstreamCycle[] {
  if (!Array.isArray(body) || !body.every((c) => c && typeof c === 'object' && 'cycle' in c)) {
    throw new CatalogueCheckError(
      `endoflife.date's answer for "${product}" is not a list of release cycles; has its API changed?`,
    );
  }
  return body as UpstreamCycle[];
}

export async function checkCatalogue(
  source: CycleSource,
  options: { catalogue?: LifecycleCatalogue; asOf: string; checks?: readonly ProductCheck[] },
): Promise<CheckReport> {
  const catalogue = options.catalogue ?? lifecycleCatalogue;
  const products = [];
  for (const check of options.checks ?? productChecks) {
    const cycles = asCycles(check.product, await source(check.product));
    products.push({
      product: check.product,
      cycles: cycles.length,
      differences: compareProduct(check, cycles, catalogue, options.asOf),
    });
  }
  return { catalogueDate: catalogue.date, asOf: options.asOf, products };
}

export function unacknowledged(report: CheckReport): Difference[] {
  return report.products.flatMap((p) => p.differences).filter((d) => !(d.kind === 'date' && d.acknowledged));
}

function describe(d: Difference): string {
  switch (d.kind) {
    case 'date': {
      const mark = d.acknowledged ? '= ' : '≠ ';
      const note = d.acknowledged ? ' (acknowledged: the catalogue names this value)' : '';
      return `${mark}${d.name} ${d.field}: catalogue ${d.catalogue ?? 'none'}, endoflife.date ${d.upstream ?? 'none'}${note}`;
    }
    case 'missing': {
      const released = d.releaseDate ? `released ${d.releaseDate}` : 'no release date';
      return `+ ${d.key} (endoflife.date cycle "${d.cycle}", ${released}, support until ${d.end ?? 'no end yet'}) is not in the catalogue`;
    }
    case 'end-published':
      return `! ${d.name}: the catalogue lists no end yet; endoflife.date now gives ${d.upstream}`;
  }
}

export function formatReport(report: CheckReport): string {
  const lines = [
    `Lifecycle catalogue of ${report.catalogueDate} against endoflife.date, as of ${report.asOf}`,
  ];
  for (const p of report.products) {
    const count = p.differences.length;
    lines.push(
      `${p.product}: ${p.cycles} cycles, ${count === 0 ? 'no differences' : `${count} difference${count === 1 ? '' : 's'}`}`,
    );
    // Cycle names come from endoflife.date: shown, never interpreted, by the terminal.
    for (const d of p.differences) lines.push(`  ${forTerminal(describe(d))}`);
  }
  lines.push(`Not on endoflife.date, not checked: ${uncheckedFamilies.join(', ')}`);
  const open = unacknowledged(report).length;
  lines.push(
    open === 0
      ? 'Nothing to review.'
      : `${open} difference${open === 1 ? '' : 's'} to review against the vendors' pages; the catalogue was not changed.`,
  );
  return `${lines.join('\n')}\n`;
}

const apiBase = 'https://endoflife.date/api';

export function onlineSource(fetchImpl: typeof fetch = fetch): CycleSource {
  return async (product) => {
    const url = `${apiBase}/${encodeURIComponent(product)}.json`;
    let response: Response;
    try {
      response = await fetchImpl(url, { headers: { accept: 'application/json' } });
    } catch (error) {
      throw new CatalogueCheckError(
        `could not reach ${url} (${(error as Error).message}); check the network, or compare with recorded answers using --fixtures <dir>`,
        { cause: error },
      );
    }
    if (!response.ok) throw new CatalogueCheckError(`${url} answered HTTP ${response.status}`);
    return response.json();
  };
}

export function recordedSource(dir: string): CycleSource {
  return async (product) => {
    const path = join(dir, `${product}.json`);
    try {
      return JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new CatalogueCheckError(
        `could not read the recorded answer ${path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  };
}

interface Options {
  strict: boolean;
  fixtures?: string;
  asOf: string;
}

function parseArgs(argv: readonly string[], today: string): Options {
  const options: Options = { strict: false, asOf: today };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--strict') options.strict = true;
    else if (arg === '--fixtures' && argv[i + 1]) options.fixtures = argv[++i]!;
    else if (arg === '--as-of' && /^\d{4}-\d{2}-\d{2}$/.test(argv[i + 1] ?? '')) options.asOf = argv[++i]!;
    else
      throw new CatalogueCheckError(
        `unknown or incomplete option "${arg}"; usage: catalogue-check [--strict] [--fixtures <dir>] [--as-of YYYY-MM-DD]`,
      );
  }
  return options;
}

/** The command: prints the report, returns the exit code. */
export async function main(
  argv: readonly string[],
  io: { out: (text: string) => void; err: (text: string) => void; now?: Date; fetch?: typeof fetch } = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  },
): Promise<number> {
  try {
    const options = parseArgs(argv, (io.now ?? new Date()).toISOString().slice(0, 10));
    const source = options.fixtures ? recordedSource(options.fixtures) : onlineSource(io.fetch);
    const checks = options.fixtures ? await recordedChecks(options.fixtures) : productChecks;
    const report = await checkCatalogue(source, { asOf: options.asOf, checks });
    io.out(formatReport(report));
    return options.strict && unacknowledged(report).length > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof CatalogueCheckError)) throw error;
    io.err(`catalogue-check: ${error.message}\n`);
    return 2;
  }
}

/** With recordings, the products that were recorded (a recording directory may hold only a few). */
async function recordedChecks(dir: string): Promise<readonly ProductCheck[]> {
  const files = await readdir(dir).catch((error: Error) => {
    throw new CatalogueCheckError(`could not read the recordings in ${dir}: ${error.message}`, {
      cause: error,
    });
  });
  const recorded = new Set(files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)));
  const checks = productChecks.filter((c) => recorded.has(c.product));
  if (checks.length === 0)
    throw new CatalogueCheckError(`no recorded product answers (<product>.json) in ${dir}`);
  return checks;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
