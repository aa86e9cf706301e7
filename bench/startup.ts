/**
 * `npm run bench:startup` (and the first part of `npm run bench`): how long `estatescan --version`,
 * `--help`, `rules` and `scan --help` take from process start to exit, each next to `node -e ''`,
 * the floor any Node CLI pays (starting V8 and Node itself).
 *
 * Each command runs as a user runs it, `node bin/estatescan.js …` in a fresh process: the CLI
 * built into plain JavaScript (dist/cli/) by `npm ci`. The build is brought up to date first, so
 * no run pays for rebuilding. The wall time is from spawning to exit, measured here; the runs of
 * the commands are interleaved, so a burst of load on the machine touches all alike, and the first
 * round is dropped (file cache). `--with-tsx` also times the sources run through tsx, as the bin
 * did before it was built.
 *
 *   npm run bench:startup                      20 runs each
 *   npm run bench:startup -- --runs 50 --with-tsx
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderTable } from '../src/cli/table.ts';
import { machineLine, writeResult } from './measure.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(projectRoot, 'bin', 'estatescan.js');

const usage = `Usage: npm run bench:startup -- [--runs n] [--with-tsx] [--json file]
--runs       timed runs of each command (default 20; one more, first, is dropped)
--with-tsx   also time the TypeScript sources run through tsx (3 runs: seconds each)
--json       write the figures to a file (npm run bench reads them)`;

export interface StartupCase {
  name: string;
  args: string[];
}

export interface StartupFigures {
  name: string;
  runs: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
}

export interface StartupBenchResult {
  machine: string;
  runs: number;
  cases: StartupFigures[];
}

export const startupCases: StartupCase[] = [
  { name: "node -e ''", args: ['-e', ''] },
  { name: 'estatescan --version', args: [bin, '--version'] },
  { name: 'estatescan --help', args: [bin, '--help'] },
  { name: 'estatescan rules', args: [bin, 'rules'] },
  { name: 'estatescan scan --help', args: [bin, 'scan', '--help'] },
];

const tsxCases: StartupCase[] = [
  {
    name: 'tsx src/cli/main.ts --help',
    args: ['--import', 'tsx', join(projectRoot, 'src/cli/main.ts'), '--help'],
  },
  {
    name: 'tsx src/cli/main.ts rules',
    args: ['--import', 'tsx', join(projectRoot, 'src/cli/main.ts'), 'rules'],
  },
];

/** One run, spawn to exit, in milliseconds; a command that fails fails the benchmark. */
function timeOnce(c: StartupCase): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, c.args, {
    cwd: projectRoot,
    encoding: 'utf8',
    // As a pipe sees it: no colour, the default width.
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
  });
  const elapsed = performance.now() - started;
  if (run.status !== 0) {
    throw new Error(`${c.name} exited with ${run.status ?? run.signal}: ${run.stderr.slice(0, 500)}`);
  }
  return elapsed;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** Times every case `runs` times, round by round, after one dropped round. */
export function measureStartup(cases: readonly StartupCase[], runs: number): StartupFigures[] {
  const times = cases.map(() => [] as number[]);
  for (let round = 0; round <= runs; round++) {
    cases.forEach((c, i) => {
      const ms = timeOnce(c);
      if (round > 0) times[i]?.push(ms);
    });
  }
  return cases.map((c, i) => {
    const sorted = [...(times[i] ?? [])].sort((a, b) => a - b);
    return {
      name: c.name,
      runs: sorted.length,
      medianMs: quantile(sorted, 0.5),
      p90Ms: quantile(sorted, 0.9),
      minMs: sorted[0] ?? Number.NaN,
    };
  });
}

export function startupReport(figures: readonly StartupFigures[]): string {
  const node = figures.find((f) => f.name.startsWith('node -e'))?.medianMs ?? 0;
  const ms = (n: number) => `${Math.round(n)} ms`;
  return renderTable(figures, [
    { header: 'command', value: (f) => f.name },
    { header: 'runs', value: (f) => f.runs, align: 'right' },
    { header: 'median', value: (f) => ms(f.medianMs), align: 'right' },
    { header: 'p90', value: (f) => ms(f.p90Ms), align: 'right' },
    { header: 'min', value: (f) => ms(f.minMs), align: 'right' },
    {
      header: "over node -e ''",
      value: (f) => (f.name.startsWith('node -e') ? '' : `+${ms(f.medianMs - node)}`),
      align: 'right',
    },
  ]);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '20' },
      'with-tsx': { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`--runs: a whole number above 0\n${usage}\n`);
    return 2;
  }
  const build = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'build-cli.js')], {
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`the CLI could not be built: ${build.stderr}`);
  process.stdout.write(`Start-up, spawn to exit (${machineLine()}):\n`);
  const figures = measureStartup(startupCases, runs);
  if (values['with-tsx']) figures.push(...measureStartup(tsxCases, 3));
  process.stdout.write(`${startupReport(figures)}\n`);
  await writeResult(values.json, {
    machine: machineLine(),
    runs,
    cases: figures,
  } satisfies StartupBenchResult);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`[bench:startup] failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
