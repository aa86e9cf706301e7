/**
 * `npm run bench:bundles`: builds each Lambda function's bundle with esbuild exactly as packaging
 * does (serverless.yml's `custom.esbuild`, the way serverless-esbuild passes it on), then prints its
 * size and its module initialisation time next to the same figures for a bundle of only the AWS SDK
 * exports the function's code imports (clients, commands, paginators, lib-dynamodb…).
 *
 * Initialisation time is `await import(bundle)` in a fresh `node` process, the median of N runs
 * (the first runs warm the file cache and are dropped). Targets: estatescan's own code adds under
 * 20% to the SDK-only initialisation, and the scan-target bundle stays under 1.5 MB.
 *
 *   npm run bench:bundles                  20 runs each
 *   npm run bench:bundles -- --runs 30 --source-maps    (with --enable-source-maps, as deployed)
 *   npm run bench:bundles -- --markdown    a table for BENCHMARKS.md
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { parseCloudFormationYaml } from '../scripts/cloudformation.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** serverless-esbuild options that are its own, not esbuild's (it strips them the same way). */
const pluginOnlyOptions = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  'config',
  'plugins',
];

export const TARGETS = { ownCodeInitShare: 0.2, scanTargetBytes: 1.5 * 1024 * 1024 };

interface ServiceConfig {
  functions: Record<string, { handler: string }>;
  custom?: { esbuild?: Record<string, unknown> };
}

/** The esbuild options serverless-esbuild derives from serverless.yml (its defaults included). */
export function packagingBuildOptions(config: ServiceConfig): { options: BuildOptions; extension: string } {
  const raw = config.custom?.esbuild ?? {};
  const extension = String(raw.outputFileExtension ?? '.js');
  const exclude = (raw.exclude as string[] | undefined) ?? ['aws-sdk'];
  const esbuildOptions = Object.fromEntries(
    Object.entries(raw).filter(([key]) => !pluginOnlyOptions.includes(key)),
  ) as BuildOptions;
  // serverless-esbuild `require`s a plugins path from the service directory.
  const plugins =
    typeof raw.plugins === 'string'
      ? (createRequire(join(projectRoot, 'package.json'))(join(projectRoot, raw.plugins)) as Plugin[])
      : ((raw.plugins as Plugin[] | undefined) ?? []);
  return {
    extension,
    options: {
      plugins,
      bundle: true,
      platform: 'node',
      target: 'node22',
      ...esbuildOptions,
      external: [
        ...((raw.external as string[] | undefined) ?? []),
        ...(exclude.includes('*') ? [] : exclude),
      ],
      ...(extension !== '.js' ? { outExtension: { '.js': extension } } : {}),
    },
  };
}

/** `{ name: 'functions/plan.ts' }` from serverless.yml's handlers. */
function functionEntries(config: ServiceConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config.functions).map(([name, fn]) => [name, `${fn.handler.replace(/\.[^.]+$/, '')}.ts`]),
  );
}

/** What one package is imported for: its default export and named exports. */
interface PackageImports {
  default: boolean;
  names: Set<string>;
}

/** The AWS SDK v3, and the Lambda libraries every handler is wrapped with (the issue asks for them). */
const sdkPackage = /^@aws-sdk\//;
const lambdaLibraryPackage = /^@aws-lambda-powertools\/|^@middy\//;

/**
 * The value imports (default and named) that the bundle's own source files make from packages
 * matching `wanted`: what a bundle of "just those packages" must contain to be a fair baseline.
 */
function importsOf(metafile: Metafile, wanted: RegExp): Map<string, PackageImports> {
  const imports = new Map<string, PackageImports>();
  const ownFiles = Object.keys(metafile.inputs).filter(
    (f) => !f.includes('node_modules') && f.endsWith('.ts'),
  );
  const statement = /import\s+(type\s+)?(?:([\w$]+)\s*,?\s*)?(?:\{([^}]*)\})?\s*from\s+'([^']+)'/g;
  for (const file of ownFiles) {
    const source = readFileSync(join(projectRoot, file), 'utf8');
    for (const [, typeOnly, defaultName, names, pkg] of source.matchAll(statement)) {
      if (typeOnly || !pkg || !wanted.test(pkg)) continue;
      let entry = imports.get(pkg);
      if (!entry) {
        entry = { default: false, names: new Set() };
        imports.set(pkg, entry);
      }
      if (defaultName) entry.default = true;
      for (const raw of (names ?? '').split(',')) {
        const name = raw.trim();
        if (name && !name.startsWith('type ')) entry.names.add(name.split(/\s+as\s+/)[0]!.trim());
      }
    }
  }
  return imports;
}

/** An entry that imports exactly those exports, and keeps them all (as the handler's use does). */
function baselineEntry(imports: Map<string, PackageImports>): string {
  const lines: string[] = [];
  const kept: string[] = [];
  [...imports.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .forEach(([pkg, { default: hasDefault, names }], i) => {
      const named = [...names].sort().map((n) => `${n} as n${i}_${n}`);
      const clause = [...(hasDefault ? [`d${i}`] : []), ...(named.length ? [`{ ${named.join(', ')} }`] : [])];
      if (clause.length === 0) return;
      lines.push(`import ${clause.join(', ')} from '${pkg}';`);
      kept.push(...(hasDefault ? [`d${i}`] : []), ...[...names].sort().map((n) => `n${i}_${n}`));
    });
  return `${lines.join('\n')}\nexport const kept = [${kept.join(', ')}];\n`;
}

/** Environment the handlers may read at import time (nothing should, but a bench must not crash). */
const fakeLambdaEnvironment = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_EC2_METADATA_DISABLED: 'true',
  FINDINGS_TABLE: 'estatescan-bench-findings',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:estatescan-bench-alerts',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:estatescan-bench',
  MEMBER_ROLE_NAME: 'EstatescanReadOnly',
  POWERTOOLS_SERVICE_NAME: 'estatescan',
  POWERTOOLS_METRICS_NAMESPACE: 'Estatescan',
  POWERTOOLS_DEV: 'false',
  SLACK_WEBHOOK_PARAMETER: '/estatescan/bench',
};

/** Milliseconds of `await import(file)` in a fresh node process. */
function importTime(file: string, sourceMaps: boolean): number {
  const script =
    `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); ` +
    'process.stdout.write(String(performance.now() - t));';
  const out = execFileSync(
    process.execPath,
    [...(sourceMaps ? ['--enable-source-maps'] : []), '--input-type=module', '-e', script],
    { env: { PATH: process.env.PATH, ...fakeLambdaEnvironment }, encoding: 'utf8' },
  );
  return Number(out);
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Median import times of several bundles, measured in turn so that whatever else the machine does
 * weighs on all alike. The first rounds warm the file cache and are dropped.
 */
function initTimes(files: string[], runs: number, sourceMaps: boolean): number[] {
  const warmup = 2;
  const samples = files.map(() => [] as number[]);
  for (let i = 0; i < runs + warmup; i++) {
    const round = files.map((file) => importTime(file, sourceMaps));
    if (i < warmup) continue;
    for (const [j, t] of round.entries()) samples[j]!.push(t);
  }
  return samples.map(median);
}

interface BundleFigures {
  name: string;
  bytes: number;
  gzipBytes: number;
  initMs: number;
  /** The bundle of only the SDK exports the code imports. */
  sdkBytes: number;
  sdkInitMs: number;
  /** The same plus the Powertools and middy exports the code imports. */
  librariesBytes: number;
  librariesInitMs: number;
  sdkPackages: string[];
  /** Bytes in the bundle per package (or per top folder of estatescan's own code), largest first. */
  composition: [string, number][];
}

function compositionOf(metafile: Metafile): [string, number][] {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
  const bytes = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    const key = pkg ?? `estatescan ${file.split('/').slice(0, 2).join('/')}`;
    bytes.set(key, (bytes.get(key) ?? 0) + bytesInOutput);
  }
  return [...bytes.entries()].sort(([, a], [, b]) => b - a);
}

async function buildBaseline(
  imports: Map<string, PackageImports>,
  options: BuildOptions,
  outfile: string,
): Promise<number> {
  const { outExtension: _, ...single } = options;
  await build({
    ...single,
    stdin: {
      contents: baselineEntry(imports),
      resolveDir: projectRoot,
      loader: 'ts',
      sourcefile: 'baseline.ts',
    },
    outfile,
    logLevel: 'warning',
  });
  return statSync(outfile).size;
}

async function measure(
  name: string,
  entry: string,
  options: BuildOptions,
  extension: string,
  outDir: string,
  runs: number,
  sourceMaps: boolean,
): Promise<BundleFigures> {
  const fnDir = join(outDir, name);
  const result = await build({
    ...options,
    entryPoints: [join(projectRoot, entry)],
    outdir: fnDir,
    metafile: true,
    logLevel: 'warning',
  });
  const bundle = join(fnDir, `${entry.split('/').pop()!.replace(/\.ts$/, '')}${extension}`);
  const sdk = importsOf(result.metafile, sdkPackage);
  const libraries = new Map([...sdk, ...importsOf(result.metafile, lambdaLibraryPackage)]);
  const sdkBundle = join(outDir, `${name}.sdk${extension}`);
  const librariesBundle = join(outDir, `${name}.sdk-and-libraries${extension}`);
  const sdkBytes = await buildBaseline(sdk, options, sdkBundle);
  const librariesBytes = await buildBaseline(libraries, options, librariesBundle);
  const code = readFileSync(bundle);
  const [initMs, sdkInitMs, librariesInitMs] = initTimes(
    [bundle, sdkBundle, librariesBundle],
    runs,
    sourceMaps,
  );
  return {
    name,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    initMs: initMs!,
    sdkBytes,
    sdkInitMs: sdkInitMs!,
    librariesBytes,
    librariesInitMs: librariesInitMs!,
    sdkPackages: [...sdk.keys()].map((p) => p.replace('@aws-sdk/', '')).sort(),
    composition: compositionOf(result.metafile),
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const share = (own: number, sdk: number) => `${(((own - sdk) / sdk) * 100).toFixed(0)}%`;

function render(figures: BundleFigures[], markdown: boolean): string {
  const header = [
    'function',
    'bundle',
    'gzip',
    'init',
    'SDK only',
    'SDK init',
    '+ Powertools, middy',
    'their init',
    'own code adds (vs SDK)',
    '(vs SDK + libraries)',
    'SDK packages imported',
  ];
  const rows = figures.map((f) => [
    f.name,
    kib(f.bytes),
    kib(f.gzipBytes),
    ms(f.initMs),
    kib(f.sdkBytes),
    ms(f.sdkInitMs),
    kib(f.librariesBytes),
    ms(f.librariesInitMs),
    share(f.initMs, f.sdkInitMs),
    share(f.initMs, f.librariesInitMs),
    f.sdkPackages.map((p) => p.replace(/^client-/, '')).join(', '),
  ]);
  if (markdown) {
    return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, widths.map((w) => '-'.repeat(w)), ...rows]
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
        .join('  '),
    )
    .join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '20' },
      'source-maps': { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      only: { type: 'string' },
    },
  });
  const runs = Math.max(1, Number(values.runs));
  const config = parseCloudFormationYaml(
    readFileSync(join(projectRoot, 'serverless.yml'), 'utf8'),
  ) as unknown as ServiceConfig;
  const { options, extension } = packagingBuildOptions(config);
  const entries = Object.entries(functionEntries(config)).filter(
    ([name]) => !values.only || values.only.split(',').includes(name),
  );
  const outDir = mkdtempSync(join(tmpdir(), 'estatescan-bundles-'));
  const figures: BundleFigures[] = [];
  try {
    for (const [name, entry] of entries) {
      process.stderr.write(`building and timing ${name} (${entry})…\n`);
      figures.push(await measure(name, entry, options, extension, outDir, runs, values['source-maps']));
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  const esbuildVersion = (await import('esbuild')).version;
  process.stdout.write(
    `Bundles as packaged (esbuild ${esbuildVersion}, ${String(options.format)}, minified, target ${String(options.target)}); ` +
      `init = median of ${runs} fresh \`node ${process.version}\`${values['source-maps'] ? ' --enable-source-maps' : ''} imports\n\n`,
  );
  process.stdout.write(`${render(figures, values.markdown)}\n\n`);
  for (const f of figures.filter((x) => x.name === 'scan-target')) {
    const top = f.composition.slice(0, 12).map(([what, bytes]) => `${what} ${kib(bytes)}`);
    process.stdout.write(`${f.name} is made of: ${top.join(', ')}, …\n\n`);
  }
  let ok = true;
  for (const f of figures) {
    const added = (f.initMs - f.sdkInitMs) / f.sdkInitMs;
    if (added >= TARGETS.ownCodeInitShare) {
      ok = false;
      process.stdout.write(
        `✗ ${f.name}: own code adds ${share(f.initMs, f.sdkInitMs)} to the SDK-only init (target < 20%)\n`,
      );
    }
  }
  const scanTarget = figures.find((f) => f.name === 'scan-target');
  if (scanTarget) {
    const fits = scanTarget.bytes < TARGETS.scanTargetBytes;
    ok &&= fits;
    process.stdout.write(
      `${fits ? '✓' : '✗'} scan-target bundle: ${kib(scanTarget.bytes)} (target < 1536 KiB)\n`,
    );
  }
  if (ok) process.stdout.write('✓ every bundle within its targets\n');
  process.stderr.write(
    `(bundles built from ${relative(process.cwd(), join(projectRoot, 'serverless.yml'))})\n`,
  );
  return ok ? 0 : 1;
}

process.exitCode = await main();
