/**
 * `npm run bench`: every benchmark, one after another, each in a fresh Node process (so each one's
 * peak memory is its own), then the figures that compare them.
 *
 *   0. bench/startup.ts — how long `estatescan --version`, `--help`, `rules` take, next to `node -e ''`;
 *   1. bench/evaluate.ts — rule evaluation alone over 1,000,000 synthetic resources;
 *   2. bench/scan.ts — for each estate size, the full scan (collect, evaluate, persist into DynamoDB)
 *      on a fresh moto: first scan, quiet rescan, with 50 ms per call, and (smallest size) serial;
 *   3. the growth of each figure with the estate size;
 *   4. bench/scale-model.ts — the projection to 1,000 accounts × 17 regions.
 *
 *   npm run bench                              small and default sizes (about 5 minutes here)
 *   npm run bench -- --sizes small             a quick run
 *   npm run bench -- --sizes small,medium,default --serial-sizes small,medium
 *   npm run bench -- --from /tmp/estatescan-bench-XXXX   reprint from saved figures, no runs
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderTable } from '../src/cli/table.ts';
import { type EstateSizeName, estateSizes } from './estate.ts';
import type { EvaluateBenchResult } from './evaluate.ts';
import { machineLine, mb, percent, seconds, thousands } from './measure.ts';
import { scaleModelReport } from './scale-model.ts';
import type { RunFigures, ScanBenchResult } from './scan.ts';
import { type StartupBenchResult, startupReport } from './startup.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(benchDir, '..');

const usage = `Usage: npm run bench -- [--sizes small,default] [--serial-sizes small] [--small]
  [--evaluate-resources n] [--skip-evaluate] [--skip-startup] [--startup-runs n] [--out dir] [--from dir]
  [--target-concurrency n] [--item-concurrency n] [--max-attempts n] [--latency-ms n]
Sizes: ${Object.keys(estateSizes).join(', ')} (bench/estate.ts). --small is --sizes small.
--out keeps the figures in dir (default: a new temporary directory); the growth table takes every
size saved there, so a later run with --out dir --sizes medium --skip-evaluate adds a size.
--from reprints the growth table and the scale model from saved figures, running nothing.
The parts run alone too: npm run bench:startup, npm run bench:evaluate, npm run bench:scan (see
their --help).`;

class UsageError extends Error {
  override name = 'UsageError';
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string' },
      small: { type: 'boolean', default: false },
      'serial-sizes': { type: 'string' },
      'evaluate-resources': { type: 'string', default: '1000000' },
      'skip-evaluate': { type: 'boolean', default: false },
      'skip-startup': { type: 'boolean', default: false },
      'startup-runs': { type: 'string', default: '20' },
      from: { type: 'string' },
      out: { type: 'string' },
      'target-concurrency': { type: 'string' },
      'item-concurrency': { type: 'string' },
      'max-attempts': { type: 'string' },
      'latency-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const sizeList = (raw: string) => {
    const names = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = names.filter((n) => !(n in estateSizes));
    if (!names.length || bad.length) throw new UsageError(`unknown size: ${bad.join(', ') || '(empty)'}`);
    return names as EstateSizeName[];
  };
  const small = values.small || process.env.BENCH_SIZE === 'small';
  const sizes = sizeList(values.sizes ?? (small ? 'small' : 'small,default'));
  const serialSizes = sizeList(values['serial-sizes'] ?? sizes[0]!);
  const passThrough = (
    ['target-concurrency', 'item-concurrency', 'max-attempts', 'latency-ms'] as const
  ).flatMap((k) => (values[k] === undefined ? [] : [`--${k}`, values[k] as string]));
  return {
    sizes,
    serialSizes,
    evaluateResources: values['evaluate-resources'],
    skipEvaluate: values['skip-evaluate'],
    skipStartup: values['skip-startup'],
    startupRuns: values['startup-runs'],
    from: values.from,
    out: values.out,
    passThrough,
  };
}

/** Runs one part in its own Node process (with a real `gc`), its report going straight to stdout. */
function runPart(script: string, args: string[]): Promise<void> {
  return new Promise((resolvePart, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(benchDir, script), ...args],
      {
        cwd: projectRoot,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolvePart()
        : reject(new Error(`${script} ${args.join(' ')} ended with ${signal ?? code}`)),
    );
  });
}

async function readJson<T>(path: string): Promise<T | undefined> {
  return existsSync(path) ? (JSON.parse(await readFile(path, 'utf8')) as T) : undefined;
}

// ---------------------------------------------------------------- growth

function growthReport(scans: ScanBenchResult[]): string {
  const rows = scans.map((s) => {
    const [first, rescan] = s.runs as [RunFigures, RunFigures];
    const held = first.memory.heapRetained - first.memory.heapBefore;
    return {
      size: s.size,
      targets: s.targets,
      resources: s.resources,
      scanMs: first.scanMs,
      persistMs: first.persistMs,
      rescanMs: rescan.wallMs,
      calls: first.callTotals.calls,
      cpuMs: rescan.cpuMs,
      evaluateMs: first.evaluateMs,
      evaluateShare: first.evaluateMs / first.wallMs,
      peakRss: first.memory.rss,
      heapGrowth: first.memory.heapUsed - first.memory.heapBefore,
      held,
      quietPuts: rescan.dynamodb['dynamodb:PutItem']?.calls ?? 0,
      latencyGrowth: s.latencyGrowth.concurrent,
    };
  });
  type Row = (typeof rows)[number];
  const perResource = (r: Row, v: number) => v / r.resources;
  const table = renderTable(rows, [
    { header: 'size', value: (r) => r.size },
    { header: 'resources', value: (r) => thousands(r.resources), align: 'right' },
    { header: 'scan', value: (r) => seconds(r.scanMs), align: 'right' },
    { header: 'persist (1st)', value: (r) => seconds(r.persistMs), align: 'right' },
    { header: 'rescan+persist', value: (r) => seconds(r.rescanMs), align: 'right' },
    { header: 'calls', value: (r) => thousands(r.calls), align: 'right' },
    { header: 'CPU (rescan)', value: (r) => seconds(r.cpuMs), align: 'right' },
    { header: 'evaluate', value: (r) => `${r.evaluateMs.toFixed(0)} ms`, align: 'right' },
    { header: 'eval share', value: (r) => percent(r.evaluateShare, 1), align: 'right' },
    { header: 'peak RSS', value: (r) => mb(r.peakRss), align: 'right' },
    { header: 'peak heap +', value: (r) => mb(r.heapGrowth), align: 'right' },
    { header: 'heap held', value: (r) => mb(r.held), align: 'right' },
    { header: 'quiet PutItem', value: (r) => r.quietPuts, align: 'right' },
    { header: '+latency', value: (r) => `×${r.latencyGrowth.toFixed(2)}`, align: 'right' },
  ]);
  const unit = renderTable(rows, [
    { header: 'per resource', value: (r) => r.size },
    { header: 'scan', value: (r) => `${perResource(r, r.scanMs).toFixed(2)} ms`, align: 'right' },
    { header: 'calls', value: (r) => perResource(r, r.calls).toFixed(3), align: 'right' },
    { header: 'CPU', value: (r) => `${perResource(r, r.cpuMs).toFixed(3)} ms`, align: 'right' },
    {
      header: 'evaluate',
      value: (r) => `${(perResource(r, r.evaluateMs) * 1000).toFixed(1)} µs`,
      align: 'right',
    },
    { header: 'peak heap +', value: (r) => `${thousands(perResource(r, r.heapGrowth))} B`, align: 'right' },
    { header: 'heap held', value: (r) => `${thousands(perResource(r, r.held))} B`, align: 'right' },
    {
      header: 'quiet PutItem per target',
      value: (r) => ((r.quietPuts - 1) / r.targets).toFixed(2),
      align: 'right',
    },
  ]);
  const lines = [
    'Growth with estate size (first scan unless said; "scan" is runScan: collect + evaluate):',
    table,
    '',
    unit,
  ];
  if (rows.length >= 2) {
    const a = rows[0]!;
    const b = rows.at(-1)!;
    const x = (f: (r: Row) => number) => `×${(f(b) / f(a)).toFixed(1)}`;
    lines.push(
      '',
      `${b.size} / ${a.size}: resources ${x((r) => r.resources)}, calls ${x((r) => r.calls)}, scan ${x((r) => r.scanMs)}, ` +
        `CPU ${x((r) => r.cpuMs)}, evaluation ${x((r) => r.evaluateMs)}, heap held ${x((r) => r.held)}, ` +
        `peak heap growth ${x((r) => r.heapGrowth)}, quiet-rescan PutItem ${x((r) => r.quietPuts)}.`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  const started = performance.now();
  const dir = options.from ?? options.out ?? (await mkdtemp(join(tmpdir(), 'estatescan-bench-')));
  if (options.out) await mkdir(options.out, { recursive: true });
  const say = (text: string) => process.stdout.write(`${text}\n`);
  say(`estatescan benchmarks — ${machineLine()}`);
  say(`figures saved in ${dir}`);

  if (!options.from) {
    if (!options.skipStartup) {
      say('\n================================================================ start-up\n');
      await runPart('startup.ts', ['--runs', options.startupRuns, '--json', join(dir, 'startup.json')]);
    }
    if (!options.skipEvaluate) {
      say('\n================================================================ rule evaluation\n');
      await runPart('evaluate.ts', [
        '--resources',
        options.evaluateResources,
        '--json',
        join(dir, 'evaluate.json'),
      ]);
    }
    for (const size of options.sizes) {
      say(`\n================================================================ full scan: ${size}\n`);
      await runPart('scan.ts', [
        '--size',
        size,
        ...(options.serialSizes.includes(size) ? ['--serial'] : []),
        ...options.passThrough,
        '--json',
        join(dir, `scan-${size}.json`),
      ]);
    }
  }

  const startup = await readJson<StartupBenchResult>(join(dir, 'startup.json'));
  const evaluation = await readJson<EvaluateBenchResult>(join(dir, 'evaluate.json'));
  const scans: ScanBenchResult[] = [];
  for (const size of Object.keys(estateSizes)) {
    const scan = await readJson<ScanBenchResult>(join(dir, `scan-${size}.json`));
    if (scan) scans.push(scan);
  }
  if (!scans.length) throw new Error(`no scan figures in ${dir}`);
  const largest = scans.at(-1)!;
  const [first, rescan, , latency] = largest.runs as [RunFigures, RunFigures, RunFigures, RunFigures];
  const serial = scans.find((s) => s.latencyGrowth.serial !== undefined);

  if (startup && options.from) {
    say('\n================================================================ start-up\n');
    say(startupReport(startup.cases));
  }
  say('\n================================================================ growth\n');
  say(growthReport(scans));
  say('\n================================================================ scale model\n');
  say(scaleModelReport(largest, evaluation));
  say('\n================================================================ headline\n');
  const median = (name: string) => startup?.cases.find((c) => c.name === name)?.medianMs;
  say(
    [
      ...(startup
        ? [
            `Start-up (median of ${startup.runs}): estatescan --version ${Math.round(median('estatescan --version') ?? 0)} ms, ` +
              `--help ${Math.round(median('estatescan --help') ?? 0)} ms, rules ${Math.round(median('estatescan rules') ?? 0)} ms; ` +
              `node -e '' ${Math.round(median("node -e ''") ?? 0)} ms.`,
          ]
        : []),
      `Full scan of the ${largest.size} estate (${largest.targets} targets, ${thousands(largest.resources)} resources): ` +
        `runScan ${seconds(first.scanMs)} + persist ${seconds(first.persistMs)} (first scan), ` +
        `${seconds(rescan.scanMs)} + ${seconds(rescan.persistMs)} (quiet rescan).`,
      `Rule evaluation: ${percent(first.evaluateMs, first.wallMs)} of the first scan's wall time (target < 5%)` +
        (evaluation
          ? `; alone, ${thousands(evaluation.resources)} resources in ${seconds(evaluation.evaluateMs)} = ` +
            `${thousands(evaluation.resourcesPerSecond)} resources/s, peak RSS ${mb(evaluation.peakRss)}.`
          : '.'),
      `+${latency.latencyMs} ms per call: scan ×${largest.latencyGrowth.concurrent.toFixed(2)} at ` +
        `${latency.targetConcurrency}×${latency.itemConcurrency}` +
        (serial
          ? `; ${serial.size}: ×${serial.latencyGrowth.concurrent.toFixed(2)} concurrent, ` +
            `×${serial.latencyGrowth.serial?.toFixed(2)} at 1×1, ×${serial.latencyGrowth.oneAtATime.toFixed(2)} one call at a time.`
          : '.'),
      `Quiet rescan: ${rescan.dynamodb['dynamodb:PutItem']?.calls ?? 0} PutItem for ${largest.targets} targets ` +
        `(${(((rescan.dynamodb['dynamodb:PutItem']?.calls ?? 1) - 1) / largest.targets).toFixed(2)} per target + 1 per run).`,
      ...(options.from ? [] : [`Total time of this run: ${seconds(performance.now() - started)}.`]),
    ].join('\n'),
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
