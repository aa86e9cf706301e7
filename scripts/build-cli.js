/**
 * Builds the `estatescan` command into plain JavaScript (dist/cli/), so that it starts without
 * compiling TypeScript on every call. `npm ci` and `npm install` run it (the `prepare` script);
 * `bin/estatescan.js` runs it again when a source changed since (a checkout being edited), so the
 * built CLI is never older than the code. `npm run build` runs it by hand.
 *
 * One bundle of estatescan's own modules (packages stay in node_modules), split at every dynamic
 * import: `main.js` holds the argument parsing, the main help and `--version`; each command, and
 * the AWS SDK clients it imports, is a chunk loaded only when that command runs.
 *
 * Plain JavaScript itself, because the bin imports it on every start and must not need tsx.
 */
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const thisFile = relative(projectRoot, fileURLToPath(import.meta.url));
export const outDir = join(projectRoot, 'dist', 'cli');
const entryFile = join(outDir, 'main.js');
/** The sources the build read; its modification time is the build's. */
const manifestFile = join(outDir, 'build.json');

/**
 * Whether dist/cli holds a build at least as new as every file it was built from (and this
 * script). A few dozen `stat` calls: about a millisecond.
 */
export function isFresh() {
  let built;
  let inputs;
  try {
    built = statSync(manifestFile).mtimeMs;
    inputs = JSON.parse(readFileSync(manifestFile, 'utf8')).inputs;
    statSync(entryFile);
  } catch {
    return false;
  }
  if (!Array.isArray(inputs)) return false;
  try {
    return [...inputs, thisFile].every((input) => statSync(join(projectRoot, input)).mtimeMs <= built);
  } catch {
    // A source was deleted or renamed.
    return false;
  }
}

/** Writes a file whole or not at all, so a CLI starting during a rebuild never reads half of one. */
function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

/** Every file under `dir`, as absolute paths. */
function filesUnder(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
  } catch {
    return [];
  }
}

/** How the CLI is bundled (a test checks what each chunk loads). */
export const cliBuildOptions = {
  absWorkingDir: projectRoot,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: outDir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  logLevel: 'warning',
};

/** Builds the CLI into dist/cli/; returns the entry's path. Needs esbuild (a devDependency). */
export async function buildCli() {
  const { build } = await import('esbuild');
  // A source saved while esbuild reads must still count as newer than the build.
  const started = new Date();
  const result = await build({ ...cliBuildOptions, metafile: true, write: false });
  // Chunks first and the entry last, each written whole: a CLI starting meanwhile finds either the
  // old entry and its chunks or the new ones.
  const outputs = [...result.outputFiles].sort(
    (a, b) => Number(a.path === entryFile) - Number(b.path === entryFile),
  );
  for (const file of outputs) writeAtomically(file.path, file.contents);
  const written = new Set(outputs.map((file) => file.path));
  for (const stale of filesUnder(outDir)) {
    if (!written.has(stale) && stale !== manifestFile) rmSync(stale, { force: true });
  }
  const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('node_modules/'));
  writeAtomically(manifestFile, `${JSON.stringify({ inputs }, null, 2)}\n`);
  utimesSync(manifestFile, started, started);
  return entryFile;
}

/**
 * The entry of an up-to-date build, building it first when it is missing or stale; `undefined`
 * when it cannot be built (esbuild not installed, as with `npm ci --omit=dev`), and the caller
 * runs the TypeScript sources instead.
 */
export async function builtCli() {
  if (isFresh()) return entryFile;
  try {
    return await buildCli();
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write(
        `estatescan: could not build the CLI (${error?.message ?? error}); running the sources\n`,
      );
    }
    return undefined;
  }
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  try {
    const started = performance.now();
    const entry = await buildCli();
    process.stdout.write(
      `built ${relative(projectRoot, entry)} (and its chunks) in ${Math.round(performance.now() - started)} ms\n`,
    );
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    // A production install (`npm ci --omit=dev`) has no esbuild: the bin then runs the sources
    // through tsx, slower to start but the same CLI.
    process.stdout.write(
      'esbuild is not installed: estatescan will run its TypeScript sources through tsx\n',
    );
  }
}
